/**
 * A loopback HTTP proxy in front of the emulator that records every API call
 * the provider makes (path, session id, create token, outcome), so a run can be
 * checked per operation against the client's retry bounds. A connection the
 * emulator drops is dropped towards the client too, so faults pass through
 * unchanged.
 */
import { OPERATIONS } from "../../wire/protocol";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";

export interface RecordedCall {
  method: string;
  path: string;
  sessionId?: string;
  /** The create token label of a createSession, or of a ListSession filter. */
  token?: string;
  /** HTTP status, or "dropped" when the emulator closed the connection without an answer. */
  outcome: number | "dropped";
}

export interface RecordingProxy {
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const calls: RecordedCall[] = [];
  // No keep-alive upstream: a reused socket the emulator closed would look like an injected drop.
  const agent = new http.Agent({ keepAlive: false, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const call = describe(req.method ?? "GET", req.url ?? "/", body);
      const upstreamReq = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
        (upstreamRes) => {
          call.outcome = upstreamRes.statusCode ?? 0;
          calls.push(call);
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          upstreamRes.on("aborted", () => res.destroy());
        },
      );
      upstreamReq.on("error", () => {
        call.outcome = "dropped";
        calls.push(call);
        req.socket.destroy();
      });
      upstreamReq.end(body);
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function describe(method: string, rawUrl: string, body: Buffer): RecordedCall {
  const url = new URL(rawUrl, "http://proxy.local");
  const call: RecordedCall = { method, path: url.pathname, outcome: 0 };
  let json: Record<string, unknown> = {};
  try {
    if (body.length > 0) json = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
  } catch {
    // not JSON: nothing to attribute
  }
  const sessionId = url.searchParams.get("sessionId") ?? json.sessionId;
  if (typeof sessionId === "string") call.sessionId = sessionId;
  const labelsText = url.pathname === OPERATIONS.listSession.path ? url.searchParams.get("labels") : json.labels;
  if (typeof labelsText === "string") {
    try {
      const token = (JSON.parse(labelsText) as Record<string, unknown>)[CREATE_TOKEN_LABEL];
      if (typeof token === "string") call.token = token;
    } catch {
      // not a label map
    }
  }
  return call;
}

/** Attempts per operation key: a create or a lookup by its token, other calls by session. */
export function attemptsPerOperation(calls: readonly RecordedCall[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const call of calls) {
    const key = `${call.path} ${call.token ?? call.sessionId ?? "-"}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export function byPath(calls: readonly RecordedCall[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const call of calls) out[call.path] = (out[call.path] ?? 0) + 1;
  return out;
}

/** Calls answered by a fault (5xx, 429 or a dropped connection): each had to be sent again or looked up. */
export function faulted(calls: readonly RecordedCall[]): number {
  return calls.filter((c) => c.outcome === "dropped" || c.outcome === 429 || (typeof c.outcome === "number" && c.outcome >= 500)).length;
}

export function pathTable(calls: readonly RecordedCall[]): string[] {
  const rows = Object.entries(byPath(calls)).sort(([a], [b]) => a.localeCompare(b));
  return ["| path | calls |", "| --- | ---: |", ...rows.map(([p, n]) => `| \`${p}\` | ${n} |`)];
}
