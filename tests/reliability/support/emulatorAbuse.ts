/**
 * Abuse of the emulator's HTTP surface: malformed requests one by one, and a
 * bounded load of many concurrent loopback clients mixing good and bad calls.
 * Every answer must be a success or an error envelope; the emulator must keep
 * answering. The requests are tests/fixtures/malformedRequests.ts; used by
 * tests/reliability/emulatorAbuse.test.ts and the report.
 */
import http from "node:http";
import net from "node:net";
import { mulberry32 } from "../../../emulator/faults";
import { OPERATIONS } from "../../../wire/protocol";
import { MALFORMED_REQUESTS, RAW_MALFORMED_REQUESTS, type AbuseRequest } from "../../fixtures/malformedRequests";

export type AnswerKind = "success" | "error-envelope" | "not-envelope" | "connection-error";

export interface Answer {
  kind: AnswerKind;
  status: number;
  code?: string;
  detail?: string;
  /** data.sessionId of a successful answer, when it has one. */
  sessionId?: string;
}

/** Sorts an answer: a success, an error envelope, or anything else (a defect). */
export function classifyAnswer(status: number, text: string): Answer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: "not-envelope", status, detail: text.slice(0, 120) };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { kind: "not-envelope", status, detail: text.slice(0, 120) };
  }
  const envelope = parsed as { success?: unknown; code?: unknown; message?: unknown; data?: { sessionId?: unknown } };
  if (envelope.success === true && status < 400) {
    const sessionId = typeof envelope.data?.sessionId === "string" ? envelope.data.sessionId : undefined;
    return { kind: "success", status, code: String(envelope.code ?? ""), sessionId };
  }
  if (envelope.success === false && typeof envelope.code === "string" && typeof envelope.message === "string" && status >= 400) {
    return { kind: "error-envelope", status, code: envelope.code };
  }
  return { kind: "not-envelope", status, detail: text.slice(0, 120) };
}

export function send(baseUrl: string, request: Omit<AbuseRequest, "status" | "code" | "name">, agent?: http.Agent): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.target,
        agent,
        headers: request.body !== undefined ? { "content-type": "application/json" } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve(classifyAnswer(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"))));
        res.on("error", (error) => resolve({ kind: "connection-error", status: 0, detail: error.message }));
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ kind: "connection-error", status: 0, detail: error.code ?? error.message }));
    if (request.body !== undefined) req.end(request.body);
    else req.end();
  });
}

export function sendRaw(baseUrl: string, raw: string): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.end(Buffer.from(raw, "latin1")));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => resolve({ kind: "connection-error", status: 0, detail: error.code }));
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const bodyAt = text.indexOf("\r\n\r\n");
      if (!status || bodyAt < 0) return resolve({ kind: "not-envelope", status, detail: text.slice(0, 120) });
      resolve(classifyAnswer(status, text.slice(bodyAt + 4)));
    });
  });
}

export interface LoadOptions {
  clients: number;
  durationMs: number;
  seed?: number;
  /** Sessions each client may create (keeps the emulator's store bounded). */
  createsPerClient?: number;
}

export interface LoadResult {
  clients: number;
  durationMs: number;
  requests: number;
  perSecond: number;
  byKind: Record<AnswerKind, number>;
  byStatus: Record<string, number>;
  /** Answers that were neither success nor error envelope, or connections lost: must be empty. */
  defects: Array<{ request: string; answer: Answer }>;
  latencyMs: { p50: number; p99: number; max: number };
  sessionsCreated: number;
  /** The emulator's health route and a real API call after the load. */
  healthyAfter: boolean;
}

const LOAD_MALFORMED = MALFORMED_REQUESTS.filter((r) => !r.name.includes("1 MB") && !r.name.includes("300 000"));

/** Many concurrent clients, each in a loop of valid and malformed calls, for a bounded time. */
export async function runAbuseLoad(baseUrl: string, options: LoadOptions): Promise<LoadResult> {
  const random = mulberry32(options.seed ?? 7);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });
  const byKind: Record<AnswerKind, number> = { success: 0, "error-envelope": 0, "not-envelope": 0, "connection-error": 0 };
  const byStatus: Record<string, number> = {};
  const defects: LoadResult["defects"] = [];
  const latencies: number[] = [];
  const createsPerClient = options.createsPerClient ?? 2;
  let sessionsCreated = 0;
  const deadline = Date.now() + options.durationMs;

  const record = (name: string, answer: Answer, ms: number) => {
    byKind[answer.kind]++;
    byStatus[String(answer.status)] = (byStatus[String(answer.status)] ?? 0) + 1;
    latencies.push(ms);
    if ((answer.kind === "not-envelope" || answer.kind === "connection-error") && defects.length < 20) defects.push({ request: name, answer });
  };

  const client = async (index: number) => {
    const mine: string[] = [];
    while (Date.now() < deadline) {
      const draw = random();
      const started = Date.now();
      if (draw < 0.02) {
        const raw = RAW_MALFORMED_REQUESTS[Math.floor(random() * RAW_MALFORMED_REQUESTS.length)];
        record(raw.name, await sendRaw(baseUrl, raw.raw), Date.now() - started);
        continue;
      }
      let name: string;
      let request: Omit<AbuseRequest, "status" | "code" | "name">;
      const session = mine[Math.floor(random() * mine.length)];
      if (mine.length < createsPerClient && draw < 0.3) {
        name = "createSession";
        request = {
          method: "POST",
          target: `${OPERATIONS.createSession.path}?imageId=agb-code-space-1`,
          body: JSON.stringify({ labels: JSON.stringify({ client: String(index), 环境: "压测" }), timeout: 600 }),
        };
      } else if (session && draw < 0.45) {
        name = "GetLabel";
        request = { method: "GET", target: `${OPERATIONS.getLabel.path}?sessionId=${session}` };
      } else if (session && draw < 0.6) {
        name = "SetLabel";
        request = { method: "POST", target: `${OPERATIONS.setLabel.path}?sessionId=${session}&Labels=${encodeURIComponent(JSON.stringify({ client: String(index), n: String(Math.floor(random() * 1e6)) }))}` };
      } else if (draw < 0.65) {
        name = "ListSession";
        request = { method: "GET", target: `${OPERATIONS.listSession.path}?labels=${encodeURIComponent(JSON.stringify({ client: String(index) }))}&maxResults=50` };
      } else {
        const bad = LOAD_MALFORMED[Math.floor(random() * LOAD_MALFORMED.length)];
        name = bad.name;
        request = bad;
      }
      const answer = await send(baseUrl, request, agent);
      record(name, answer, Date.now() - started);
      if (name === "createSession" && answer.kind === "success" && answer.sessionId) {
        sessionsCreated++;
        mine.push(answer.sessionId);
      }
    }
  };

  const started = Date.now();
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  const durationMs = Date.now() - started;
  agent.destroy();

  const health = await send(baseUrl, { method: "GET", target: "/_emulator/health" });
  const probe = await send(baseUrl, { method: "GET", target: `${OPERATIONS.listSession.path}?maxResults=1` });
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const requests = latencies.length;
  return {
    clients: options.clients,
    durationMs,
    requests,
    perSecond: Math.round((requests / durationMs) * 1000),
    byKind,
    byStatus,
    defects,
    latencyMs: { p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] ?? 0 },
    sessionsCreated,
    healthyAfter: health.status === 200 && probe.kind === "success",
  };
}
