/**
 * What the official SDKs (agbcloud-sdk 0.12, TypeScript and Python) and their
 * integration tests against the real service show, one fact per block, with
 * the SDK file it comes from. Each fact is checked against the emulator (the
 * only AGB these tests meet) and against this project's client and provider,
 * so neither can drift from the service as the SDKs see it. Where the service
 * is unknown, the emulator plays each answer by a flag and the provider is run
 * against all of them.
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator/startEmulator";
import { AgbAuthError, AgbNotFoundError, AgbValidationError } from "../../provider/client/errors";
import { getSessions } from "../../provider/queries/getSessions";
import { ProviderError } from "../../provider/runtime/providerError";
import { configureRuntime } from "../../provider/runtime/runtimeState";
import { sessionProviderImpl as provider } from "../../provider/runtime/sessionProviderImpl";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { NOT_FOUND_CODE } from "../../wire/protocol";
import { RELEASE_ANSWER_SHAPES } from "../../wire/releaseAnswer";
import { isReleasedStatus, RELEASED_STATUSES } from "../../wire/sessionStatus";
import { useEmulator } from "../support/emulatorFixture";
import { fastClient, PATHS, raw, rejectionOf } from "./emulatorHelpers";

type Props = Record<string, unknown>;

function configure(endpoint: string, extra: Record<string, string> = {}): void {
  const config: Record<string, string> = { "agb:endpoint": endpoint, ...extra };
  configureRuntime({ get: (key) => config[key] });
}

/** An emulator for one test, closed whatever happens. */
async function withEmulator<T>(options: EmulatorOptions, body: (emulator: RunningEmulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator(options);
  try {
    return await body(emulator);
  } finally {
    await emulator.close();
  }
}

async function createdSession(url: string, labels: Record<string, string> = { project: "conformance" }): Promise<string> {
  const { client } = fastClient(url);
  return (await client.createSession({ imageId: "agb-code-space-1", labels })).sessionId;
}

describe("release answers in either casing (typescript/src/api/models/DeleteSessionAsyncResponse.ts, python delete_session_async_response.py)", () => {
  it.each(RELEASE_ANSWER_SHAPES)("the emulator answers in shape %s and the client reads it as success", async (shape) => {
    await withEmulator({ releaseAnswer: shape, deletingSeconds: 0 }, async (emulator) => {
      const id = await createdSession(emulator.url);
      const answer = await raw(emulator.url, "POST", PATHS.releaseAsync, { body: JSON.stringify({ sessionId: id }) });
      const fields = shape.startsWith("body-") ? (answer.json.body as Props) : answer.json;
      expect(fields[shape.endsWith("pascal") ? "Success" : "success"]).toBe(true);
      expect(fields[shape.endsWith("pascal") ? "RequestId" : "requestId"]).toEqual(expect.any(String));

      const other = await createdSession(emulator.url);
      const { client } = fastClient(emulator.url);
      await expect(client.releaseAndWait(other)).resolves.toBeGreaterThanOrEqual(1);
    });
  });

  it.each(RELEASE_ANSWER_SHAPES)("a refusal in shape %s still reads as not-found, with its code and request id", async (shape) => {
    await withEmulator({ releaseAnswer: shape }, async (emulator) => {
      const { client } = fastClient(emulator.url);
      const error = await rejectionOf(client.releaseSessionAsync("s-never-made"));
      expect(error).toBeInstanceOf(AgbNotFoundError);
      expect((error as AgbNotFoundError).code).toBe(NOT_FOUND_CODE);
      expect((error as AgbNotFoundError).requestId).toEqual(expect.any(String));
    });
  });
});

describe("after a release: DELETING, then DELETED or FINISH, all released (python/tests/integration/test_session_keep_alive.py, test_session_idle_release_timeout.py; python/tests/unit/test_session.py)", () => {
  it("the wire's one definition counts exactly those statuses as released", () => {
    expect([...RELEASED_STATUSES].sort()).toEqual(["DELETED", "DELETING", "FINISH"]);
    expect(isReleasedStatus("RUNNING")).toBe(false);
    expect(isReleasedStatus(undefined)).toBe(false);
  });

  it.each(["FINISH", "DELETED"] as const)("the emulator walks a released session through DELETING to %s", async (finalStatus) => {
    let clock = 1_700_000_000_000;
    await withEmulator({ now: () => clock, releasedStatus: finalStatus, deletingSeconds: 3 }, async (emulator) => {
      const id = await createdSession(emulator.url);
      const { client } = fastClient(emulator.url);
      await client.releaseSessionAsync(id);
      expect(await client.getSessionStatus(id)).toBe("DELETING");
      clock += 3_000;
      expect(await client.getSessionStatus(id)).toBe(finalStatus);
    });
  });

  it("the client's release wait ends at DELETING: it does not poll until the service forgets the session", async () => {
    await withEmulator({ deletingSeconds: 3600, releaseAnswer: "body-pascal", releasedStatus: "DELETED" }, async (emulator) => {
      const id = await createdSession(emulator.url);
      const { client } = fastClient(emulator.url);
      expect(await client.releaseAndWait(id)).toBe(1);
    });
  });

  describe("the provider treats a session in DELETING as gone", () => {
    const emulator = useEmulator({ deletingSeconds: 3600 });
    const url = () => emulator.current.url;
    beforeEach(() => configure(url()));

    it("refresh (read) drops it from state", async () => {
      const checked = await provider.check({}, { imageId: "agb-code-space-1", labels: { env: "dev" } });
      const { id, outs } = await provider.create(checked.inputs);
      await fastClient(url()).client.releaseSessionAsync(id);
      expect(emulator.current.store.describe(id)?.status).toBe("DELETING");
      expect(await provider.read(id, outs as Props)).toEqual({ id: "", props: {} });
    });

    it("adoption refuses it, naming adoptSessionId", async () => {
      const id = await createdSession(url());
      await fastClient(url()).client.releaseSessionAsync(id);
      const checked = await provider.check({}, { imageId: "agb-code-space-1", adoptSessionId: id });
      const error = await rejectionOf(provider.create(checked.inputs));
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).property).toBe("adoptSessionId");
      expect((error as Error).message).toContain("DELETING");
    });

    it("getSessions leaves it out unless released sessions are asked for", async () => {
      const kept = await createdSession(url(), { batch: "b1" });
      const deleting = await createdSession(url(), { batch: "b1" });
      await fastClient(url()).client.releaseSessionAsync(deleting);
      const client = fastClient(url()).client;
      expect((await getSessions({ labels: { batch: "b1" }, client })).sessionIds).toEqual([kept]);
      const all = await getSessions({ labels: { batch: "b1" }, client, includeReleased: true });
      expect(all.sessions).toEqual(expect.arrayContaining([{ sessionId: deleting, status: "DELETING" }]));
    });

    it("getSessions refuses a misspelt option by name before any request", async () => {
      const client = fastClient(url()).client;
      const error = await rejectionOf(getSessions({ lables: { batch: "b1" }, client } as never));
      expect(error).toBeInstanceOf(AgbValidationError);
      expect((error as AgbValidationError).property).toBe("lables");
      expect((error as Error).message).toContain('did you mean "labels"');
      expect(emulator.current.stats()).toEqual({});
    });
  });
});

describe("the idle timer (python/tests/integration/test_session_idle_release_timeout.py, test_session_keep_alive.py)", () => {
  it("polling status does not keep a session alive; keep-alive does", async () => {
    let clock = 1_700_000_000_000;
    await withEmulator({ now: () => clock }, async (emulator) => {
      const { client } = fastClient(emulator.url);
      const polled = (await client.createSession({ imageId: "agb-code-space-1", idleReleaseTimeout: 60 })).sessionId;
      const kept = (await client.createSession({ imageId: "agb-code-space-1", idleReleaseTimeout: 60 })).sessionId;
      for (let t = 0; t < 90; t += 2) {
        clock += 2_000;
        await client.getSessionStatus(polled);
        if (t % 30 === 0) await client.refreshSessionIdleTime(kept);
      }
      expect(isReleasedStatus(await client.getSessionStatus(polled))).toBe(true);
      expect(await client.getSessionStatus(kept)).toBe("RUNNING");
    });
  });
});

describe("labels: what the SDKs check before sending, and nothing more (typescript/src/session.ts setLabels, python agb/session.py set_labels)", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;
  beforeEach(() => configure(url()));

  it("the provider refuses what the SDKs refuse: empty or blank keys and values, non-string values, non-objects", async () => {
    for (const labels of [{ "": "v" }, { " ": "v" }, { k: "" }, { k: "  " }, { k: 1 }, { k: null }, ["a"], "a=b"]) {
      const result = await provider.check({}, { imageId: "agb-code-space-1", labels });
      expect(result.failures?.map((f) => f.property)).toEqual(["labels"]);
    }
    expect(emulator.current.stats()).toEqual({});
  });

  it("the provider and the emulator's defaults take what the SDKs send: any characters, any length, any count", async () => {
    const labels = {
      'quote"key': "a",
      "k=v,x": "y=z,w",
      "back\\slash": "\\",
      " spaced ": " value ",
      "line\nbreak": "tab\tvalue",
      "中文": "значение 🚀",
      long: "v".repeat(4096),
      ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`label-${i}`, `${i}`])),
    };
    const checked = await provider.check({}, { imageId: "agb-code-space-1", labels });
    expect(checked.failures ?? []).toEqual([]);
    const { id } = await provider.create(checked.inputs);
    const { [CREATE_TOKEN_LABEL]: _token, ...stored } = emulator.current.store.describe(id)?.labels ?? {};
    expect(stored).toEqual(labels);
  });
});

describe("a service stricter than the SDKs (unknown: the emulator's --label-limits)", () => {
  it("its refusal reaches the user naming the property, the service's code and message, and the request id", async () => {
    await withEmulator({ labelLimits: { maxLabels: 3, maxValueLength: 40 } }, async (emulator) => {
      configure(emulator.url);
      const checked = await provider.check({}, { imageId: "agb-code-space-1", labels: { a: "1", b: "2", c: "3" } });
      const error = await rejectionOf(provider.create(checked.inputs));
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).property).toBe("labels");
      expect((error as Error).message).toMatch(/code InvalidParameter\.Labels/);
      expect((error as Error).message).toContain("too many labels: 4, at most 3");
      expect((error as Error).message).toMatch(/request id [0-9a-f-]{36}/);

      const ok = await provider.check({}, { imageId: "agb-code-space-1", labels: { a: "1" } });
      const { id, outs } = await provider.create(ok.inputs);
      const next = await provider.check(ok.inputs, { imageId: "agb-code-space-1", labels: { a: "x".repeat(41) } });
      const refused = await rejectionOf(provider.update(id, outs as Props, next.inputs));
      expect((refused as ProviderError).property).toBe("labels");
      expect((refused as Error).message).toContain(`session ${id}`);
      expect((refused as Error).message).toContain("longer than 40 characters");
    });
  });

  it("a label policy states the same limits and fails in check with 0 requests", async () => {
    await withEmulator({ labelLimits: { maxLabels: 3 } }, async (emulator) => {
      configure(emulator.url, { "agb:labelPolicy": JSON.stringify({ maxLabels: 3, maxKeyLength: 16, maxValueLength: 10 }) });
      const result = await provider.check({}, { imageId: "agb-code-space-1", labels: { a: "1", b: "2", c: "3" } });
      expect(result.failures?.[0]).toMatchObject({ property: "labels", reason: expect.stringContaining("rule maxLabels") });
      expect(emulator.stats()).toEqual({});
    });
  });
});

describe("answers carry fields a client must ignore (typescript/src/api/models/CreateSessionResponse.ts: toolList a string; taskId, networkInterfaceIp, accessDeniedDetail)", () => {
  const emulator = useEmulator();

  it("the emulator sends them and the client reads the session regardless", async () => {
    const created = await raw(emulator.current.url, "POST", PATHS.create, { query: { imageId: "agb-code-space-1" }, body: "{}" });
    expect(created.json.data).toMatchObject({ toolList: expect.any(String), taskId: expect.any(String), networkInterfaceIp: expect.any(String) });
    const { client } = fastClient(emulator.current.url);
    const session = await client.createSession({ imageId: "agb-code-space-1" });
    expect(session.sessionId).toMatch(/^s-/);
  });
});

describe("a session that does not exist answers InvalidMcpSession.NotFound, HTTP 400 (typescript/src/session.ts, python agb/session.py)", () => {
  const emulator = useEmulator();

  it("on every per-session operation", async () => {
    for (const [method, path, query, body] of [
      ["POST", PATHS.get, {}, { sessionId: "s-none" }],
      ["POST", PATHS.info, {}, { sessionId: "s-none" }],
      ["GET", PATHS.getLabel, { sessionId: "s-none" }, undefined],
      ["POST", PATHS.setLabel, { sessionId: "s-none", Labels: '{"a":"b"}' }, undefined],
      ["POST", PATHS.releaseAsync, {}, { sessionId: "s-none" }],
    ] as const) {
      const answer = await raw(emulator.current.url, method, path, { query: { ...query }, body: body && JSON.stringify(body) });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ success: false, code: NOT_FOUND_CODE });
    }
  });

  it("a wrong key is an auth error the client types as such", async () => {
    await withEmulator({ apiKey: "akm-conformance-0001" }, async (other) => {
      const { client } = fastClient(other.url, { apiKey: "akm-wrong-0002" });
      expect(await rejectionOf(client.getSession("s-any"))).toBeInstanceOf(AgbAuthError);
    });
  });
});

describe("SetLabel replaces the set (python/tests/integration/test_session_labels.py expects a key left out to be gone)", () => {
  const emulator = useEmulator();

  it("the emulator's default replaces; --label-semantics merge plays the other reading", async () => {
    const { client } = fastClient(emulator.current.url);
    const id = await createdSession(emulator.current.url, { a: "1", b: "2" });
    await client.setLabels(id, { a: "1" });
    expect(await client.getLabels(id)).toEqual({ a: "1" });
    await withEmulator({ labelSemantics: "merge" }, async (merging) => {
      const other = fastClient(merging.url).client;
      const kept = await createdSession(merging.url, { a: "1", b: "2" });
      await other.setLabels(kept, { a: "1" });
      expect(await other.getLabels(kept)).toEqual({ a: "1", b: "2" });
    });
  });
});
