// The floor program of the benchmark (npm run bench): the stack shape of examples/basic
// (sessionCount resources with imageId and labels), its provider the no-op
// floorProvider installed as the package `agb-bench-floor`, so state holds a module
// reference; no outputs, no exports. Config: sessionCount, labels (as examples/basic).
import * as pulumi from "@pulumi/pulumi";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const floorProvider = require("agb-bench-floor") as pulumi.dynamic.ResourceProvider;

/** No declared outputs: the engine keeps only the inputs and the provider reference. */
class FloorSession extends pulumi.dynamic.Resource {}

const config = new pulumi.Config();
const count = config.getNumber("sessionCount") ?? 2;
const labels = { project: "demo", environment: "dev", ...(config.getObject<Record<string, string>>("labels") ?? {}) };

for (let i = 0; i < count; i++) {
  new FloorSession(floorProvider, `worker-${i}`, { imageId: "agb-code-space-1", labels }, undefined, "agbbench", "FloorSession");
}
