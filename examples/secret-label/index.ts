// A session with a secret label value: `pulumi.secret(...)` keeps it encrypted in
// state, masked in previews and in the CLI's output, and (through the Session's
// effectiveLabels marker input) secret in the effectiveLabels output too.
// Config: ownerLabel (required; set it with `pulumi config set --secret ownerLabel ...`),
// team (default "platform"), imageId (default "agb-code-space-1").
import * as pulumi from "@pulumi/pulumi";
import * as agb from "pulumi-agb";

const config = new pulumi.Config();
const owner = pulumi.secret(config.require("ownerLabel"));

const session = new agb.Session("with-secret-label", {
  imageId: config.get("imageId") ?? "agb-code-space-1",
  labels: { team: config.get("team") ?? "platform", owner },
});

export const sessionId = session.sessionId;
export const labels = session.labels;
export const effectiveLabels = session.effectiveLabels;
