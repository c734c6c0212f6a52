// The `import` resource option on a Session, to show what the engine does with it
// for a dynamic provider (see the README: use `adoptSessionId` instead).
// Config: importId (required: the id of an existing session), imageId (default
// "agb-code-space-1"), labels (JSON object, default {"owner":"pulumi"}).
import * as pulumi from "@pulumi/pulumi";
import * as agb from "pulumi-agb";

const config = new pulumi.Config();

const session = new agb.Session(
  "imported",
  {
    imageId: config.get("imageId") ?? "agb-code-space-1",
    labels: config.getObject<Record<string, string>>("labels") ?? { owner: "pulumi" },
  },
  { import: config.require("importId") },
);

export const sessionId = session.sessionId;
export const effectiveLabels = session.effectiveLabels;
