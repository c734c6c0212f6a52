/** `/_emulator/*`: what tests use to watch and steer the emulator (no auth, loopback only). */
import type http from "node:http";
import { NOT_FOUND_CODE } from "../wire/protocol";
import type { EmulatorStore } from "./EmulatorStore";
import type { FaultConfigInput, FaultInjector } from "./faults";
import { ApiFailure, failure, readJsonBody, sendEnvelope, sendJson } from "./httpIo";

export interface ControlContext {
  store: EmulatorStore;
  faults: FaultInjector;
  /** Calls per API path. */
  counts: Map<string, number>;
  concurrency: Concurrency;
}

/** API requests in flight now, and the most at once since the last reset of the stats. */
export interface Concurrency {
  inFlight: number;
  peak: number;
}

export async function controlRoute(
  ctx: ControlContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  requestId: string,
): Promise<void> {
  const { store, faults, counts, concurrency } = ctx;
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
    case "GET /_emulator/concurrency":
      return sendJson(res, 200, concurrency);
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
        concurrency.peak = concurrency.inFlight;
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
