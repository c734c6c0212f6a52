import { inspect } from "node:util";
import { AgbClient } from "../../provider/client/AgbClient";
import {
  AgbApiError,
  AgbAuthError,
  AgbNetworkError,
  AgbNotFoundError,
  AgbResponseShapeError,
  isNotFound,
} from "../../provider/client/errors";
import { NOT_FOUND_CODE } from "../../wire/protocol";
import { useEmulator } from "../support/emulatorFixture";
import { count, fastClient, liveSessions, PATHS, rejectionOf, scriptFaults, stats } from "./emulatorHelpers";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("AgbClient against the emulator", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;

  describe("operations that succeed", () => {
    it("creates a session and reads it back with getSession and getSessionStatus", async () => {
      const { client } = fastClient(url());
      const created = await client.createSession({ imageId: "agb-code-space-1", labels: { team: "core" }, idleReleaseTimeout: 120 });
      expect(created.sessionId).toMatch(/^s-/);
      expect(created.resourceUrl).toContain(created.sessionId);
      expect(created.requestId).toMatch(UUID);

      const details = await client.getSession(created.sessionId);
      expect(details).toMatchObject({ sessionId: created.sessionId, status: "RUNNING", resourceId: created.resourceId });
      expect(await client.getSessionStatus(created.sessionId)).toBe("RUNNING");

      const stored = emulator.current.store.describe(created.sessionId);
      expect(stored).toMatchObject({ imageId: "agb-code-space-1", labels: { team: "core" }, idleTimeoutSeconds: 120 });
      expect(await stats(url())).toEqual({ [PATHS.create]: 1, [PATHS.get]: 1, [PATHS.info]: 1 });
    });

    it("sends no labels parameter for an empty label map and creates an unlabelled session", async () => {
      const { client } = fastClient(url());
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1", labels: {} });
      expect(await client.getLabels(sessionId)).toEqual({});
    });

    it("sets labels and reads them back, values with JSON-special characters intact", async () => {
      const { client } = fastClient(url());
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      const labels = { env: "prod", note: 'a "quoted" value & more', unicode: "größe-東京" };
      await client.setLabels(sessionId, labels);
      expect(await client.getLabels(sessionId)).toEqual(labels);
      expect(await count(url(), PATHS.setLabel)).toBe(1);
      expect(await count(url(), PATHS.getLabel)).toBe(1);
    });

    it("reads 40 labels in one GetLabel call (the client asks for no page size)", async () => {
      const { client } = fastClient(url());
      const labels = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${String(i).padStart(2, "0")}`, `v${i}`]));
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1", labels });
      expect(await client.getLabels(sessionId)).toEqual(labels);
      expect(await count(url(), PATHS.getLabel)).toBe(1);
    });

    it("keeps a session alive with refreshSessionIdleTime", async () => {
      const { client } = fastClient(url());
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      await expect(client.refreshSessionIdleTime(sessionId)).resolves.toBeUndefined();
      expect(await count(url(), PATHS.refresh)).toBe(1);
    });

    it("releases with releaseSessionAsync: the status turns DELETING, and the labels are not-found", async () => {
      const { client } = fastClient(url());
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      await client.releaseSessionAsync(sessionId);
      expect(await client.getSessionStatus(sessionId)).toBe("DELETING");
      expect((await client.getSession(sessionId)).status).toBe("DELETING");
      const error = await rejectionOf(client.getLabels(sessionId));
      expect(isNotFound(error)).toBe(true);
    });

    it("releases with the synchronous releaseSession", async () => {
      const { client } = fastClient(url());
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      await client.releaseSession(sessionId);
      expect(await liveSessions(url())).toHaveLength(0);
      expect(await count(url(), PATHS.release)).toBe(1);
    });

    it("releaseAndWait: one release call and one status poll; an already released session counts as done", async () => {
      const { client } = fastClient(url());
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      expect(await client.releaseAndWait(sessionId)).toBe(1);
      expect(await count(url(), PATHS.releaseAsync)).toBe(1);
      expect(await count(url(), PATHS.info)).toBe(1);
      expect(await client.releaseAndWait(sessionId)).toBe(0);
      expect(await client.releaseAndWait("s-never-existed")).toBe(0);
    });

    it("releaseAndWait polls again when a status poll fails for a passing reason after its retries", async () => {
      const { client } = fastClient(url(), { retry: { maxAttempts: 2 }, releasePollIntervalMs: 1 });
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      await scriptFaults(url(), [
        { path: PATHS.info, kind: "status", status: 503 },
        { path: PATHS.info, kind: "status", status: 503 },
      ]);
      expect(await client.releaseAndWait(sessionId)).toBe(2);
      expect(await count(url(), PATHS.releaseAsync)).toBe(1);
      expect(await count(url(), PATHS.info)).toBe(3);
    });
  });

  describe("listSessions", () => {
    it("follows nextToken across pages of listPageSize and filters by every given label", async () => {
      const { client } = fastClient(url(), { listPageSize: 3 });
      const group = [];
      for (let i = 0; i < 7; i++) {
        group.push((await client.createSession({ imageId: "agb-code-space-1", labels: { group: "g1", n: String(i) } })).sessionId);
      }
      await client.createSession({ imageId: "agb-code-space-1", labels: { group: "g2" } });
      await client.createSession({ imageId: "agb-code-space-1" });

      const before = await count(url(), PATHS.list);
      const found = await client.listSessions({ group: "g1" });
      expect(found.map((s) => s.sessionId).sort()).toEqual([...group].sort());
      expect(new Set(found.map((s) => s.sessionId)).size).toBe(7);
      expect(found.every((s) => s.status === "RUNNING")).toBe(true);
      // 7 sessions, 3 per page: exactly 3 pages, so the page size really was sent.
      expect((await count(url(), PATHS.list)) - before).toBe(3);

      expect(await client.listSessions({ group: "g1", n: "4" })).toEqual([{ sessionId: group[4], status: "RUNNING" }]);
      expect(await client.listSessions({ group: "none" })).toEqual([]);
      expect(await client.listSessions()).toHaveLength(9);
    });

    it("leaves released sessions out unless includeAll is asked", async () => {
      const { client } = fastClient(url());
      const kept = await client.createSession({ imageId: "agb-code-space-1", labels: { k: "v" } });
      const gone = await client.createSession({ imageId: "agb-code-space-1", labels: { k: "v" } });
      await client.releaseSessionAsync(gone.sessionId);
      expect((await client.listSessions({ k: "v" })).map((s) => s.sessionId)).toEqual([kept.sessionId]);
      const all = await client.listSessions({ k: "v" }, { includeAll: true });
      expect(all).toEqual(
        expect.arrayContaining([
          { sessionId: kept.sessionId, status: "RUNNING" },
          { sessionId: gone.sessionId, status: "DELETING" },
        ]),
      );
    });
  });

  describe("not-found", () => {
    it.each([
      ["getSession", (c: AgbClient) => c.getSession("s-missing")],
      ["getSessionInfo", (c: AgbClient) => c.getSessionStatus("s-missing")],
      ["setLabel", (c: AgbClient) => c.setLabels("s-missing", { a: "b" })],
      ["getLabel", (c: AgbClient) => c.getLabels("s-missing")],
      ["releaseSessionAsync", (c: AgbClient) => c.releaseSessionAsync("s-missing")],
      ["refreshSessionIdleTime", (c: AgbClient) => c.refreshSessionIdleTime("s-missing")],
    ])("%s of an unknown session throws AgbNotFoundError, not retried", async (operation, call) => {
      const { client } = fastClient(url());
      const error = await rejectionOf(call(client));
      expect(error).toBeInstanceOf(AgbNotFoundError);
      expect(isNotFound(error)).toBe(true);
      const e = error as AgbNotFoundError;
      expect(e.operation).toBe(operation);
      expect(e.status).toBe(400);
      expect(e.code).toBe(NOT_FOUND_CODE);
      expect(client.stats.attempts).toBe(1);
    });

    it("names the operation, HTTP status, API code and request id in the message", async () => {
      const { client } = fastClient(url());
      const error = (await rejectionOf(client.getSession("s-missing"))) as AgbNotFoundError;
      expect(error.requestId).toMatch(UUID);
      expect(error.message).toContain("getSession");
      expect(error.message).toContain("HTTP 400");
      expect(error.message).toContain(`code ${NOT_FOUND_CODE}`);
      expect(error.message).toContain(`request id ${error.requestId}`);
    });

    it("an expired session is not-found", async () => {
      const { client } = fastClient(url());
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      emulator.current.store.expire(sessionId);
      expect(isNotFound(await rejectionOf(client.getLabels(sessionId)))).toBe(true);
    });
  });

  describe("faults", () => {
    it("honours Retry-After on a 429: the injected sleep gets exactly the header's delay", async () => {
      const { client, sleeps } = fastClient(url(), { retry: { maxRetryAfterMs: 5_000 } });
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      await scriptFaults(url(), [{ path: PATHS.get, kind: "throttle", retryAfterSeconds: 2 }]);
      await expect(client.getSession(sessionId)).resolves.toMatchObject({ sessionId });
      expect(sleeps).toEqual([2_000]);
      expect(await count(url(), PATHS.get)).toBe(2);
    });

    it("caps a long Retry-After at maxRetryAfterMs", async () => {
      const { client, sleeps } = fastClient(url(), { retry: { maxRetryAfterMs: 1_500 } });
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      await scriptFaults(url(), [{ path: PATHS.getLabel, kind: "throttle", retryAfterSeconds: 60 }]);
      await client.getLabels(sessionId);
      expect(sleeps).toEqual([1_500]);
    });

    it("retries a throttled createSession (429 means nothing was done) and makes one session", async () => {
      const { client, sleeps } = fastClient(url(), { retry: { maxRetryAfterMs: 5_000 } });
      await scriptFaults(url(), [{ path: PATHS.create, kind: "throttle", retryAfterSeconds: 3 }]);
      const created = await client.createSession({ imageId: "agb-code-space-1" });
      expect(sleeps).toEqual([3_000]);
      expect(await count(url(), PATHS.create)).toBe(2);
      expect((await liveSessions(url())).map((s) => s.sessionId)).toEqual([created.sessionId]);
    });

    it("retries an idempotent call after a 503 and succeeds", async () => {
      const { client } = fastClient(url());
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      await scriptFaults(url(), [{ path: PATHS.setLabel, kind: "status", status: 503 }]);
      await client.setLabels(sessionId, { a: "1" });
      expect(await count(url(), PATHS.setLabel)).toBe(2);
      expect(client.stats.retries).toBe(1);
      expect(await client.getLabels(sessionId)).toEqual({ a: "1" });
    });

    it("does not retry createSession on a 5xx: the outcome is unknown", async () => {
      const { client } = fastClient(url());
      await scriptFaults(url(), [{ path: PATHS.create, kind: "status", status: 500 }]);
      const error = await rejectionOf(client.createSession({ imageId: "agb-code-space-1" }));
      expect(error).toBeInstanceOf(AgbApiError);
      expect(error).not.toBeInstanceOf(AgbNotFoundError);
      const e = error as AgbApiError;
      expect(e.status).toBe(500);
      expect(e.code).toBe("ServiceUnavailable");
      expect(e.message).toContain("createSession");
      expect(e.message).toContain("HTTP 500");
      expect(e.message).toContain("code ServiceUnavailable");
      expect(e.message).toContain(`request id ${e.requestId}`);
      expect(e.requestId).toMatch(UUID);
      expect(await count(url(), PATHS.create)).toBe(1);
    });

    it("retries an idempotent call after a connection reset and succeeds", async () => {
      const { client } = fastClient(url());
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      await scriptFaults(url(), [{ path: PATHS.get, kind: "reset" }]);
      await expect(client.getSession(sessionId)).resolves.toMatchObject({ sessionId, status: "RUNNING" });
      expect(await count(url(), PATHS.get)).toBe(2);
    });

    it("does not retry createSession after a reset: the request may have been acted on", async () => {
      const { client } = fastClient(url());
      await scriptFaults(url(), [{ path: PATHS.create, kind: "reset" }]);
      const error = await rejectionOf(client.createSession({ imageId: "agb-code-space-1" }));
      expect(error).toBeInstanceOf(AgbNetworkError);
      expect((error as AgbNetworkError).notSent).toBe(false);
      expect((error as AgbNetworkError).operation).toBe("createSession");
      expect(await count(url(), PATHS.create)).toBe(1);
    });

    it("turns a malformed JSON answer into AgbResponseShapeError without retrying, and keeps working", async () => {
      const { client } = fastClient(url());
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      await scriptFaults(url(), [{ path: PATHS.get, kind: "malformed" }]);
      const error = await rejectionOf(client.getSession(sessionId));
      expect(error).toBeInstanceOf(AgbResponseShapeError);
      const e = error as AgbResponseShapeError;
      expect(e.operation).toBe("getSession");
      expect(e.status).toBe(200);
      expect(e.requestId).toMatch(UUID);
      expect(e.message).toContain("HTTP 200");
      expect(e.message).toContain(`request id ${e.requestId}`);
      expect(e.bodyExcerpt).toContain("sessionId");
      expect(await count(url(), PATHS.get)).toBe(1);
      await expect(client.getSession(sessionId)).resolves.toMatchObject({ sessionId });
    });

    it("stops after maxAttempts attempts and throws the last error", async () => {
      const { client, sleeps } = fastClient(url(), { retry: { maxAttempts: 3 } });
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      await scriptFaults(
        url(),
        Array.from({ length: 5 }, () => ({ path: PATHS.getLabel, kind: "status" as const, status: 502 })),
      );
      const error = await rejectionOf(client.getLabels(sessionId));
      expect(error).toBeInstanceOf(AgbApiError);
      expect((error as AgbApiError).status).toBe(502);
      expect(await count(url(), PATHS.getLabel)).toBe(3);
      expect(sleeps).toHaveLength(2);
      expect(emulator.current.faults.current().script).toHaveLength(2);
    });

    it("maxAttempts 1 and maxThrottledAttempts 1 mean no retry at all", async () => {
      const { client } = fastClient(url(), { retry: { maxAttempts: 1, maxThrottledAttempts: 1 } });
      const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
      await scriptFaults(url(), [{ path: PATHS.get, kind: "throttle", retryAfterSeconds: 0 }]);
      const error = (await rejectionOf(client.getSession(sessionId))) as AgbApiError;
      expect(error.status).toBe(429);
      expect(error.code).toBe("Throttling");
      expect(await count(url(), PATHS.get)).toBe(1);
    });

    it("reports a network error (nothing listening) as AgbNetworkError with notSent", async () => {
      const { client } = fastClient("http://127.0.0.1:1", { retry: { maxAttempts: 2 } });
      const error = await rejectionOf(client.createSession({ imageId: "agb-code-space-1" }));
      expect(error).toBeInstanceOf(AgbNetworkError);
      expect((error as AgbNetworkError).notSent).toBe(true);
      expect((error as AgbNetworkError).networkCode).toBe("ECONNREFUSED");
      // Refused connections never reached the service, so even a create is tried again.
      expect(client.stats.attempts).toBe(2);
    });
  });
});

/** Everything a user or a log could see of an error. */
function everyRendering(error: unknown): string[] {
  const e = error as Error & { cause?: unknown };
  return [
    e.message,
    String(e),
    e.stack ?? "",
    JSON.stringify(e),
    JSON.stringify(e, Object.getOwnPropertyNames(e)),
    inspect(e, { depth: 10, showHidden: true }),
    e.cause === undefined ? "" : String(e.cause),
    e.cause === undefined ? "" : inspect(e.cause, { depth: 10, showHidden: true }),
  ];
}

describe("AgbClient with an API key", () => {
  const GOOD_KEY = "akm-good-0123456789abcdef";
  const WRONG_KEY = "akm-wrong-fedcba9876543210";
  const emulator = useEmulator({ apiKey: GOOD_KEY });
  const url = () => emulator.current.url;

  it("works with the right key", async () => {
    const { client } = fastClient(url(), { apiKey: GOOD_KEY });
    const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
    await expect(client.getSession(sessionId)).resolves.toMatchObject({ sessionId });
  });

  it("throws AgbAuthError for a wrong key, not retried, and never shows the key", async () => {
    const { client } = fastClient(url(), { apiKey: WRONG_KEY });
    const error = await rejectionOf(client.getSession("s-whatever"));
    expect(error).toBeInstanceOf(AgbAuthError);
    expect(isNotFound(error)).toBe(false);
    const e = error as AgbAuthError;
    expect(e.status).toBe(401);
    expect(e.code).toBe("InvalidApiKey");
    expect(e.message).toContain("getSession");
    expect(e.message).toContain("HTTP 401");
    expect(e.message).toContain(`request id ${e.requestId}`);
    expect(await count(url(), PATHS.get)).toBe(1);
    for (const text of everyRendering(error)) {
      expect(text).not.toContain(WRONG_KEY);
      expect(text).not.toContain(GOOD_KEY);
    }
  });

  it("throws AgbAuthError when no key is sent", async () => {
    const { client } = fastClient(url());
    expect(await rejectionOf(client.createSession({ imageId: "agb-code-space-1" }))).toBeInstanceOf(AgbAuthError);
    expect(await liveSessions(url())).toHaveLength(0);
  });

  it("never shows the key in a network error either", async () => {
    const { client } = fastClient("http://127.0.0.1:1", { apiKey: GOOD_KEY, retry: { maxAttempts: 1 } });
    const error = await rejectionOf(client.getSession("s-x"));
    expect(error).toBeInstanceOf(AgbNetworkError);
    for (const text of everyRendering(error)) expect(text).not.toContain(GOOD_KEY);
  });

  it("never shows the key in a connection-reset error", async () => {
    const { client } = fastClient(url(), { apiKey: GOOD_KEY, retry: { maxAttempts: 1 } });
    await scriptFaults(url(), [{ path: PATHS.get, kind: "reset" }]);
    const error = await rejectionOf(client.getSession("s-x"));
    expect(error).toBeInstanceOf(AgbNetworkError);
    for (const text of everyRendering(error)) expect(text).not.toContain(GOOD_KEY);
  });
});
