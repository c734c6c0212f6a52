import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  encodeLabels,
  FINISHED_STATUS,
  NOT_FOUND_CODE,
  OPERATION_BY_PATH,
  parseLabelsStrict,
  type OperationSpec,
} from "../wire/protocol";
import { keyProblem, LABEL_LIMITS, valueProblem } from "../wire/labelLimits";
import { DEFAULT_STORE_OPTIONS, EmulatorStore, type StoreOptions, type StoredSession } from "./EmulatorStore";
import { FaultInjector, type FaultConfigInput } from "./faults";

export interface EmulatorOptions extends Partial<Omit<StoreOptions, "now">> {
  host?: string;
  port?: number;
  /** When set, every API call must carry `authorization: Bearer <apiKey>`. */
  apiKey?: string;
  faults?: FaultConfigInput;
  /** Default page size of ListSession when the caller gives none (the SDKs' default). */
  defaultPageSize?: number;
  now?: () => number;
}

export interface RunningEmulator {
  url: string;
  port: number;
  store: EmulatorStore;
  faults: FaultInjector;
  stats(): Record<string, number>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_URL_CHARS = 64 * 1024;
const MAX_PAGE_SIZE = 1000;

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (sessionId: string) =>
  new ApiFailure(400, NOT_FOUND_CODE, `session ${sessionId} not found`);
const invalid = (code: string, message: string) => new ApiFailure(400, code, message);

/** Starts a local AGB emulator on loopback. Resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const store = new EmulatorStore({
    ...DEFAULT_STORE_OPTIONS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    now: options.now ?? Date.now,
  } as StoreOptions);
  const faults = new FaultInjector();
  if (options.faults) faults.configure(options.faults);
  const counts = new Map<string, number>();
  const defaultPageSize = options.defaultPageSize ?? 10;
  let baseUrl = "";

  const server = http.createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Last resort: a bug in a handler still answers with an envelope.
      if (!res.headersSent) {
        sendEnvelope(res, 500, { success: false, code: "InternalError", message: String(error) }, randomUUID());
      } else res.destroy();
    });
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) {
      const body = JSON.stringify({ success: false, code: "BadRequest", message: "malformed HTTP request", httpStatusCode: 400 });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy();
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const rawUrl = req.url ?? "/";
    if (rawUrl.length > MAX_URL_CHARS) {
      req.resume();
      return sendEnvelope(res, 414, failure("RequestUriTooLong", `request URL over ${MAX_URL_CHARS} characters`), requestId);
    }
    let url: URL;
    try {
      url = new URL(rawUrl, "http://emulator.local");
    } catch {
      // e.g. an absolute-form target "http://[": the caller's fault, not a server error.
      req.resume();
      return sendEnvelope(res, 400, failure("BadRequest", "the request target is not a valid URL"), requestId);
    }
    if (url.pathname.startsWith("/_emulator/")) return control(req, res, url, requestId);

    const spec = OPERATION_BY_PATH.get(url.pathname);
    if (!spec) {
      req.resume();
      return sendEnvelope(res, 404, failure("NotFound.Operation", `no operation at ${url.pathname}`), requestId);
    }
    counts.set(spec.path, (counts.get(spec.path) ?? 0) + 1);

    const fault = faults.decide(spec.path);
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault.kind === "status") {
      req.resume();
      return sendEnvelope(res, fault.status, failure("ServiceUnavailable", "injected failure"), requestId);
    }
    if (fault.kind === "throttle") {
      req.resume();
      res.setHeader("retry-after", String(fault.retryAfterSeconds));
      return sendEnvelope(res, 429, failure("Throttling", "too many requests"), requestId);
    }

    if (req.method !== spec.method) {
      req.resume();
      return sendEnvelope(
        res,
        405,
        failure("MethodNotAllowed", `${spec.path} takes ${spec.method}, not ${req.method ?? "?"}`),
        requestId,
      );
    }
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      req.resume();
      return sendEnvelope(res, 401, failure("InvalidApiKey", "missing or wrong API key"), requestId);
    }

    let answer: { data?: unknown; extra?: Record<string, unknown> };
    try {
      const body = spec.method === "POST" ? await readJsonBody(req) : (req.resume(), {});
      answer = operate(spec, url.searchParams, body);
    } catch (error) {
      if (error instanceof ApiFailure) {
        return sendEnvelope(res, error.status, failure(error.code, error.message), requestId);
      }
      throw error;
    }
    if (fault.kind === "dropAfterAct") {
      req.socket.destroy();
      return;
    }
    if (fault.kind === "malformed") {
      res.writeHead(200, { "content-type": "application/json", "x-request-id": requestId });
      res.end('{"success": true, "data": {"sessionId": ');
      return;
    }
    sendEnvelope(res, 200, { success: true, code: "ok", message: "", data: answer.data ?? null, ...answer.extra }, requestId);
  }

  function operate(
    spec: OperationSpec,
    query: URLSearchParams,
    body: Record<string, unknown>,
  ): { data?: unknown; extra?: Record<string, unknown> } {
    const param = (name: string): unknown => (spec.query.includes(name) ? (query.get(name) ?? undefined) : body[name]);
    const requiredString = (name: string): string => {
      const value = param(name);
      if (typeof value !== "string" || value.trim() === "") {
        throw invalid(`InvalidParameter.${capitalize(name)}`, `${name} is required`);
      }
      return value;
    };
    const liveSession = (): StoredSession => {
      const id = requiredString("sessionId");
      const session = store.touch(id);
      if (!session) throw notFound(id);
      return session;
    };

    switch (spec.name) {
      case "createSession": {
        const imageId = requiredString("imageId");
        const labelsText = param("labels");
        let labels: Record<string, string> = {};
        if (labelsText !== undefined && labelsText !== null && labelsText !== "") {
          if (typeof labelsText !== "string") throw invalid("InvalidParameter.Labels", "labels must be a JSON string");
          labels = checkLabels(labelsText, true);
        }
        const timeout = param("timeout");
        if (timeout !== undefined && (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout <= 0)) {
          throw invalid("InvalidParameter.Timeout", "timeout must be a positive whole number of seconds");
        }
        const policyId = optionalString(param("mcpPolicyId"), "mcpPolicyId");
        const contextId = optionalString(param("contextId"), "contextId");
        const session = store.create({ imageId, labels, idleTimeoutSeconds: timeout as number | undefined, policyId, contextId });
        return { data: { ...describeSession(session), token: `tok-${session.resourceId}`, toolList: [], success: true, errMsg: null } };
      }
      case "getSession":
        return { data: describeSession(liveSession()) };
      case "getSessionInfo": {
        const id = requiredString("sessionId");
        const session = store.describe(id);
        if (!session) throw notFound(id);
        if (session.status !== FINISHED_STATUS) store.touch(id);
        return { data: { status: session.status } };
      }
      case "setLabel": {
        const labelsText = requiredString("Labels");
        const labels = checkLabels(labelsText, store.options.emptyLabels === "accept");
        store.setLabels(liveSession(), labels);
        return {};
      }
      case "getLabel": {
        const session = liveSession();
        const entries = Object.entries(session.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const maxResults = pageSize(param("maxResults"), entries.length || 1);
        const offset = pageOffset(param("nextToken"));
        const page = entries.slice(offset, offset + maxResults);
        const next = offset + maxResults < entries.length ? String(offset + maxResults) : "";
        return {
          data: { labels: encodeLabels(Object.fromEntries(page)), count: entries.length, nextToken: next, maxResults },
        };
      }
      case "listSession": {
        const filterText = param("labels");
        const filter = typeof filterText === "string" && filterText !== "" ? checkFilter(filterText) : {};
        const includeAll = param("isAll") === "true";
        const matches = store.list(filter, includeAll);
        const maxResults = pageSize(param("maxResults"), defaultPageSize);
        const offset = pageOffset(param("nextToken"));
        const page = matches.slice(offset, offset + maxResults);
        const next = offset + maxResults < matches.length ? String(offset + maxResults) : "";
        return {
          data: page.map((s) => ({ sessionId: s.sessionId, sessionStatus: s.status })),
          extra: { nextToken: next, maxResults, count: matches.length },
        };
      }
      case "releaseSessionAsync":
      case "releaseSession": {
        const id = requiredString("sessionId");
        if (!store.release(id)) throw notFound(id);
        return {};
      }
      case "refreshSessionIdleTime":
        liveSession();
        return {};
    }
  }

  function describeSession(session: StoredSession) {
    return {
      sessionId: session.sessionId,
      status: session.status,
      resourceUrl: `${baseUrl}/_emulator/sessions/${session.sessionId}`,
      appInstanceId: session.appInstanceId,
      resourceId: session.resourceId,
      linkUrl: `${baseUrl}/_emulator/sessions/${session.sessionId}/link`,
      wsUrl: `${baseUrl.replace(/^http/, "ws")}/_emulator/sessions/${session.sessionId}/ws`,
    };
  }

  async function control(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string) {
    const route = `${req.method ?? "GET"} ${url.pathname}`;
    let body: Record<string, unknown>;
    try {
      body = req.method === "POST" ? await readJsonBody(req) : (req.resume(), {});
    } catch (error) {
      if (error instanceof ApiFailure) return sendEnvelope(res, error.status, failure(error.code, error.message), requestId);
      throw error;
    }
    switch (route) {
      case "GET /_emulator/stats":
        return sendJson(res, 200, Object.fromEntries(counts));
      case "GET /_emulator/health":
        return sendJson(res, 200, { ok: true, liveSessions: store.liveCount() });
      case "GET /_emulator/sessions":
        return sendJson(res, 200, store.all());
      case "GET /_emulator/faults":
        return sendJson(res, 200, { config: faults.current(), injected: faults.counts });
      case "POST /_emulator/faults": {
        try {
          return sendJson(res, 200, faults.configure(body as FaultConfigInput));
        } catch (error) {
          return sendEnvelope(res, 400, failure("InvalidParameter.Faults", String(error)), requestId);
        }
      }
      case "POST /_emulator/reset": {
        const what = url.searchParams.get("what") ?? "all";
        if (what === "all" || what === "stats") {
          counts.clear();
          faults.resetCounts();
        }
        if (what === "all" || what === "sessions") store.clear();
        if (what === "all" || what === "faults") faults.configure({});
        return sendJson(res, 200, { ok: true });
      }
      case "POST /_emulator/expire": {
        const id = url.searchParams.get("sessionId") ?? "";
        return store.expire(id)
          ? sendJson(res, 200, { ok: true })
          : sendEnvelope(res, 400, failure(NOT_FOUND_CODE, `session ${id} not found`), requestId);
      }
      default: {
        const match = /^\/_emulator\/sessions\/([^/]+)/.exec(url.pathname);
        const session = match ? store.describe(match[1]) : undefined;
        if (req.method === "GET" && session) return sendJson(res, 200, session);
        return sendEnvelope(res, 404, failure("NotFound.Operation", `no control route ${route}`), requestId);
      }
    }
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
  baseUrl = `http://${options.host ?? "127.0.0.1"}:${port}`;

  return {
    url: baseUrl,
    port,
    store,
    faults,
    stats: () => Object.fromEntries(counts),
    close: () =>
      new Promise<void>((resolve) => {
        store.saveNow();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function checkLabels(text: string, allowEmpty: boolean): Record<string, string> {
  const labels = parseLabelsStrict(text);
  if (typeof labels === "string") throw invalid("InvalidParameter.Labels", labels);
  const entries = Object.entries(labels);
  if (entries.length === 0 && !allowEmpty) throw invalid("InvalidParameter.Labels", "Labels cannot be empty");
  if (entries.length > LABEL_LIMITS.maxLabels) {
    throw invalid("InvalidParameter.Labels", `at most ${LABEL_LIMITS.maxLabels} labels`);
  }
  for (const [key, value] of entries) {
    const problem = keyProblem(key) ?? valueProblem(value);
    if (problem) throw invalid("InvalidParameter.Labels", `${JSON.stringify(key)}: ${problem}`);
  }
  return labels;
}

function checkFilter(text: string): Record<string, string> {
  const filter = parseLabelsStrict(text);
  if (typeof filter === "string") throw invalid("InvalidParameter.Labels", filter);
  return filter;
}

function pageSize(raw: unknown, fallback: number): number {
  if (raw === undefined || raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw invalid("InvalidParameter.MaxResults", "maxResults must be a positive whole number");
  return Math.min(n, MAX_PAGE_SIZE);
}

function pageOffset(raw: unknown): number {
  if (raw === undefined || raw === null || raw === "") return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw invalid("InvalidParameter.NextToken", "nextToken is not one this service issued");
  return n;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw invalid(`InvalidParameter.${capitalize(name)}`, `${name} must be a string`);
  return value;
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function failure(code: string, message: string) {
  return { success: false, code, message };
}

function sendEnvelope(res: http.ServerResponse, status: number, envelope: Record<string, unknown>, requestId: string) {
  sendJson(res, status, { ...envelope, requestId, httpStatusCode: status }, requestId);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, requestId?: string) {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  };
  if (requestId) headers["x-request-id"] = requestId;
  res.writeHead(status, headers);
  res.end(text);
}

function readJsonBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("error", reject);
    req.on("end", () => {
      if (tooLarge) return reject(new ApiFailure(413, "RequestTooLarge", `body over ${MAX_BODY_BYTES} bytes`));
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "") return resolve({});
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
          return reject(invalid("InvalidParameter.Body", "the body must be a JSON object"));
        }
        resolve(parsed as Record<string, unknown>);
      } catch {
        reject(invalid("InvalidParameter.Body", "the body is not valid JSON"));
      }
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
