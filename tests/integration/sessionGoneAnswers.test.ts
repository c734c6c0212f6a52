/**
 * Over HTTP, what the client reads as "this session is gone" (AgbNotFoundError)
 * and what it reads as something else: every shape the emulator can give a
 * missing session is gone; a wrong base path, an auth failure, a gateway's own
 * "not found", a page that is not JSON and a 5xx never are. And an error that
 * quotes an answer never quotes the request's label values.
 */
import { AgbClient } from "../../provider/client/AgbClient";
import {
  AgbApiError,
  AgbAuthError,
  AgbEndpointError,
  AgbNotFoundError,
  AgbResponseShapeError,
  isNotFound,
} from "../../provider/client/errors";
import { MISSING_SESSION_ANSWERS } from "../../emulator/missingSessionAnswer";
import { useEmulator } from "../support/emulatorFixture";
import { count, fastClient, PATHS, rejectionOf, scriptFaults, totalCalls } from "./emulatorHelpers";

type Call = [string, (c: AgbClient, id: string) => Promise<unknown>];
const SESSION_CALLS: Call[] = [
  ["getSession", (c, id) => c.getSession(id)],
  ["getSessionInfo", (c, id) => c.getSessionStatus(id)],
  ["setLabel", (c, id) => c.setLabels(id, { a: "b" })],
  ["getLabel", (c, id) => c.getLabels(id)],
  ["releaseSessionAsync", (c, id) => c.releaseSessionAsync(id)],
  ["refreshSessionIdleTime", (c, id) => c.refreshSessionIdleTime(id)],
];

describe.each(MISSING_SESSION_ANSWERS)("a missing session answered as %s", (shape) => {
  const emulator = useEmulator({ missingSessionAnswer: shape });
  const url = () => emulator.current.url;

  it.each(SESSION_CALLS)("%s reads it as gone, in one attempt", async (operation, call) => {
    const { client } = fastClient(url());
    const error = await rejectionOf(call(client, "s-missing"));
    expect(error).toBeInstanceOf(AgbNotFoundError);
    expect((error as AgbNotFoundError).operation).toBe(operation);
    expect((error as AgbNotFoundError).sessionId).toBe("s-missing");
    expect(client.stats.attempts).toBe(1);
  });

  it("releaseAndWait of a released session is done after one poll; of a missing one, at once", async () => {
    const { client } = fastClient(url());
    const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
    await client.releaseSessionAsync(sessionId);
    emulator.current.store.expire(sessionId);
    expect(await client.releaseAndWait(sessionId)).toBe(0);
    expect(await client.releaseAndWait("s-missing")).toBe(0);
  });
});

describe("answers that are not about the session", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;

  it.each(SESSION_CALLS)("a wrong base path: %s throws AgbEndpointError naming the endpoint and code, in one attempt", async (operation, call) => {
    const { client: good } = fastClient(url());
    const { sessionId } = await good.createSession({ imageId: "agb-code-space-1" });
    const { client } = fastClient(`${url()}/wrong/base`);
    const started = Date.now();
    const error = await rejectionOf(call(client, sessionId));
    expect(error).toBeInstanceOf(AgbEndpointError);
    expect(isNotFound(error)).toBe(false);
    const e = error as AgbEndpointError;
    expect(e.operation).toBe(operation);
    expect(e.status).toBe(404);
    expect(e.code).toBe("NotFound.Operation");
    expect(e.message).toContain(`endpoint ${url()}/wrong/base`);
    expect(e.message).toContain("code NotFound.Operation");
    expect(e.message).toContain("HTTP 404");
    expect(client.stats.attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(emulator.current.store.describe(sessionId)?.status).toBe("RUNNING");
  });

  it("releaseAndWait on a wrong base path fails and releases nothing", async () => {
    const { client: good } = fastClient(url());
    const { sessionId } = await good.createSession({ imageId: "agb-code-space-1" });
    const { client } = fastClient(`${url()}/v2`);
    expect(await rejectionOf(client.releaseAndWait(sessionId))).toBeInstanceOf(AgbEndpointError);
    expect(emulator.current.store.describe(sessionId)?.status).toBe("RUNNING");
  });

  it("a 401 whose message says the session is not found is an auth failure, not retried", async () => {
    const { client } = fastClient(url());
    await scriptFaults(url(), [{ path: PATHS.get, kind: "status", status: 401, code: "Unauthorized", message: "session not found for this api key" }]);
    const error = await rejectionOf(client.getSession("s-1"));
    expect(error).toBeInstanceOf(AgbAuthError);
    expect(isNotFound(error)).toBe(false);
    expect((error as AgbAuthError).message).toContain(`endpoint ${url()}`);
    expect(client.stats.attempts).toBe(1);
  });

  it("a gateway's 400 'api key not found' is a plain failure, not a session gone", async () => {
    const { client } = fastClient(url());
    await scriptFaults(url(), [{ path: PATHS.getLabel, kind: "status", status: 400, code: "InvalidApiKey.NotFound", message: "api key not found" }]);
    const error = await rejectionOf(client.getLabels("s-1"));
    expect(error).toBeInstanceOf(AgbApiError);
    expect(isNotFound(error)).toBe(false);
    expect((error as AgbApiError).code).toBe("InvalidApiKey.NotFound");
  });

  it("a proxy's HTML 404 page is AgbEndpointError, and its excerpt carries no label value or query", async () => {
    const { client } = fastClient(url());
    const { sessionId } = await client.createSession({ imageId: "agb-code-space-1" });
    await scriptFaults(url(), [{ path: PATHS.setLabel, kind: "status", status: 404, body: "html" }]);
    const labels = { owner: "hunter2-secret-value", env: "p:q r", tiny: "x7" };
    const error = await rejectionOf(client.setLabels(sessionId, labels));
    expect(error).toBeInstanceOf(AgbEndpointError);
    expect(isNotFound(error)).toBe(false);
    const e = error as AgbEndpointError;
    expect(e.message).toContain("HTTP 404");
    expect(e.message).toContain("404 Not Found");
    for (const value of ["hunter2", "p:q", "p%3Aq", "x7", "Labels="]) expect(e.message).not.toContain(value);
    expect(e.message).toMatch(/The requested URL \/sdk\/SetLabel\?\[query\] could not be served/);
    expect(await count(url(), PATHS.setLabel)).toBe(1);
  });

  it("a 200 page that is not JSON is AgbResponseShapeError, never a session gone", async () => {
    const { client } = fastClient(url());
    await scriptFaults(url(), [{ path: PATHS.get, kind: "status", status: 200, body: "html" }]);
    const error = await rejectionOf(client.getSession("s-1"));
    expect(error).toBeInstanceOf(AgbResponseShapeError);
    expect(isNotFound(error)).toBe(false);
    const shaped = await rejectionOf(client.getSession("s-1"));
    // No fault left: the emulator's own answer, a session that is really gone.
    expect(shaped).toBeInstanceOf(AgbNotFoundError);
  });

  it("a 502 HTML page is retried, then reported with its status, not as a session gone", async () => {
    const { client } = fastClient(url(), { retry: { maxAttempts: 3 } });
    await scriptFaults(url(), Array.from({ length: 3 }, () => ({ path: PATHS.info, kind: "status" as const, status: 502, body: "html" as const })));
    const error = await rejectionOf(client.getSessionStatus("s-1"));
    expect(error).toBeInstanceOf(AgbApiError);
    expect(isNotFound(error)).toBe(false);
    expect((error as AgbApiError).status).toBe(502);
    expect(await count(url(), PATHS.info)).toBe(3);
  });

  it("a 503 with the session's not-found code is retried as a 5xx, not read as gone", async () => {
    const { client } = fastClient(url(), { retry: { maxAttempts: 2 } });
    await scriptFaults(url(), [
      { path: PATHS.get, kind: "status", status: 503, code: "InvalidMcpSession.NotFound" },
      { path: PATHS.get, kind: "status", status: 503, code: "InvalidMcpSession.NotFound" },
    ]);
    const error = await rejectionOf(client.getSession("s-1"));
    expect(error).toBeInstanceOf(AgbApiError);
    expect(isNotFound(error)).toBe(false);
    expect(await totalCalls(url())).toBe(2);
  });

  it("an envelope message that echoes the labels sent is scrubbed of them", async () => {
    const { client } = fastClient(url());
    await scriptFaults(url(), [
      { path: PATHS.create, kind: "status", status: 400, code: "InvalidParameter.Labels", message: 'labels {"owner":"hunter2-secret-value"} refused' },
    ]);
    const error = await rejectionOf(client.createSession({ imageId: "agb-code-space-1", labels: { owner: "hunter2-secret-value" } }));
    expect(error).toBeInstanceOf(AgbApiError);
    expect((error as AgbApiError).message).not.toContain("hunter2");
    expect((error as AgbApiError).message).toContain("code InvalidParameter.Labels");
  });
});

describe("resourceUrl carries an auth code new on every read", () => {
  const emulator = useEmulator();
  it("create and each getSession give the same URL but for a fresh authcode", async () => {
    const { client } = fastClient(emulator.current.url);
    const created = await client.createSession({ imageId: "agb-code-space-1" });
    const first = await client.getSession(created.sessionId);
    const second = await client.getSession(created.sessionId);
    const codes = [created, first, second].map((d) => new URL(d.resourceUrl ?? "").searchParams.get("authcode"));
    expect(codes.every((c) => typeof c === "string" && c.length >= 16)).toBe(true);
    expect(new Set(codes).size).toBe(3);
    for (const d of [created, first, second]) {
      const u = new URL(d.resourceUrl ?? "");
      u.searchParams.delete("authcode");
      expect(u.toString()).toBe(`${emulator.current.url}/_emulator/sessions/${created.sessionId}?resourceId=${created.resourceId}`);
    }
  });
});
