/**
 * The benchmark's floor provider: a dynamic provider that does nothing and
 * returns no outputs. The benchmark installs it as a package of its own
 * (`agb-bench-floor` under the project's node_modules), so Pulumi serializes it
 * by module reference, as it does pulumi-agb's: the least the engine can do per
 * resource. It must require nothing: it runs as the package's only file.
 */
import type * as pulumi from "@pulumi/pulumi";

let next = 0;

const floorProvider: pulumi.dynamic.ResourceProvider = {
  check: async (_olds, news) => ({ inputs: news }),
  diff: async (_id, olds, news) => ({ changes: JSON.stringify(olds.labels) !== JSON.stringify(news.labels) }),
  create: async () => ({ id: `floor-${process.pid}-${Date.now()}-${next++}` }),
  read: async (id) => ({ id }),
  update: async () => ({}),
  delete: async () => undefined,
};

export = floorProvider;
