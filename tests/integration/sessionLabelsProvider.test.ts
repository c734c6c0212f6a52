import { AgbClient } from "../../provider/client/AgbClient";
import { ProviderError } from "../../provider/runtime/providerError";
import { configureRuntime } from "../../provider/runtime/runtimeState";
import { sessionLabelsProviderImpl as provider } from "../../provider/runtime/sessionLabelsProviderImpl";
import { useEmulator } from "../support/emulatorFixture";
import { count, expire, PATHS, rejectionOf, totalCalls } from "./emulatorHelpers";

type Props = Record<string, unknown>;

function configure(endpoint: string): void {
  const config: Record<string, string> = { "agb:endpoint": endpoint };
  configureRuntime({ get: (key) => config[key] });
}

describe("SessionLabels provider against the emulator", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;
  const labelsOf = (id: string) => emulator.current.store.describe(id)?.labels;
  let sessionId: string;

  beforeEach(async () => {
    configure(url());
    // A session this stack does not own, with labels someone else set.
    const client = new AgbClient({ endpoint: url() });
    sessionId = (await client.createSession({ imageId: "agb-code-space-1", labels: { owner: "ext", keep: "1" } })).sessionId;
  });

  async function create(labels: Record<string, string>): Promise<{ id: string; outs: Props }> {
    const check = await provider.check({}, { sessionId, labels });
    expect(check.failures ?? []).toEqual([]);
    const result = await provider.create(check.inputs as Props);
    return { id: result.id, outs: result.outs as Props };
  }

  it("check: one failure per bad property, nothing sent", async () => {
    const before = await totalCalls(url());
    const result = await provider.check({}, { sessionId: "", labels: { ok: "1", "": "x", n: 3 }, extra: 1 });
    expect((result.failures ?? []).map((f) => f.property).sort()).toEqual(["extra", "labels", "sessionId"]);
    const missing = await provider.check({}, { labels: { a: "1" } });
    expect((missing.failures ?? []).map((f) => f.property)).toEqual(["sessionId"]);
    expect(await totalCalls(url())).toBe(before);
  });

  it("create merges only its keys into the session's labels", async () => {
    const { id, outs } = await create({ mine: "a", other: "b" });
    expect(id).toBe(`${sessionId}/labels`);
    expect(labelsOf(sessionId)).toEqual({ owner: "ext", keep: "1", mine: "a", other: "b" });
    expect(outs).toMatchObject({ sessionId, labels: { mine: "a", other: "b" } });
    expect(outs.sessionLabels).toEqual(labelsOf(sessionId));
    expect(await count(url(), PATHS.setLabel)).toBe(1);
  });

  it("create overrides a key someone else set, and touches nothing else", async () => {
    await create({ owner: "us" });
    expect(labelsOf(sessionId)).toEqual({ owner: "us", keep: "1" });
  });

  it("create with labels already in place sends no SetLabel", async () => {
    await create({ keep: "1" });
    expect(await count(url(), PATHS.setLabel)).toBe(0);
  });

  it("read reports only its own keys, with their current values", async () => {
    const { id, outs } = await create({ mine: "a", other: "b" });
    const client = new AgbClient({ endpoint: url() });
    await client.setLabels(sessionId, { owner: "ext", keep: "changed", mine: "hand-edited", extra: "new" });
    const result = await provider.read(id, outs);
    expect(result.id).toBe(id);
    expect((result.props as Props).labels).toEqual({ mine: "hand-edited" });
    expect(result.inputs).toEqual({ sessionId, labels: { mine: "hand-edited" } });
    const diff = await provider.diff(id, result.props as Props, { sessionId, labels: { mine: "a", other: "b" } });
    expect(diff).toMatchObject({ changes: true, replaces: [] });
  });

  it("diff makes no call", async () => {
    const { id, outs } = await create({ mine: "a" });
    const before = await totalCalls(url());
    expect((await provider.diff(id, outs, { sessionId, labels: { mine: "a" } })).changes).toBe(false);
    expect((await provider.diff(id, outs, { sessionId, labels: { mine: "b" } })).changes).toBe(true);
    expect((await provider.diff(id, outs, { sessionId: "s-other", labels: { mine: "a" } })).replaces).toEqual(["sessionId"]);
    expect(await totalCalls(url())).toBe(before);
  });

  it("update changes its keys, drops the ones it no longer declares, leaves the rest", async () => {
    const { id, outs } = await create({ mine: "a", other: "b" });
    const { outs: updated } = await provider.update(id, outs, { sessionId, labels: { mine: "a2", added: "c" } });
    expect(labelsOf(sessionId)).toEqual({ owner: "ext", keep: "1", mine: "a2", added: "c" });
    expect(updated).toMatchObject({ labels: { mine: "a2", added: "c" } });
  });

  it("delete removes only its keys", async () => {
    const { id, outs } = await create({ mine: "a", other: "b" });
    await provider.delete(id, outs);
    expect(labelsOf(sessionId)).toEqual({ owner: "ext", keep: "1" });
  });

  it("delete of labels on a session that is gone counts as done; read returns id ''", async () => {
    const { id, outs } = await create({ mine: "a" });
    await expire(url(), sessionId);
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
    expect((await provider.read(id, outs)).id).toBe("");
  });

  it("create on a session that does not exist fails with a ProviderError", async () => {
    const error = await rejectionOf(provider.create({ sessionId: "s-missing", labels: { a: "1" } }));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).property).toBe("labels");
    expect((error as ProviderError).message).toContain("s-missing");
  });
});

describe.each([
  ["replace", "accept"],
  ["replace", "reject"],
  ["merge", "accept"],
  ["merge", "reject"],
] as const)("SessionLabels delete of a session's last labels (SetLabel %s, empty set %s)", (labelSemantics, emptyLabels) => {
  const emulator = useEmulator({ labelSemantics, emptyLabels });
  const url = () => emulator.current.url;
  beforeEach(() => configure(url()));

  it("either removes them or fails with a clear ProviderError", async () => {
    const client = new AgbClient({ endpoint: url() });
    const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
    const created = await provider.create({ sessionId, labels: { mine: "a" } });
    expect(emulator.current.store.describe(sessionId)?.labels).toEqual({ mine: "a" });
    let failure: unknown;
    try {
      await provider.delete(created.id, created.outs as Props);
    } catch (error) {
      failure = error;
    }
    const left = emulator.current.store.describe(sessionId)?.labels;
    if (labelSemantics === "replace" && emptyLabels === "accept") {
      expect(failure).toBeUndefined();
      expect(left).toEqual({});
    } else {
      expect(failure).toBeInstanceOf(ProviderError);
      expect((failure as ProviderError).property).toBe("labels");
      expect((failure as ProviderError).message).toContain("mine");
      expect(left).toEqual({ mine: "a" });
    }
  });
});
