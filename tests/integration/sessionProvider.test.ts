import { AgbClient } from "../../provider/client/AgbClient";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { ProviderError } from "../../provider/runtime/providerError";
import { configureRuntime } from "../../provider/runtime/runtimeState";
import { sessionProviderImpl as provider } from "../../provider/runtime/sessionProviderImpl";
import { isReleasedStatus } from "../../wire/sessionStatus";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { useEmulator } from "../support/emulatorFixture";
import { count, expire, PATHS, rejectionOf, stats, totalCalls } from "./emulatorHelpers";

type Props = Record<string, unknown>;

/** Configures the provider runtime as the engine would, with stack config keys. */
function configure(endpoint: string, extra: Record<string, string> = {}): void {
  const config: Record<string, string> = { "agb:endpoint": endpoint, ...extra };
  configureRuntime({ get: (key) => config[key] });
}

describe("inputs not yet known (preview)", () => {
  // check and diff make no call here; the endpoint only has to be configured.
  beforeEach(() => configure("http://127.0.0.1:9"));
  const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

  it("check passes an unknown imageId, labels map, label value, timeout, policy, adoption and labelPolicy through without failing", async () => {
    for (const news of [
      { imageId: UNKNOWN },
      { imageId: "agb-code-space-1", labels: UNKNOWN },
      { imageId: "agb-code-space-1", labels: { team: UNKNOWN, env: "dev" } },
      { imageId: "agb-code-space-1", idleReleaseTimeout: UNKNOWN, policyId: UNKNOWN, adoptSessionId: UNKNOWN, labelPolicy: UNKNOWN },
    ]) {
      const result = await provider.check({}, news);
      expect(result.failures ?? []).toEqual([]);
      for (const [key, value] of Object.entries(news)) expect((result.inputs as Props)[key]).toEqual(value);
    }
  });

  it("check still refuses what is known: a bad key beside an unknown value, a bad timeout beside an unknown image", async () => {
    const result = await provider.check({}, { imageId: UNKNOWN, idleReleaseTimeout: -1, labels: { " ": UNKNOWN } });
    expect((result.failures ?? []).map((f) => f.property).sort()).toEqual(["idleReleaseTimeout", "labels"]);
  });

  it("a policy's value rules wait for an unknown value; its key rules do not", async () => {
    const labelPolicy = { requiredKeys: ["team"], valuePattern: "[a-z]+", keyPattern: "[a-z]+" };
    expect((await provider.check({}, { imageId: "agb-code-space-1", labels: { team: UNKNOWN }, labelPolicy })).failures ?? []).toEqual([]);
    const bad = await provider.check({}, { imageId: "agb-code-space-1", labels: { team: UNKNOWN, BAD: "x" }, labelPolicy });
    expect(bad.failures?.[0].reason).toMatch(/rule keyPattern on key "BAD"/);
  });

  it("a policy failure names the key and the rule, never the value", async () => {
    const result = await provider.check({}, { imageId: "agb-code-space-1", labels: { code: "SECRET-VALUE" }, labelPolicy: { valuePatterns: { code: "[a-z]+" } } });
    expect(result.failures?.[0].reason).toMatch(/rule valuePatterns on key "code"/);
    expect(JSON.stringify(result.failures)).not.toContain("SECRET-VALUE");
  });
});

describe("adoption and replacements", () => {
  beforeEach(() => configure("http://127.0.0.1:9"));
  it("check refuses a replace-triggering change while the same adoption is declared, naming the property", async () => {
    const olds = { imageId: "agb-code-space-1", labels: {}, defaultLabels: {}, adoptSessionId: "s-adopted" };
    for (const [key, value] of [["imageId", "agb-browser-use-1"], ["idleReleaseTimeout", 900], ["policyId", "p-2"]] as const) {
      const result = await provider.check(olds, { imageId: "agb-code-space-1", adoptSessionId: "s-adopted", [key]: value });
      expect(result.failures?.map((f) => f.property)).toEqual([key]);
      expect(result.failures?.[0].reason).toMatch(/while this Session adopts session s-adopted/);
    }
    // Stopping the adoption in the same change lets the replacement through.
    expect((await provider.check(olds, { imageId: "agb-browser-use-1" })).failures ?? []).toEqual([]);
  });

  it("diff: adopting the resource's own id is no replacement; with another replace trigger it throws", async () => {
    const olds = { imageId: "agb-code-space-1", labels: {}, defaultLabels: {}, effectiveLabels: {} };
    expect(await provider.diff("s-own", olds, { ...olds, adoptSessionId: "s-own" })).toMatchObject({ changes: true, replaces: [] });
    const refused = await provider.diff("s-own", olds, { ...olds, imageId: "agb-browser-use-1", adoptSessionId: "s-own" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect((refused as ProviderError).property).toBe("imageId");
  });
});

async function checked(news: Props): Promise<Props> {
  const result = await provider.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Props;
}

/** check + create, as the engine does for a new resource. */
async function createFrom(news: Props): Promise<{ id: string; inputs: Props; outs: Props }> {
  const inputs = await checked(news);
  const { id, outs } = await provider.create(inputs);
  return { id, inputs, outs: outs as Props };
}

function sessionLabels(emulator: RunningEmulator, id: string): Record<string, string> | undefined {
  return emulator.store.describe(id)?.labels;
}

describe("Session provider against the emulator", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;
  beforeEach(() => configure(url()));

  describe("check", () => {
    it("normalises valid inputs and sends nothing", async () => {
      const inputs = await checked({ imageId: " agb-code-space-1 ", labels: { env: "dev" }, idleReleaseTimeout: 600 });
      expect(inputs).toEqual({
        imageId: "agb-code-space-1",
        labels: { env: "dev" },
        defaultLabels: {},
        idleReleaseTimeout: 600,
        createToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(await totalCalls(url())).toBe(0);
    });

    it("gives one failure per bad property, naming every bad label, and sends nothing", async () => {
      const result = await provider.check(
        {},
        {
          imageId: "",
          labels: { "": "x", good: "ok", blank: "  ", num: 5 },
          idleReleaseTimeout: -5,
          policyId: "",
          colour: "red",
        },
      );
      const failures = result.failures ?? [];
      const properties = failures.map((f) => f.property).sort();
      expect(properties).toEqual(["colour", "idleReleaseTimeout", "imageId", "labels", "policyId"]);
      const labels = failures.find((f) => f.property === "labels")?.reason ?? "";
      expect(labels).toContain('""');
      expect(labels).toContain('"blank"');
      expect(labels).toContain('"num"');
      expect(labels).not.toContain('"good"');
      expect(await totalCalls(url())).toBe(0);
    });

    it("refuses a misspelt property by name, suggesting the one meant, and sends nothing", async () => {
      const result = await provider.check({}, { imageId: "agb-code-space-1", lables: { env: "dev" }, imageID: "x" });
      expect(result.failures).toEqual([
        { property: "lables", reason: expect.stringContaining('unknown property "lables" (did you mean "labels"?)') },
        { property: "imageID", reason: expect.stringContaining('(did you mean "imageId"?)') },
      ]);
      const unrelated = await provider.check({}, { imageId: "agb-code-space-1", colour: "red" });
      expect(unrelated.failures?.[0].reason).not.toContain("did you mean");
      expect(await totalCalls(url())).toBe(0);
    });

    it("reports bad stack config as a failure on that key, and sends nothing", async () => {
      configure(url(), { "agb:defaultLabels": "{not json" });
      const result = await provider.check({}, { imageId: "agb-code-space-1" });
      expect(result.failures).toEqual([{ property: "agb:defaultLabels", reason: expect.stringContaining("not valid JSON") }]);
      expect(await totalCalls(url())).toBe(0);
    });

    it("puts label policy violations under labels, before any call", async () => {
      configure(url(), { "agb:labelPolicy": JSON.stringify({ requiredKeys: ["owner"] }) });
      const result = await provider.check({}, { imageId: "agb-code-space-1", labels: { env: "dev" } });
      expect(result.failures).toEqual([{ property: "labels", reason: expect.stringContaining('"owner"') }]);
      expect(await totalCalls(url())).toBe(0);
    });

    it("counts the provider's create-token label towards a policy's maxLabels, but not on adoption", async () => {
      const labels = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`k${i}`, "v"]));
      configure(url(), { "agb:labelPolicy": JSON.stringify({ maxLabels: 4 }) });
      const created = await provider.check({}, { imageId: "agb-code-space-1", labels });
      expect(created.failures).toEqual([{ property: "labels", reason: expect.stringContaining("plus the provider's create-token label") }]);
      const adopted = await provider.check({}, { imageId: "agb-code-space-1", labels, adoptSessionId: "s-1" });
      expect(adopted.failures ?? []).toEqual([]);
      expect(await totalCalls(url())).toBe(0);
    });

    it("counts the stack's default labels towards a policy's maxLabels", async () => {
      const defaults = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`d${i}`, "v"]));
      const own = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`o${i}`, "v"]));
      configure(url(), { "agb:defaultLabels": JSON.stringify(defaults), "agb:labelPolicy": JSON.stringify({ maxLabels: 6 }) });
      const result = await provider.check({}, { imageId: "agb-code-space-1", labels: own });
      expect(result.failures?.map((f) => f.property)).toEqual(["labels"]);
      expect(await totalCalls(url())).toBe(0);
    });

    it("enforces the policy's key and value lengths in check, naming each key, with no request", async () => {
      configure(url(), { "agb:labelPolicy": JSON.stringify({ maxKeyLength: 8, maxValueLength: 5 }) });
      const result = await provider.check({}, { imageId: "agb-code-space-1", labels: { "a-very-long-key": "v", env: "toolong" } });
      expect(result.failures).toHaveLength(1);
      expect(result.failures?.[0].reason).toMatch(/rule maxKeyLength on key "a-very-long-key"/);
      expect(result.failures?.[0].reason).toMatch(/rule maxValueLength on key "env"/);
      expect(await totalCalls(url())).toBe(0);
    });

    it("accepts what the SDKs send: quotes, =, commas, backslashes, spaces, unicode, long values, many labels", async () => {
      const labels: Record<string, string> = {
        'quote"key': "a",
        "k=v,x": "y=z,w",
        "back\\slash": "\\",
        " padded key ": " padded value ",
        "環境": "本番 🚀",
        long: "x".repeat(5000),
        ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`label-${i}`, `${i}`])),
      };
      const result = await provider.check({}, { imageId: "agb-code-space-1", labels });
      expect(result.failures ?? []).toEqual([]);
      const { id } = await provider.create(result.inputs as Props);
      const stored = sessionLabels(emulator.current, id) ?? {};
      expect(Object.fromEntries(Object.entries(stored).filter(([k]) => k !== CREATE_TOKEN_LABEL))).toEqual(labels);
    });
  });

  describe("create", () => {
    it("stamps the session with the create token check drew, so a pending create in state can find it", async () => {
      const { id, inputs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" } });
      expect(typeof inputs.createToken).toBe("string");
      expect(sessionLabels(emulator.current, id)?.[CREATE_TOKEN_LABEL]).toBe(inputs.createToken);
      const fresh = await checked({ imageId: "agb-code-space-1", labels: { env: "dev" } });
      expect(fresh.createToken).not.toBe(inputs.createToken);
    });

    it("keeps the create token while nothing would replace the session, and draws a new one when something would", async () => {
      const first = await checked({ imageId: "agb-code-space-1", labels: { env: "dev" } });
      const relabelled = (await provider.check(first, { imageId: "agb-code-space-1", labels: { env: "prod" } })).inputs as Props;
      expect(relabelled.createToken).toBe(first.createToken);
      const reimaged = (await provider.check(first, { imageId: "agb-browser-use-1", labels: { env: "dev" } })).inputs as Props;
      expect(reimaged.createToken).not.toBe(first.createToken);
    });

    it("makes exactly one createSession call and no SetLabel", async () => {
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" }, idleReleaseTimeout: 900 });
      expect(await stats(url())).toEqual({ [PATHS.create]: 1 });
      expect(outs).toMatchObject({ sessionId: id, imageId: "agb-code-space-1", labels: { env: "dev" }, status: "RUNNING" });
      expect(outs.effectiveLabels).toEqual({ env: "dev", [CREATE_TOKEN_LABEL]: expect.any(String) });
      expect(sessionLabels(emulator.current, id)).toEqual(outs.effectiveLabels);
      expect(emulator.current.store.describe(id)?.idleTimeoutSeconds).toBe(900);
    });

    it("merges the stack's default labels under the session's own", async () => {
      configure(url(), { "agb:defaultLabels": JSON.stringify({ team: "core", env: "dev" }) });
      const { id, inputs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "prod" } });
      expect(inputs).toMatchObject({ labels: { env: "prod" }, defaultLabels: { team: "core" } });
      expect(sessionLabels(emulator.current, id)).toEqual({ team: "core", env: "prod", [CREATE_TOKEN_LABEL]: expect.any(String) });
      expect(await count(url(), PATHS.setLabel)).toBe(0);
    });

    it("recovers a create whose answer was lost: one session, the one returned", async () => {
      emulator.current.faults.configure({ script: [{ path: PATHS.create, kind: "dropAfterAct" }] });
      const { id } = await createFrom({ imageId: "agb-code-space-1" });
      const live = emulator.current.store.all().filter((s) => !isReleasedStatus(s.status));
      expect(live.map((s) => s.sessionId)).toEqual([id]);
    });

    it("adopts an existing session and sets its labels", async () => {
      const client = new AgbClient({ endpoint: url() });
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1", labels: { old: "1" } });
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" }, adoptSessionId: sessionId });
      expect(id).toBe(sessionId);
      expect(outs).toMatchObject({ adopted: true, effectiveLabels: { env: "dev" } });
      expect(sessionLabels(emulator.current, id)).toEqual({ env: "dev" });
      expect(await count(url(), PATHS.create)).toBe(1);
    });

    it("refuses to adopt a session that does not exist, with a ProviderError on adoptSessionId", async () => {
      const inputs = await checked({ imageId: "agb-code-space-1", adoptSessionId: "s-missing" });
      const error = await rejectionOf(provider.create(inputs));
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).property).toBe("adoptSessionId");
    });
  });

  describe("diff", () => {
    it("makes no API call and sees no change between {} and missing labels", async () => {
      const withEmpty = await checked({ imageId: "agb-code-space-1", labels: {} });
      const without = await checked({ imageId: "agb-code-space-1" });
      // Equal but for the create token, which every check draws afresh.
      expect({ ...withEmpty, createToken: "" }).toEqual({ ...without, createToken: "" });
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: {} });
      const before = await totalCalls(url());
      expect((await provider.diff(id, outs, without)).changes).toBe(false);
      expect((await provider.diff(id, { ...outs, labels: undefined }, withEmpty)).changes).toBe(false);
      expect((await provider.diff(id, outs, { imageId: "agb-code-space-1" })).changes).toBe(false);
      expect(await totalCalls(url())).toBe(before);
    });

    it("replaces on an image change and updates in place on a label change", async () => {
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" } });
      const image = await provider.diff(id, outs, await checked({ imageId: "agb-browser-use-1", labels: { env: "dev" } }));
      expect(image).toMatchObject({ changes: true, replaces: ["imageId"] });
      const labels = await provider.diff(id, outs, await checked({ imageId: "agb-code-space-1", labels: { env: "prod" } }));
      expect(labels).toMatchObject({ changes: true, replaces: [] });
      expect(await stats(url())).toEqual({ [PATHS.create]: 1 });
    });
  });

  describe("read", () => {
    it("uses getSession and GetLabel only, and reports no drift for an untouched session", async () => {
      const { id, inputs, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" } });
      const before = await stats(url());
      const result = await provider.read(id, outs);
      const after = await stats(url());
      expect((after[PATHS.get] ?? 0) - (before[PATHS.get] ?? 0)).toBe(1);
      expect((after[PATHS.getLabel] ?? 0) - (before[PATHS.getLabel] ?? 0)).toBe(1);
      expect((await totalCalls(url())) - Object.values(before).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
      expect(result.id).toBe(id);
      expect(result.props).toMatchObject({ labels: { env: "dev" }, status: "RUNNING", sessionId: id });
      expect((result.inputs as Props).labels).toEqual({ env: "dev" });
      // The refreshed state diffs clean against the unchanged program.
      expect((await provider.diff(id, result.props as Props, inputs)).changes).toBe(false);
    });

    it("reports a hand-made change of a declared label in labels, an undeclared label only in effectiveLabels, and diff sees both", async () => {
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" } });
      const client = new AgbClient({ endpoint: url() });
      await client.setLabels(id, { ...(await client.getLabels(id)), env: "hand", stray: "x" });
      const result = await provider.read(id, outs);
      // An undeclared key may be another's secret: it stays out of labels (only effectiveLabels is always secret).
      expect((result.props as Props).labels).toEqual({ env: "hand" });
      expect((result.props as Props).effectiveLabels).toMatchObject({ env: "hand", stray: "x" });
      await client.setLabels(id, { ...(await client.getLabels(id)), env: "dev" });
      const refreshed = (await provider.read(id, outs)).props as Props;
      const diff = await provider.diff(id, refreshed, await checked({ imageId: "agb-code-space-1", labels: { env: "dev" } }));
      expect(diff).toMatchObject({ changes: true, replaces: [] });
    });

    it("refresh and destroy work with a malformed agb:labelPolicy and agb:defaultLabels (only check needs them)", async () => {
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" } });
      configure(url(), { "agb:labelPolicy": "{not json", "agb:defaultLabels": '{"team":""}' });
      expect((await provider.read(id, outs)).id).toBe(id);
      await provider.delete(id, outs);
      expect(isReleasedStatus((await new AgbClient({ endpoint: url() }).getSession(id)).status)).toBe(true);
    });

    it("returns id '' for an expired session", async () => {
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1" });
      await expire(url(), id);
      const result = await provider.read(id, outs);
      expect(result.id).toBe("");
      expect(await count(url(), PATHS.getLabel)).toBe(0);
    });

    it("returns id '' for a session that never existed", async () => {
      expect((await provider.read("s-unknown", { imageId: "agb-code-space-1" })).id).toBe("");
    });

    it("keeps a shadowed default label as a default, so refresh-then-diff is clean", async () => {
      configure(url(), { "agb:defaultLabels": JSON.stringify({ team: "core", env: "dev" }) });
      const news = { imageId: "agb-code-space-1", labels: { env: "prod" } };
      const { id, outs } = await createFrom(news);
      const result = await provider.read(id, outs);
      expect(result.props).toMatchObject({ labels: { env: "prod" } });
      expect((result.props as Props).defaultLabels).toMatchObject({ team: "core" });
      const diff = await provider.diff(id, result.props as Props, await checked(news));
      expect(diff.changes).toBe(false);
    });
  });

  describe("update", () => {
    it("changes labels with exactly one SetLabel", async () => {
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" } });
      const news = await checked({ imageId: "agb-code-space-1", labels: { env: "prod", tier: "gold" } });
      const before = await stats(url());
      const { outs: updated } = await provider.update(id, outs, news);
      const after = await stats(url());
      expect((after[PATHS.setLabel] ?? 0) - (before[PATHS.setLabel] ?? 0)).toBe(1);
      // No ignore rules: the state is enough, SetLabel is the only call.
      expect((await totalCalls(url())) - Object.values(before).reduce((a, b) => a + b, 0)).toBe(1);
      expect(after[PATHS.create]).toBe(1);
      expect(sessionLabels(emulator.current, id)).toEqual({ env: "prod", tier: "gold", [CREATE_TOKEN_LABEL]: expect.any(String) });
      expect((updated as Props).effectiveLabels).toEqual(sessionLabels(emulator.current, id));
    });

    it("sends no SetLabel when only bookkeeping changed", async () => {
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" } });
      const news = await checked({ imageId: "agb-code-space-1", labels: { env: "dev" }, labelPolicy: { maxLabels: 5 } });
      expect((await provider.diff(id, outs, news)).changes).toBe(true);
      await provider.update(id, outs, news);
      expect(await count(url(), PATHS.setLabel)).toBe(0);
    });

    it("fails with a ProviderError on labels when the session expired", async () => {
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" } });
      await expire(url(), id);
      const error = await rejectionOf(provider.update(id, outs, await checked({ imageId: "agb-code-space-1", labels: { env: "x" } })));
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).property).toBe("labels");
      expect((error as ProviderError).message).toContain(id);
    });
  });

  describe("ignored label keys and prefixes", () => {
    const ignore = { "agb:ignoreLabelKeys": JSON.stringify(["owner"]), "agb:ignoreLabelPrefixes": JSON.stringify(["agent/"]) };

    async function createThenAgentWrites(): Promise<{ id: string; outs: Props }> {
      configure(url(), ignore);
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" } });
      const client = new AgbClient({ endpoint: url() });
      await client.setLabels(id, { ...(await client.getLabels(id)), owner: "bot", "agent/run": "42" });
      return { id, outs };
    }

    it("are not reported as drift on read", async () => {
      const { id, outs } = await createThenAgentWrites();
      const result = await provider.read(id, outs);
      expect((result.props as Props).labels).toEqual({ env: "dev" });
      expect((result.inputs as Props).labels).toEqual({ env: "dev" });
      expect((result.props as Props).effectiveLabels).toMatchObject({ owner: "bot", "agent/run": "42" });
      const diff = await provider.diff(id, result.props as Props, await checked({ imageId: "agb-code-space-1", labels: { env: "dev" } }));
      expect(diff.changes).toBe(false);
    });

    it("are kept on update after a refresh", async () => {
      const { id, outs } = await createThenAgentWrites();
      const refreshed = (await provider.read(id, outs)).props as Props;
      await provider.update(id, refreshed, await checked({ imageId: "agb-code-space-1", labels: { env: "prod" } }));
      expect(sessionLabels(emulator.current, id)).toEqual({
        env: "prod",
        owner: "bot",
        "agent/run": "42",
        [CREATE_TOKEN_LABEL]: expect.any(String),
      });
    });

    it("are kept on update without a refresh (state older than the agent's write)", async () => {
      const { id, outs } = await createThenAgentWrites();
      await provider.update(id, outs, await checked({ imageId: "agb-code-space-1", labels: { env: "prod" } }));
      expect(sessionLabels(emulator.current, id)).toEqual({
        env: "prod",
        owner: "bot",
        "agent/run": "42",
        [CREATE_TOKEN_LABEL]: expect.any(String),
      });
      expect(await count(url(), PATHS.setLabel)).toBe(2); // the agent's write and ours
    });

    it("cost one GetLabel and one SetLabel per label update", async () => {
      const { id, outs } = await createThenAgentWrites();
      const before = await totalCalls(url());
      await provider.update(id, outs, await checked({ imageId: "agb-code-space-1", labels: { env: "prod" } }));
      expect((await totalCalls(url())) - before).toBe(2);
    });

    it("an update of an expired session still fails with a clear ProviderError", async () => {
      const { id, outs } = await createThenAgentWrites();
      await expire(url(), id);
      const error = await rejectionOf(provider.update(id, outs, await checked({ imageId: "agb-code-space-1", labels: { env: "x" } })));
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).message).toContain("no longer exists");
    });

    it("a declared key wins over an ignore rule", async () => {
      const { id, outs } = await createThenAgentWrites();
      await provider.update(id, outs, await checked({ imageId: "agb-code-space-1", labels: { env: "dev", owner: "me" } }));
      expect(sessionLabels(emulator.current, id)).toMatchObject({ owner: "me", "agent/run": "42" });
    });
  });

  describe("delete", () => {
    it("releases with releaseSessionAsync and polls the status until it is gone", async () => {
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1" });
      await provider.delete(id, outs);
      const after = await stats(url());
      expect(after[PATHS.releaseAsync]).toBe(1);
      expect(after[PATHS.info]).toBeGreaterThanOrEqual(1);
      expect(Object.keys(after).sort()).toEqual([PATHS.create, PATHS.info, PATHS.releaseAsync].sort());
      expect(isReleasedStatus(emulator.current.store.describe(id)?.status)).toBe(true);
    });

    it("counts a session that is already gone as deleted", async () => {
      const { id, outs } = await createFrom({ imageId: "agb-code-space-1" });
      await expire(url(), id);
      await expect(provider.delete(id, outs)).resolves.toBeUndefined();
      await expect(provider.delete("s-never-existed", {})).resolves.toBeUndefined();
    });
  });
});

describe.each([
  ["replace", "accept"],
  ["replace", "reject"],
  ["merge", "accept"],
  ["merge", "reject"],
] as const)("removing every label (SetLabel %s, empty set %s)", (labelSemantics, emptyLabels) => {
  const emulator = useEmulator({ labelSemantics, emptyLabels });
  const url = () => emulator.current.url;
  beforeEach(() => configure(url()));

  /** Either it worked and the session really lost the labels, or a clear ProviderError says why not. */
  async function expectRemovedOrClearError(id: string, update: Promise<unknown>, removed: string[]): Promise<"ok" | "error"> {
    let outcome: { outs?: Props } | undefined;
    try {
      outcome = (await update) as { outs?: Props };
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).property).toBe("labels");
      expect((error as ProviderError).message).toMatch(/refused an empty label set|kept label\(s\)/);
      for (const key of removed) expect((error as ProviderError).message).toContain(key);
      return "error";
    }
    const labels = emulator.current.store.describe(id)?.labels ?? {};
    for (const key of removed) expect(labels).not.toHaveProperty(key);
    expect(outcome?.outs?.effectiveLabels).toEqual(labels);
    return "ok";
  }

  it("on a created session (the create token stays)", async () => {
    const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { a: "1", b: "2" } });
    const result = await expectRemovedOrClearError(
      id,
      provider.update(id, outs, await checked({ imageId: "agb-code-space-1", labels: {} })),
      ["a", "b"],
    );
    // The token keeps the written set non-empty, so only merge semantics can stop the removal.
    expect(result).toBe(labelSemantics === "merge" ? "error" : "ok");
  });

  it("on an adopted session (nothing else on it)", async () => {
    const client = new AgbClient({ endpoint: url() });
    const { sessionId } = await client.createSession({ imageId: "agb-code-space-1", labels: { a: "1" } });
    const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { a: "1" }, adoptSessionId: sessionId });
    const result = await expectRemovedOrClearError(
      id,
      provider.update(id, outs, await checked({ imageId: "agb-code-space-1", adoptSessionId: sessionId })),
      ["a"],
    );
    expect(result).toBe(labelSemantics === "replace" && emptyLabels === "accept" ? "ok" : "error");
  });

  it("removing one of two labels", async () => {
    const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { a: "1", b: "2" } });
    const result = await expectRemovedOrClearError(
      id,
      provider.update(id, outs, await checked({ imageId: "agb-code-space-1", labels: { a: "1" } })),
      ["b"],
    );
    expect(result).toBe(labelSemantics === "merge" ? "error" : "ok");
  });
});

describe("Session provider with a second emulator", () => {
  let other: RunningEmulator;
  beforeAll(async () => {
    other = await startEmulator({ apiKey: "akm-provider-key-0001" });
  });
  afterAll(() => other.close());

  it("sends the configured API key and never puts it in state", async () => {
    configure(other.url, { "agb:apiKey": "akm-provider-key-0001" });
    const { id, outs } = await createFrom({ imageId: "agb-code-space-1", labels: { env: "dev" } });
    expect(JSON.stringify(outs)).not.toContain("akm-provider-key-0001");
    await provider.delete(id, outs);
  });

  it("a wrong key fails create with a ProviderError that points at agb:apiKey, not the inputs, and does not show the key", async () => {
    configure(other.url, { "agb:apiKey": "akm-provider-wrong-0002" });
    const inputs = await checked({ imageId: "agb-code-space-1" });
    const error = await rejectionOf(provider.create(inputs));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).property).toBe("agb:apiKey");
    expect(String(error)).toContain("AGB_API_KEY");
    expect(String(error)).not.toContain("imageId");
    expect(String(error)).toContain("HTTP 401");
    expect(String(error)).not.toContain("akm-provider-wrong-0002");
    expect(other.store.liveCount()).toBe(0);
  });
});
