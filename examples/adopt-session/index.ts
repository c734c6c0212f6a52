// Adopting a session made outside Pulumi: `adoptSessionId` brings it under the
// stack (its labels are set to the declared ones; nothing is created), and
// `pulumi destroy` releases it like any other session.
// Config: adoptSessionId (required), labels (JSON object, default {"owner":"pulumi"}),
// imageId (default "agb-code-space-1").
import * as pulumi from "@pulumi/pulumi";
import * as agb from "pulumi-agb";

const config = new pulumi.Config();

const session = new agb.Session("adopted", {
  imageId: config.get("imageId") ?? "agb-code-space-1",
  adoptSessionId: config.require("adoptSessionId"),
  labels: config.getObject<Record<string, string>>("labels") ?? { owner: "pulumi" },
});

export const sessionId = session.sessionId;
export const adopted = session.adopted;
export const effectiveLabels = session.effectiveLabels;
