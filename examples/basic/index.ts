// The quick-start stack: a few sessions with labels.
// Config: sessionCount (default 2), labels (JSON object, merged over the defaults below), imageId.
import * as pulumi from "@pulumi/pulumi";
import * as agb from "pulumi-agb";

const config = new pulumi.Config();
const count = config.getNumber("sessionCount") ?? 2;
const extraLabels = config.getObject<Record<string, string>>("labels") ?? {};
const imageId = config.get("imageId") ?? "agb-code-space-1";

const sessions = Array.from(
  { length: count },
  (_, i) =>
    new agb.Session(`worker-${i}`, {
      imageId,
      labels: { project: "demo", environment: "dev", ...extraLabels },
    }),
);

export const sessionIds = sessions.map((s) => s.sessionId);
export const labels = sessions.map((s) => s.labels);
