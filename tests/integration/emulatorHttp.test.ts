import net from "node:net";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { NOT_FOUND_CODE } from "../../wire/protocol";
import { useEmulator } from "../support/emulatorFixture";
import { count, PATHS, raw, type RawAnswer } from "./emulatorHelpers";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The failure envelope every bad request must get. */
function expectFailureEnvelope(answer: RawAnswer, status: number, code: string | RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.json).toEqual({
    success: false,
    code: expect.any(String),
    message: expect.any(String),
    requestId: expect.stringMatching(UUID),
    httpStatusCode: status,
  });
  if (typeof code === "string") expect(answer.json.code).toBe(code);
  else expect(answer.json.code).toMatch(code);
  expect((answer.json.message as string).length).toBeGreaterThan(0);
  expect(answer.headers.get("x-request-id")).toBe(answer.json.requestId);
}

async function newSession(url: string, labels?: Record<string, string>): Promise<string> {
  const answer = await raw(url, "POST", PATHS.create, {
    query: { imageId: "agb-code-space-1" },
    body: JSON.stringify(labels ? { labels: JSON.stringify(labels) } : {}),
  });
  expect(answer.json.success).toBe(true);
  return (answer.json.data as { sessionId: string }).sessionId;
}

describe("emulator: bad requests get an error envelope, never a crash or a hang", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;

  afterEach(async () => {
    // Whatever the test sent, the emulator still answers.
    expect((await raw(url(), "GET", "/_emulator/health")).json).toMatchObject({ ok: true });
  });

  it("malformed JSON in Labels", async () => {
    const id = await newSession(url());
    const answer = await raw(url(), "POST", PATHS.setLabel, { query: { sessionId: id, Labels: '{"a":' } });
    expectFailureEnvelope(answer, 400, "InvalidParameter.Labels");
  });

  it.each([
    ["a non-string value", '{"a":1}'],
    ["an array", '["a"]'],
    ["null", "null"],
  ])("Labels with %s", async (_what, labels) => {
    const id = await newSession(url());
    expectFailureEnvelope(await raw(url(), "POST", PATHS.setLabel, { query: { sessionId: id, Labels: labels } }), 400, "InvalidParameter.Labels");
    expect(emulator.current.store.describe(id)?.labels).toEqual({});
  });

  it("labels on createSession that are not a JSON string", async () => {
    const answer = await raw(url(), "POST", PATHS.create, {
      query: { imageId: "agb-code-space-1" },
      body: JSON.stringify({ labels: { a: "b" } }),
    });
    expectFailureEnvelope(answer, 400, "InvalidParameter.Labels");
    expect(emulator.current.store.all()).toHaveLength(0);
  });

  it("createSession without imageId, and with a bad timeout", async () => {
    expectFailureEnvelope(await raw(url(), "POST", PATHS.create, { body: "{}" }), 400, "InvalidParameter.ImageId");
    expectFailureEnvelope(
      await raw(url(), "POST", PATHS.create, { query: { imageId: "agb-code-space-1" }, body: JSON.stringify({ timeout: "soon" }) }),
      400,
      "InvalidParameter.Timeout",
    );
  });

  it.each([PATHS.get, PATHS.info, PATHS.releaseAsync, PATHS.release])("missing sessionId on %s", async (path) => {
    expectFailureEnvelope(await raw(url(), "POST", path, { body: "{}" }), 400, "InvalidParameter.SessionId");
  });

  it("missing sessionId on the query-string operations", async () => {
    expectFailureEnvelope(await raw(url(), "GET", PATHS.getLabel), 400, "InvalidParameter.SessionId");
    expectFailureEnvelope(await raw(url(), "POST", PATHS.setLabel, { query: { Labels: '{"a":"b"}' } }), 400, "InvalidParameter.SessionId");
    expectFailureEnvelope(await raw(url(), "POST", PATHS.refresh, { body: "{}" }), 400, "InvalidParameter.SessionId");
  });

  it("an unknown session is InvalidMcpSession.NotFound with HTTP 400", async () => {
    expectFailureEnvelope(await raw(url(), "POST", PATHS.get, { body: '{"sessionId":"s-nope"}' }), 400, NOT_FOUND_CODE);
  });

  it.each([
    ["GET", PATHS.create],
    ["POST", PATHS.getLabel],
    ["POST", PATHS.list],
    ["GET", PATHS.get],
    ["PUT", PATHS.setLabel],
    ["DELETE", PATHS.releaseAsync],
  ])("wrong HTTP method: %s %s", async (method, path) => {
    expectFailureEnvelope(await raw(url(), method, path, { query: { imageId: "agb-code-space-1" } }), 405, "MethodNotAllowed");
    expect(emulator.current.store.all()).toHaveLength(0);
  });

  it.each(["/mcp/nope", "/", "/sdk/setlabel", "/_emulator/nope"])("unknown path %s", async (path) => {
    expectFailureEnvelope(await raw(url(), "GET", path), 404, "NotFound.Operation");
  });

  it("a 100 KB query string", async () => {
    const answer = await raw(url(), "GET", PATHS.getLabel, { query: { sessionId: "s-x", pad: "x".repeat(100 * 1024) } });
    expectFailureEnvelope(answer, 414, "RequestUriTooLong");
  });

  it.each([
    ["not JSON", "this is not json"],
    ["a JSON array", "[1,2,3]"],
    ["a JSON string", '"sessionId"'],
    ["truncated JSON", '{"sessionId": "s-'],
  ])("a body that is %s", async (_what, body) => {
    expectFailureEnvelope(await raw(url(), "POST", PATHS.get, { body }), 400, "InvalidParameter.Body");
  });

  it("a body over 1 MB", async () => {
    const body = JSON.stringify({ sessionId: "s-x", pad: "x".repeat(1024 * 1024 + 10) });
    expectFailureEnvelope(await raw(url(), "POST", PATHS.get, { body }), 413, "RequestTooLarge");
  });

  it("bad maxResults and nextToken", async () => {
    const id = await newSession(url(), { a: "1" });
    expectFailureEnvelope(await raw(url(), "GET", PATHS.list, { query: { maxResults: "-1" } }), 400, "InvalidParameter.MaxResults");
    expectFailureEnvelope(await raw(url(), "GET", PATHS.list, { query: { nextToken: "garbage" } }), 400, "InvalidParameter.NextToken");
    expectFailureEnvelope(
      await raw(url(), "GET", PATHS.getLabel, { query: { sessionId: id, maxResults: "ten" } }),
      400,
      "InvalidParameter.MaxResults",
    );
  });

  it("a ListSession filter that is not JSON", async () => {
    expectFailureEnvelope(await raw(url(), "GET", PATHS.list, { query: { labels: "{nope" } }), 400, "InvalidParameter.Labels");
  });

  it("a request that is not HTTP at all gets a JSON 400", async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(emulator.current.port, "127.0.0.1", () => socket.write("GARBAGE \u0000\r\n\r\n"));
      let text = "";
      socket.setTimeout(3000, () => reject(new Error("no answer to a garbage request")));
      socket.on("data", (chunk) => (text += chunk.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    const body = JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4)) as Record<string, unknown>;
    expect(body).toMatchObject({ success: false, code: "BadRequest", httpStatusCode: 400 });
  });
});

describe("emulator: paging", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;

  it("pages GetLabel when maxResults is given, and gives every label exactly once", async () => {
    const labels = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`key-${String(i).padStart(2, "0")}`, `v${i}`]));
    const id = await newSession(url(), labels);
    const seen: Record<string, string> = {};
    const pageSizes: number[] = [];
    let nextToken = "";
    do {
      const answer = await raw(url(), "GET", PATHS.getLabel, {
        query: { sessionId: id, maxResults: "10", ...(nextToken ? { nextToken } : {}) },
      });
      expect(answer.json.success).toBe(true);
      const data = answer.json.data as { labels: string; count: number; nextToken: string; maxResults: number };
      expect(data.count).toBe(25);
      expect(data.maxResults).toBe(10);
      const page = JSON.parse(data.labels) as Record<string, string>;
      for (const key of Object.keys(page)) expect(seen).not.toHaveProperty(key);
      Object.assign(seen, page);
      pageSizes.push(Object.keys(page).length);
      nextToken = data.nextToken;
    } while (nextToken);
    expect(pageSizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(labels);
  });

  it("gives every label in one page when no maxResults is given", async () => {
    const labels = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, "v"]));
    const id = await newSession(url(), labels);
    const data = (await raw(url(), "GET", PATHS.getLabel, { query: { sessionId: id } })).json.data as {
      labels: string;
      nextToken: string;
    };
    expect(JSON.parse(data.labels)).toEqual(labels);
    expect(data.nextToken).toBe("");
  });

  it("pages ListSession with nextToken, maxResults and count at the top level (SDK default page size 10)", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) ids.add(await newSession(url(), { project: "paging" }));
    await newSession(url(), { project: "other" });
    const first = await raw(url(), "GET", PATHS.list, { query: { labels: '{"project":"paging"}' } });
    expect(first.json).toMatchObject({ success: true, maxResults: 10, count: 12, nextToken: "10" });
    expect(first.json.data).toHaveLength(10);
    const second = await raw(url(), "GET", PATHS.list, { query: { labels: '{"project":"paging"}', nextToken: "10" } });
    expect(second.json).toMatchObject({ success: true, count: 12, nextToken: "" });
    const all = [...(first.json.data as Array<{ sessionId: string }>), ...(second.json.data as Array<{ sessionId: string }>)];
    expect(new Set(all.map((s) => s.sessionId))).toEqual(ids);
  });
});

describe("emulator: session expiry", () => {
  it("releases a session after its idle timeout; a per-session timeout overrides the default", async () => {
    let clock = 1_700_000_000_000;
    const emulator = await startEmulator({ now: () => clock, defaultIdleSeconds: 1 });
    try {
      const idle = await newSession(emulator.url);
      const longer = (
        await raw(emulator.url, "POST", PATHS.create, {
          query: { imageId: "agb-code-space-1" },
          body: JSON.stringify({ timeout: 3600 }),
        })
      ).json.data as { sessionId: string };
      clock += 20_000;
      expectFailureEnvelope(await raw(emulator.url, "GET", PATHS.getLabel, { query: { sessionId: idle } }), 400, NOT_FOUND_CODE);
      const info = await raw(emulator.url, "POST", PATHS.info, { body: JSON.stringify({ sessionId: idle }) });
      expect(info.json).toMatchObject({ success: true, data: { status: "FINISH" } });
      const alive = await raw(emulator.url, "POST", PATHS.get, { body: JSON.stringify({ sessionId: longer.sessionId }) });
      expect(alive.json).toMatchObject({ success: true, data: { status: "RUNNING" } });
      clock += 3600_000;
      expectFailureEnvelope(await raw(emulator.url, "GET", PATHS.getLabel, { query: { sessionId: longer.sessionId } }), 400, NOT_FOUND_CODE);
    } finally {
      await emulator.close();
    }
  });

  describe("on a controlled clock", () => {
    let clock = 1_700_000_000_000;
    let emulator: RunningEmulator;
    let anyCall: RunningEmulator;
    const advance = (seconds: number) => (clock += seconds * 1000);
    const timing = { now: () => clock, defaultIdleSeconds: 60, maxLifetimeSeconds: 600, tombstoneSeconds: 30, deletingSeconds: 5 };
    beforeAll(async () => {
      emulator = await startEmulator(timing);
      anyCall = await startEmulator({ ...timing, idleReset: "any" });
    });
    afterAll(async () => {
      await emulator.close();
      await anyCall.close();
    });
    const getSession = (id: string, on = emulator) => raw(on.url, "POST", PATHS.get, { body: JSON.stringify({ sessionId: id }) });
    const getLabel = (id: string, on = emulator) => raw(on.url, "GET", PATHS.getLabel, { query: { sessionId: id } });
    const info = (id: string, on = emulator) => raw(on.url, "POST", PATHS.info, { body: JSON.stringify({ sessionId: id }) });
    const keepAlive = (id: string, on = emulator) => raw(on.url, "POST", PATHS.refresh, { query: { sessionId: id }, body: "{}" });

    it("by default only refreshSessionIdleTime resets the idle timer, as the SDKs' integration tests show", async () => {
      const id = await newSession(emulator.url);
      advance(50);
      expect((await keepAlive(id)).json.success).toBe(true);
      advance(50);
      expect((await getSession(id)).json.success).toBe(true);
      expect((await info(id)).json).toMatchObject({ data: { status: "RUNNING" } });
      advance(11);
      expectFailureEnvelope(await getLabel(id), 400, NOT_FOUND_CODE);
      expect((await info(id)).json).toMatchObject({ data: { status: "DELETING" } });
    });

    it("with idleReset any, every call about the session resets it", async () => {
      const id = await newSession(anyCall.url);
      advance(50);
      expect((await getSession(id, anyCall)).json.success).toBe(true);
      advance(50);
      expect((await getLabel(id, anyCall)).json.success).toBe(true);
      advance(50);
      expect((await info(id, anyCall)).json).toMatchObject({ data: { status: "RUNNING" } });
      advance(61);
      expectFailureEnvelope(await getLabel(id, anyCall), 400, NOT_FOUND_CODE);
    });

    it("ends a kept-alive session at its maximum lifetime", async () => {
      const id = await newSession(emulator.url);
      for (let t = 0; t < 590; t += 50) {
        advance(50);
        expect((await keepAlive(id)).json.success).toBe(true);
      }
      advance(20);
      expectFailureEnvelope(await keepAlive(id), 400, NOT_FOUND_CODE);
    });

    it("a released session reports DELETING, then FINISH, then not-found after the tombstone period", async () => {
      const id = await newSession(emulator.url);
      expect((await raw(emulator.url, "POST", PATHS.releaseAsync, { body: JSON.stringify({ sessionId: id }) })).json.success).toBe(true);
      expect((await info(id)).json).toMatchObject({ data: { status: "DELETING" } });
      expect((await getSession(id)).json).toMatchObject({ success: true, data: { sessionId: id, status: "DELETING" } });
      expectFailureEnvelope(await raw(emulator.url, "POST", PATHS.releaseAsync, { body: JSON.stringify({ sessionId: id }) }), 400, NOT_FOUND_CODE);
      expectFailureEnvelope(await getLabel(id), 400, NOT_FOUND_CODE);
      advance(5);
      expect((await info(id)).json).toMatchObject({ data: { status: "FINISH" } });
      advance(26);
      expectFailureEnvelope(await info(id), 400, NOT_FOUND_CODE);
      expectFailureEnvelope(await getSession(id), 400, NOT_FOUND_CODE);
    });

    it("with releasedStatus DELETED, a released session settles on DELETED", async () => {
      const deleted = await startEmulator({ ...timing, releasedStatus: "DELETED" });
      try {
        const id = await newSession(deleted.url);
        await raw(deleted.url, "POST", PATHS.releaseAsync, { body: JSON.stringify({ sessionId: id }) });
        expect((await info(id, deleted)).json).toMatchObject({ data: { status: "DELETING" } });
        advance(5);
        expect((await info(id, deleted)).json).toMatchObject({ data: { status: "DELETED" } });
      } finally {
        await deleted.close();
      }
    });
  });
});

describe("emulator: a client that hangs up before the answer", () => {
  /**
   * A createSession whose client hangs up while the emulator waits out its
   * latency, on an injected sleep the test releases itself: once the client's
   * socket is gone and the emulator has answered a later request.
   */
  async function abandonedCreate(abandonOnDisconnect: boolean): Promise<RunningEmulator> {
    let entered!: () => void;
    const waiting = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const emulator = await startEmulator({
      faults: { latencyMs: 250, paths: [PATHS.create] },
      abandonOnDisconnect,
      sleep: () => {
        entered();
        return released;
      },
    });
    const target = new URL(PATHS.create, emulator.url);
    target.searchParams.set("imageId", "agb-code-space-1");
    const client = new AbortController();
    const hungUp = expect(fetch(target, { method: "POST", body: "{}", signal: client.signal })).rejects.toThrow();
    await waiting;
    client.abort();
    await hungUp;
    // A later request on a new connection is read after the hang-up: by its answer, the emulator has seen the socket close.
    expect((await raw(emulator.url, "GET", "/_emulator/health")).status).toBe(200);
    release();
    // The handler goes on from the released sleep without further waits: by this answer it has carried out or dropped the work.
    await raw(emulator.url, "GET", "/_emulator/health");
    return emulator;
  }

  it("by default the work it accepted is carried out anyway, as a real service would", async () => {
    const emulator = await abandonedCreate(false);
    try {
      expect(emulator.store.liveCount()).toBe(1);
    } finally {
      await emulator.close();
    }
  });

  it("with abandonOnDisconnect the work is dropped", async () => {
    const emulator = await abandonedCreate(true);
    try {
      expect(emulator.store.liveCount()).toBe(0);
    } finally {
      await emulator.close();
    }
  });
});

describe("emulator: call counts", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;

  it("counts API calls per path, including refused ones, and not control routes", async () => {
    await newSession(url());
    await raw(url(), "GET", PATHS.create);
    await raw(url(), "GET", "/_emulator/health");
    expect(await count(url(), PATHS.create)).toBe(2);
    expect(Object.keys((await raw(url(), "GET", "/_emulator/stats")).json)).toEqual([PATHS.create]);
  });
});

describe("emulator: concurrency", () => {
  it("counts API requests in flight and the most at once, until the stats are reset", async () => {
    const held: Array<() => void> = [];
    let arrived!: () => void;
    const allHeld = new Promise<void>((resolve) => (arrived = resolve));
    const emulator = await startEmulator({
      faults: { latencyMs: 50 },
      // The first three requests wait here until the test lets them go: three in flight at once, with no real timer.
      sleep: () =>
        held.length === 3
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              held.push(resolve);
              if (held.length === 3) arrived();
            }),
    });
    try {
      const concurrency = async () => (await raw(emulator.url, "GET", "/_emulator/concurrency")).json;
      const creates = [1, 2, 3].map(() => newSession(emulator.url));
      await allHeld;
      expect(await concurrency()).toEqual({ inFlight: 3, peak: 3 });
      // The control route itself is not counted, and the in-process handle says the same.
      expect(emulator.concurrency()).toEqual({ inFlight: 3, peak: 3 });
      for (const release of held) release();
      await Promise.all(creates);
      // One more, alone: the peak stays.
      await raw(emulator.url, "POST", PATHS.getLabel, { query: { sessionId: "no-such-session" } });
      expect(await concurrency()).toEqual({ inFlight: 0, peak: 3 });
      await raw(emulator.url, "POST", "/_emulator/reset?what=stats", { body: "{}" });
      expect(await concurrency()).toEqual({ inFlight: 0, peak: 0 });
    } finally {
      await emulator.close();
    }
  });
});

describe("emulator: concurrency when a connection goes", () => {
  /** Requests written back to back on one connection (HTTP/1.1 pipelining), the socket kept until `holdMs`. */
  async function pipelined(port: number, n: number, holdMs: number): Promise<void> {
    const one = `POST ${PATHS.create}?imageId=agb-code-space-1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}`;
    await new Promise<void>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => socket.write(one.repeat(n)));
      socket.on("error", () => {});
      socket.on("close", () => resolve());
      setTimeout(() => socket.destroy(), holdMs);
    });
  }

  async function settled(emulator: RunningEmulator): Promise<{ inFlight: number; peak: number }> {
    for (let i = 0; i < 50 && emulator.concurrency().inFlight !== 0; i++) await new Promise((r) => setTimeout(r, 20));
    return emulator.concurrency();
  }

  it("ends the count of pipelined requests queued behind one whose connection was reset", async () => {
    const emulator = await startEmulator({ faults: { latencyMs: 20, script: [{ kind: "reset" }] } });
    try {
      await pipelined(emulator.port, 5, 2000);
      expect((await settled(emulator)).inFlight).toBe(0);
    } finally {
      await emulator.close();
    }
  });

  it("ends the count of pipelined requests when the client hangs up before their answers", async () => {
    const emulator = await startEmulator({ faults: { latencyMs: 200 } });
    try {
      await pipelined(emulator.port, 5, 50);
      expect((await settled(emulator)).inFlight).toBe(0);
      // Every way a request ends counts it down once: the next one alone is one in flight, not fewer.
      emulator.faults.configure({ latencyMs: 0 });
      await raw(emulator.url, "POST", "/_emulator/reset?what=stats", { body: "{}" });
      await newSession(emulator.url);
      expect(emulator.concurrency()).toEqual({ inFlight: 0, peak: 1 });
    } finally {
      await emulator.close();
    }
  });
});
