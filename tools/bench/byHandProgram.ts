// The "by hand" program of the benchmark (npm run bench): what a user writes without a
// package, the same stack shape as examples/basic (sessionCount resources with labels,
// the same outputs) and a no-op dynamic provider declared in the program, so Pulumi
// serializes it by closure (the text of every method) into each resource's state.
// Config: sessionCount (default 2), labels (JSON object, merged over the defaults below).
import * as pulumi from "@pulumi/pulumi";

// Serialized into each resource's state like any dynamic provider; its methods
// reference nothing from module scope, so the serialized text stays tiny.
const noopProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff(_id, olds, news) {
    const changes = JSON.stringify(olds.labels ?? {}) !== JSON.stringify(news.labels ?? {}) || olds.imageId !== news.imageId;
    return { changes, replaces: olds.imageId !== news.imageId ? ["imageId"] : [] };
  },
  async create(inputs) {
    const id = `noop-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    return { id, outs: { ...inputs, sessionId: id, status: "RUNNING", effectiveLabels: inputs.labels ?? {} } };
  },
  async read(id, props) {
    return { id, props };
  },
  async update(_id, olds, news) {
    return { outs: { ...olds, ...news, effectiveLabels: news.labels ?? {} } };
  },
  async delete() {
    // nothing to release
  },
};

class NoopSession extends pulumi.dynamic.Resource {
  declare readonly sessionId: pulumi.Output<string>;
  declare readonly labels: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: { imageId: string; labels: Record<string, string> }, opts?: pulumi.CustomResourceOptions) {
    super(noopProvider, name, { ...args, sessionId: undefined, status: undefined, effectiveLabels: undefined }, opts, "agbbench", "NoopSession");
  }
}

const config = new pulumi.Config();
const count = config.getNumber("sessionCount") ?? 2;
const extraLabels = config.getObject<Record<string, string>>("labels") ?? {};

const sessions = Array.from(
  { length: count },
  (_, i) => new NoopSession(`worker-${i}`, { imageId: "agb-code-space-1", labels: { project: "demo", environment: "dev", ...extraLabels } }),
);

export const sessionIds = sessions.map((s) => s.sessionId);
export const labels = sessions.map((s) => s.labels);
