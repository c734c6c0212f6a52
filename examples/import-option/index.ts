// The `import` resource option on a Session: the session is adopted, as with
// `adoptSessionId` (Pulumi's own import of a dynamic resource fails,
// pulumi/pulumi#16175, so the provider does it). Once the session is in state,
// removing the option, as Pulumi's docs advise, changes nothing.
// Config: importId (the id of an existing session), dropImport (true once
// imported, to show the option removed), imageId (default "agb-code-space-1"),
// labels (JSON object, default {"owner":"pulumi"}).
import * as pulumi from "@pulumi/pulumi";
import * as agb from "pulumi-agb";

const config = new pulumi.Config();
const importId = config.getBoolean("dropImport") ? undefined : config.require("importId");

const session = new agb.Session(
  "imported",
  {
    imageId: config.get("imageId") ?? "agb-code-space-1",
    labels: config.getObject<Record<string, string>>("labels") ?? { owner: "pulumi" },
  },
  { import: importId },
);

export const sessionId = session.sessionId;
export const effectiveLabels = session.effectiveLabels;
