/**
 * The plugin's methods as the engine calls them (secret wrappers, the unknown
 * sentinel, URNs, an import's read with no state), against the emulator over
 * HTTP. The runtime behind them is the dynamic providers'; these cases check
 * what the plugin layer adds.
 */
import { AgbClient } from "../../provider/client/AgbClient";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { agbPlugin } from "../../provider/plugin/agbPlugin";
import { DIFF_KIND } from "../../provider/plugin/detailedDiff";
import { isSecretWrapper, revealed, secret } from "../../provider/plugin/secretValues";
import { configureSecretConfig, secretConfigKeys } from "../../provider/plugin/secretConfig";
import { providerConfig } from "../../provider/plugin/servePlugin";
import { ProviderError } from "../../provider/runtime/providerError";
import { configureRuntime } from "../../provider/runtime/runtimeState";
import { UNKNOWN_VALUE } from "../../provider/runtime/unknowns";
import { useEmulator } from "../support/emulatorFixture";
import { PATHS, stats, totalCalls } from "./emulatorHelpers";

type Props = Record<string, unknown>;
const SESSION = "urn:pulumi:dev::proj::agb:index:Session::web";
const LABELS = "urn:pulumi:dev::proj::agb:index:SessionLabels::shared";

describe("the agb plugin's methods against the emulator", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;
  beforeEach(() => {
    const config = providerConfig(new Map([["agb:config:endpoint", url()]]), { defaultLabels: '{"team":"platform"}' });
    configureRuntime({ get: (key) => config.get(key) });
    configureSecretConfig(new Set());
  });

  async function created(news: Props): Promise<{ id: string; inputs: Props; outs: Props }> {
    const checked = await agbPlugin.check(SESSION, {}, news);
    expect(checked.failures ?? []).toEqual([]);
    const { id, outs } = await agbPlugin.create(SESSION, checked.inputs as Props);
    return { id, inputs: checked.inputs as Props, outs: outs as Props };
  }

  test("provider config: agb:config:* variables and args reach the runtime as agb:*", () => {
    const config = providerConfig(new Map([["agb:config:endpoint", "http://x"]]), { apiKey: secret("k-1"), timeoutMs: 5 });
    expect(Object.fromEntries(config)).toEqual({ "agb:endpoint": "http://x", "agb:apiKey": "k-1", "agb:timeoutMs": "5" });
    const unknown = providerConfig(new Map([["agb:config:endpoint", UNKNOWN_VALUE]]), { endpoint: UNKNOWN_VALUE, apiKey: secret(UNKNOWN_VALUE) });
    expect(Object.fromEntries(unknown)).toEqual({});
  });

  test("a secret label reaches the service in plain text, and comes back wrapped in every output derived from it", async () => {
    const { id, inputs, outs } = await created({ imageId: "agb-code-space-1", labels: { role: "web", owner: secret("s3cret") } });
    expect(isSecretWrapper((inputs.labels as Props).owner)).toBe(true);
    expect(emulator.current.store.describe(id)?.labels).toMatchObject({ role: "web", owner: "s3cret", team: "platform" });
    expect((outs.labels as Props).role).toBe("web");
    expect(isSecretWrapper((outs.labels as Props).owner)).toBe(true);
    expect(isSecretWrapper(outs.effectiveLabels)).toBe(true);
    const read = await agbPlugin.read(id, SESSION, outs);
    expect(isSecretWrapper(((read.props as Props).labels as Props).owner)).toBe(true);
    expect(isSecretWrapper((read.props as Props).effectiveLabels)).toBe(true);
  });

  test("a secret agb:defaultLabels stays secret: the session's defaultLabels and effectiveLabels are wrapped in inputs, outputs and reads", async () => {
    const args = { endpoint: url(), defaultLabels: secret('{"cost":"c-42"}') };
    const config = providerConfig(new Map([["agb:config:endpoint", url()]]), args);
    configureRuntime({ get: (key) => config.get(key) });
    configureSecretConfig(secretConfigKeys(args));
    const { id, inputs, outs } = await created({ imageId: "agb-code-space-1", labels: { role: "web" } });
    expect(emulator.current.store.describe(id)?.labels).toMatchObject({ role: "web", cost: "c-42" });
    expect(isSecretWrapper(inputs.defaultLabels)).toBe(true);
    expect(isSecretWrapper(outs.defaultLabels)).toBe(true);
    expect(isSecretWrapper(outs.effectiveLabels)).toBe(true);
    expect((outs.labels as Props).role).toBe("web");
    const read = await agbPlugin.read(id, SESSION, outs);
    expect(isSecretWrapper((read.props as Props).defaultLabels)).toBe(true);
    expect(isSecretWrapper((read.props as Props).effectiveLabels)).toBe(true);
    expect(isSecretWrapper((read.inputs as Props).defaultLabels)).toBe(true);
  });

  test("a label edit: the detailed diff says update of labels, and the update is one SetLabel", async () => {
    const { id, outs } = await created({ imageId: "agb-code-space-1", labels: { role: "web" } });
    const next = await agbPlugin.check(SESSION, {}, { imageId: "agb-code-space-1", labels: { role: "api" } });
    const diff = await agbPlugin.diff(id, SESSION, outs, next.inputs as Props);
    expect(diff).toMatchObject({ changes: true, replaces: [], detailedDiff: { labels: DIFF_KIND.UPDATE } });
    const before = (await stats(url()))[PATHS.setLabel] ?? 0;
    await agbPlugin.update(id, SESSION, outs, next.inputs as Props);
    expect(((await stats(url()))[PATHS.setLabel] ?? 0) - before).toBe(1);
  });

  test("a label unknown at preview is an update, an unknown imageId a replace; neither calls the service", async () => {
    const { id, inputs, outs } = await created({ imageId: "agb-code-space-1", labels: { role: "web" } });
    const calls = await totalCalls(url());
    const unknownLabel = await agbPlugin.check(SESSION, inputs, { imageId: "agb-code-space-1", labels: { role: "web", peer: UNKNOWN_VALUE } });
    expect(unknownLabel.failures ?? []).toEqual([]);
    const labelDiff = await agbPlugin.diff(id, SESSION, outs, unknownLabel.inputs as Props);
    expect(labelDiff).toMatchObject({ changes: true, replaces: [], detailedDiff: { labels: DIFF_KIND.UPDATE } });
    const unknownImage = await agbPlugin.check(SESSION, inputs, { imageId: UNKNOWN_VALUE, labels: { role: "web" } });
    const imageDiff = await agbPlugin.diff(id, SESSION, outs, unknownImage.inputs as Props);
    expect(imageDiff.replaces).toContain("imageId");
    expect(imageDiff.detailedDiff.imageId).toBe(DIFF_KIND.UPDATE_REPLACE);
    expect(await totalCalls(url())).toBe(calls);
  });

  test("a session released outside the stack reads as gone (refresh drops it)", async () => {
    const { id, outs } = await created({ imageId: "agb-code-space-1", labels: {} });
    emulator.current.store.release(id);
    const read = await agbPlugin.read(id, SESSION, outs);
    expect(read.id).toBe("");
  });

  test("pulumi import of a session that does not exist, or is released, fails naming it, with no write", async () => {
    const { id } = await created({ imageId: "agb-code-space-1", labels: {} });
    emulator.current.store.release(id);
    for (const missing of ["s-doesnotexist0000", id]) {
      const failure = await agbPlugin.read(missing, SESSION, {}).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ProviderError);
      expect((failure as ProviderError).property).toBe("sessionId");
      expect((failure as Error).message).toContain(missing);
    }
    expect((await stats(url()))[PATHS.setLabel] ?? 0).toBe(0);
  });

  test("pulumi import of a session a pulumi-agb Session created (the stack holds it) is refused, naming the token, with no write", async () => {
    const { id } = await created({ imageId: "agb-code-space-1", labels: { role: "web" } });
    const token = emulator.current.store.describe(id)?.labels[CREATE_TOKEN_LABEL];
    const before = await stats(url());
    const failure = await agbPlugin.read(id, SESSION, {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).property).toBe("sessionId");
    expect((failure as Error).message).toContain(`${CREATE_TOKEN_LABEL}=${token}`);
    expect((failure as Error).message).toContain(`adoptSessionId: ${id}`);
    const after = await stats(url());
    for (const write of [PATHS.setLabel, PATHS.create, PATHS.releaseAsync, PATHS.release]) expect(after[write] ?? 0).toBe(before[write] ?? 0);
    expect(emulator.current.store.describe(id)?.status).toBe("RUNNING");
  });

  test("pulumi import: a read with no state records the session's labels, no write", async () => {
    const client = new AgbClient({ endpoint: url() });
    const { sessionId } = await client.createSession({ imageId: "agb-code-space-1", labels: { made: "outside", team: "platform" } });
    const calls = await stats(url());
    const read = await agbPlugin.read(sessionId, SESSION, {});
    expect(read.id).toBe(sessionId);
    // Secret as on every read: a refresh records there labels whose secretness the provider cannot know.
    expect(revealed((read.props as Props).effectiveLabels)).toEqual({ secret: true, value: { made: "outside", team: "platform" } });
    const after = await stats(url());
    expect(after[PATHS.setLabel] ?? 0).toBe(calls[PATHS.setLabel] ?? 0);
    expect(after[PATHS.create] ?? 0).toBe(calls[PATHS.create] ?? 0);
    expect(read.inputs).toEqual({ labels: { made: "outside", team: "platform" }, adoptSessionId: sessionId });
    expect(read.props).toMatchObject({ adopted: true, adoptSessionId: sessionId });
    expect((read.props as Props).imageId).toBeUndefined();
    // The program then states the image: recorded in place, never a replacement, no label write.
    const checked = await agbPlugin.check(SESSION, read.inputs as Props, { ...(read.inputs as Props), imageId: "agb-code-space-1" });
    expect(checked.failures ?? []).toEqual([]);
    const diff = await agbPlugin.diff(sessionId, SESSION, read.props as Props, checked.inputs as Props);
    expect(diff.replaces).toEqual([]);
    const outs = (await agbPlugin.update(sessionId, SESSION, read.props as Props, checked.inputs as Props)).outs as Props;
    expect(outs.imageId).toBe("agb-code-space-1");
    const end = await stats(url());
    expect(end[PATHS.setLabel] ?? 0).toBe(calls[PATHS.setLabel] ?? 0);
    expect(end[PATHS.create] ?? 0).toBe(calls[PATHS.create] ?? 0);
  });

  test("SessionLabels: only its own keys, removed on delete; getSessions through invoke", async () => {
    const client = new AgbClient({ endpoint: url() });
    const { sessionId } = await client.createSession({ imageId: "agb-code-space-1", labels: { made: "outside" } });
    const checked = await agbPlugin.check(LABELS, {}, { sessionId, labels: { env: "dev" } });
    const { id, outs } = await agbPlugin.create(LABELS, checked.inputs as Props);
    expect(emulator.current.store.describe(sessionId)?.labels).toEqual({ made: "outside", env: "dev" });
    const found = await agbPlugin.invoke("agb:index:getSessions", { labels: { env: "dev" } });
    expect((found.outputs as { sessionIds: string[] }).sessionIds).toEqual([sessionId]);
    await agbPlugin.delete(id, LABELS, outs as Props);
    expect(emulator.current.store.describe(sessionId)?.labels).toEqual({ made: "outside" });
    const bad = await agbPlugin.invoke("agb:index:getSessions", { labels: { "": "x" } });
    expect(bad.failures?.[0]?.property).toBe("labels");
  });

  test("adoption: a replacement of an adopted session is not asked for when adoptSessionId is dropped", async () => {
    const client = new AgbClient({ endpoint: url() });
    const { sessionId } = await client.createSession({ imageId: "agb-code-space-1", labels: {} });
    const { id, inputs, outs } = await created({ imageId: "agb-code-space-1", adoptSessionId: sessionId, labels: { a: "1" } });
    expect(id).toBe(sessionId);
    expect(CREATE_TOKEN_LABEL in (emulator.current.store.describe(sessionId)?.labels ?? {})).toBe(false);
    const dropped = await agbPlugin.check(SESSION, inputs, { imageId: "agb-code-space-1", labels: { a: "1" } });
    const diff = await agbPlugin.diff(id, SESSION, outs, dropped.inputs as Props);
    expect(diff.changes).toBe(false);
    expect(diff.detailedDiff).toEqual({});
  });
});
