// Label policy: rules every session's labels must follow, checked by the
// provider's `check` before any call to AGB, so a bad label fails `pulumi
// preview` and `pulumi up` without creating or changing anything.
//
// What it shows:
// - A stack-wide policy in `agb:labelPolicy` (stack config, JSON) with any of
//   requiredKeys, allowedValues, keyPattern, valuePattern, valuePatterns
//   (per key), maxLabels, maxKeyLength and maxValueLength. Patterns match the
//   whole key or value. AGB states no label limits of its own, so the provider
//   enforces none unless a policy does; maxLabels counts the create-token label
//   the provider adds to each session it creates.
// - A per-session policy in the Session's `labelPolicy` input, on top of the
//   stack's (here: the billing session must carry a well-formed cost-center).
// - The policy checks the merged set: stack default labels (`agb:defaultLabels`)
//   plus the session's own labels, so a required key may come from the defaults.
// - Each violation names the rule and the key, e.g.
//     Session resource 'policy-app': property labels value {...} has a problem:
//     label policy (stack config agb:labelPolicy) rule allowedValues on key "env": "env" is "qa", allowed: "dev", "staging", "prod"
//
// Config:
//   agb:endpoint / agb:apiKey   the AGB service (or AGB_ENDPOINT / AGB_API_KEY)
//   agb:labelPolicy    e.g. '{"requiredKeys":["team","env"],"allowedValues":{"env":["dev","staging","prod"]},
//                            "keyPattern":"[a-z][a-z0-9-]*","maxLabels":8}'
//   agb:defaultLabels  e.g. '{"team":"payments"}' (satisfies requiredKeys "team" for every session)
//   labels             own labels of both sessions, JSON object (default {"env":"dev"})
//   costCenter         the billing session's cost-center label (default "cc-0042")
//   imageId            image to run (default "agb-code-space-1")
import * as pulumi from "@pulumi/pulumi";
import * as agb from "pulumi-agb";

const config = new pulumi.Config();
const labels = config.getObject<Record<string, string>>("labels") ?? { env: "dev" };
const costCenter = config.get("costCenter") ?? "cc-0042";
const imageId = config.get("imageId") ?? "agb-code-space-1";

const app = new agb.Session("policy-app", { imageId, labels });

const billing = new agb.Session("policy-billing", {
  imageId,
  labels: { ...labels, "cost-center": costCenter },
  // Only for this session, checked together with agb:labelPolicy.
  labelPolicy: { requiredKeys: ["cost-center"], valuePatterns: { "cost-center": "cc-[0-9]{4}" } },
});

export const sessionIds = [app.sessionId, billing.sessionId];
export const effectiveLabels = [app.effectiveLabels, billing.effectiveLabels];
