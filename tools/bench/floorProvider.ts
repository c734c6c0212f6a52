/**
 * The benchmark's floor provider: a dynamic provider that does nothing and
 * returns no outputs. The benchmark installs it as a package of its own
 * (`agb-bench-floor` under the project's node_modules), so Pulumi serializes it
 * by module reference, as it does pulumi-agb's: the least the engine can do per
 * resource. It must require nothing: it runs as the package's only file.
 *
 * No `diff`: the engine then compares the old inputs with the new ones itself.
 * A diff here sees the old *outputs*, which a provider with no outputs does not
 * have, so every `up` with no change was an update of every resource.
 */
import type * as pulumi from "@pulumi/pulumi";

let next = 0;

const floorProvider: pulumi.dynamic.ResourceProvider = {
  check: async (_olds, news) => ({ inputs: news }),
  create: async () => ({ id: `floor-${process.pid}-${Date.now()}-${next++}` }),
  read: async (id) => ({ id }),
  update: async () => ({}),
  delete: async () => undefined,
};

export = floorProvider;
