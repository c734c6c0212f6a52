// Environment tagging: one program, deployed as several stacks (e.g. `dev` and
// `staging`), whose sessions all carry the stack's default labels plus labels
// that name the stack and project they belong to.
//
// What it shows:
// - `agb:defaultLabels` (stack config, a JSON object) is applied to every
//   Session; a session's own `labels` win on a key clash. Changing a default
//   updates every session in place (one SetLabel each), no replacement.
// - `registerAutoTagging()` stamps `pulumi-stack` and `pulumi-project` labels on
//   every Session declared after the call, so `dev` and `staging` sessions are
//   told apart by label alone.
// - `agb:ignoreLabelKeys` / `agb:ignoreLabelPrefixes` (JSON arrays) name labels
//   other systems put on the sessions: never reported as drift, kept on update.
//
// Config:
//   agb:endpoint           AGB endpoint (or AGB_ENDPOINT); agb:apiKey as a secret (or AGB_API_KEY)
//   agb:defaultLabels      e.g. '{"team":"payments","cost-center":"cc-42"}'
//   agb:ignoreLabelKeys    e.g. '["runtime-owner"]'
//   agb:ignoreLabelPrefixes e.g. '["agent/"]'
//   sessionCount           sessions to run (default 2)
//   labels                 own labels for every session, JSON object (default {"role":"worker"})
//   imageId                image to run (default "agb-code-space-1")
//
//   pulumi stack init dev
//   pulumi config set agb:defaultLabels '{"team":"payments","env":"dev"}'
//   pulumi up
//   pulumi stack init staging   # same program, other defaults
//   pulumi config set agb:defaultLabels '{"team":"payments","env":"staging"}'
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import * as agb from "pulumi-agb";

// Before any Session is declared: it applies to the sessions declared after it.
agb.registerAutoTagging({ stackKey: "pulumi-stack", projectKey: "pulumi-project" });

const config = new pulumi.Config();
const count = config.getNumber("sessionCount") ?? 2;
const ownLabels = config.getObject<Record<string, string>>("labels") ?? { role: "worker" };
const imageId = config.get("imageId") ?? "agb-code-space-1";

const sessions = Array.from({ length: count }, (_, i) => new agb.Session(`env-worker-${i}`, { imageId, labels: ownLabels }));

export const sessionIds = sessions.map((s) => s.sessionId);
/** Own labels, auto-tag labels included (the Session constructor merges them into `labels`). */
export const labels = sessions.map((s) => s.labels);
/** The stack defaults applied to each session (keys it sets itself left out). */
export const defaultLabels = sessions.map((s) => s.defaultLabels);
/** Every label on each session as last written or read, other systems' labels included. */
export const effectiveLabels = sessions.map((s) => s.effectiveLabels);
