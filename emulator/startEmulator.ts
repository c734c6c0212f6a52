import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { OPERATION_BY_PATH } from "../wire/protocol";
import { shapeReleaseAnswer, type ReleaseAnswerShape } from "../wire/releaseAnswer";
import { controlRoute, type Concurrency } from "./controlRoutes";
import { DEFAULT_STORE_OPTIONS, EmulatorStore, type StoreOptions } from "./EmulatorStore";
import { FaultInjector, type FaultConfigInput } from "./faults";
import { ApiFailure, envelopeWith, failure, readJsonBody, sendEnvelope, sendJson } from "./httpIo";
import type { LabelLimits } from "./labelLimits";
import type { MissingSessionAnswer } from "./missingSessionAnswer";
import { operate, type OperationContext } from "./operations";

export interface EmulatorOptions extends Partial<Omit<StoreOptions, "now">> {
  host?: string;
  port?: number;
  /** When set, every API call must carry `authorization: Bearer <apiKey>`. */
  apiKey?: string;
  faults?: FaultConfigInput;
  /** Default page size of ListSession when the caller gives none (the SDKs' default). */
  defaultPageSize?: number;
  /** Refuse labels beyond these (the real service states no limit, so none by default). */
  labelLimits?: LabelLimits;
  /** How releaseSessionAsync answers: each shape the SDKs read (default "lower"). */
  releaseAnswer?: ReleaseAnswerShape;
  /** How a call about an unknown session is answered (default "code": HTTP 400, InvalidMcpSession.NotFound). */
  missingSessionAnswer?: MissingSessionAnswer;
  /**
   * Drop a request whose client hung up before the work was done. Off by
   * default: a real service carries out what it accepted, which is what leaves
   * sessions behind when `pulumi up` is killed.
   */
  abandonOnDisconnect?: boolean;
  now?: () => number;
  /** How injected latency is waited out (default: a real timer); tests inject one they release themselves. */
  sleep?: (ms: number) => Promise<unknown>;
}

export interface RunningEmulator {
  url: string;
  port: number;
  store: EmulatorStore;
  faults: FaultInjector;
  stats(): Record<string, number>;
  /** API requests in flight now and the most at once since the stats were last reset (also `GET /_emulator/concurrency`). */
  concurrency(): Concurrency;
  close(): Promise<void>;
}

const MAX_URL_CHARS = 64 * 1024;

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
  const concurrency: Concurrency = { inFlight: 0, peak: 0 };
  let baseUrl = "";
  const operations: OperationContext = {
    store,
    labelLimits: options.labelLimits ?? {},
    defaultPageSize: options.defaultPageSize ?? 10,
    baseUrl: () => baseUrl,
    missingSessionAnswer: options.missingSessionAnswer,
  };

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
    if (url.pathname.startsWith("/_emulator/")) return controlRoute({ store, faults, counts, concurrency }, req, res, url, requestId);

    const spec = OPERATION_BY_PATH.get(url.pathname);
    if (!spec) {
      req.resume();
      return sendEnvelope(res, 404, failure("NotFound.Operation", `no operation at ${url.pathname}`), requestId);
    }
    counts.set(spec.path, (counts.get(spec.path) ?? 0) + 1);
    // From arrival until the answer is sent or the socket goes: the concurrency the service would see.
    // The socket's own close too: a pipelined request queued behind another gets no "close" of its
    // response when the connection goes (Node never hands it the socket), and would count forever.
    concurrency.peak = Math.max(concurrency.peak, ++concurrency.inFlight);
    const socket = req.socket;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      concurrency.inFlight--;
      res.off("close", end);
      socket.off("close", end);
    };
    res.once("close", end);
    socket.once("close", end);
    if (socket.destroyed) end();

    // The request is read whole before any latency, so work the service accepted does not depend on the client waiting.
    let body: Record<string, unknown> | ApiFailure = {};
    if (req.method === "POST") body = await readJsonBody(req).catch((error: unknown) => toFailure(error));
    else req.resume();

    const fault = faults.decide(spec.path);
    if (fault.delayMs > 0) await (options.sleep ?? sleep)(fault.delayMs);
    if (fault.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault.kind === "status") {
      if (fault.answer.body === "html") return sendProxyPage(res, fault.status, rawUrl);
      const answer = failure(fault.answer.code ?? "ServiceUnavailable", fault.answer.message ?? "injected failure");
      return sendEnvelope(res, fault.status, answer, requestId);
    }
    if (fault.kind === "throttle") {
      res.setHeader("retry-after", String(fault.retryAfterSeconds));
      return sendEnvelope(res, 429, failure("Throttling", "too many requests"), requestId);
    }
    if (options.abandonOnDisconnect && req.socket.destroyed) return;

    if (req.method !== spec.method) {
      return sendEnvelope(res, 405, failure("MethodNotAllowed", `${spec.path} takes ${spec.method}, not ${req.method ?? "?"}`), requestId);
    }
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendEnvelope(res, 401, failure("InvalidApiKey", "missing or wrong API key"), requestId);
    }

    let envelope: Record<string, unknown>;
    let status = 200;
    try {
      if (body instanceof ApiFailure) throw body;
      const answer = operate(operations, spec, url.searchParams, body);
      envelope = { success: true, code: "ok", message: "", data: answer.data ?? null, ...answer.extra };
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      status = error.status;
      envelope = failure(error.code, error.message);
    }
    if (status === 200 && fault.kind === "dropAfterAct") {
      req.socket.destroy();
      return;
    }
    if (status === 200 && fault.kind === "malformed") {
      res.writeHead(200, { "content-type": "application/json", "x-request-id": requestId });
      res.end('{"success": true, "data": {"sessionId": ');
      return;
    }
    const full = envelopeWith(status, envelope, requestId);
    sendJson(res, status, spec.answerInEitherCasing ? shapeReleaseAnswer(full, options.releaseAnswer ?? "lower") : full, requestId);
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
    concurrency: () => ({ ...concurrency }),
    close: () =>
      new Promise<void>((resolve) => {
        store.saveNow();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A proxy's error page, which (as many do) quotes the request target, query string and all. */
function sendProxyPage(res: http.ServerResponse, status: number, target: string): void {
  const title = `${status} ${http.STATUS_CODES[status] ?? "Error"}`;
  const escaped = target.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const text = `<html><head><title>${title}</title></head><body><h1>${title}</h1><p>The requested URL ${escaped} could not be served.</p><hr><address>proxy</address></body></html>`;
  res.writeHead(status, { "content-type": "text/html", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function toFailure(error: unknown): ApiFailure {
  if (error instanceof ApiFailure) return error;
  return new ApiFailure(400, "InvalidParameter.Body", error instanceof Error ? error.message : String(error));
}
