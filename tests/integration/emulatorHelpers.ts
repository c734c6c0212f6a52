/**
 * Small helpers shared by the integration suites: raw HTTP to the emulator's
 * API and control routes, and a client wired for fast, observable retries.
 */
import { OPERATIONS } from "../../wire/protocol";
import { isReleasedStatus } from "../../wire/sessionStatus";
import { AgbClient } from "../../provider/client/AgbClient";
import type { ClientOptionsInput } from "../../provider/client/clientOptions";
import type { ScriptedFault } from "../../emulator/faults";
import { FAST_CLOCK, FAST_RETRY } from "../support/emulatorFixture";

/** Short names for the API paths of wire/protocol.ts, the one place they are defined. */
export const PATHS = {
  create: OPERATIONS.createSession.path,
  get: OPERATIONS.getSession.path,
  info: OPERATIONS.getSessionInfo.path,
  setLabel: OPERATIONS.setLabel.path,
  getLabel: OPERATIONS.getLabel.path,
  list: OPERATIONS.listSession.path,
  releaseAsync: OPERATIONS.releaseSessionAsync.path,
  release: OPERATIONS.releaseSession.path,
  refresh: OPERATIONS.refreshSessionIdleTime.path,
} as const;

/** Calls per API path since the last reset; a path never called reads as 0. */
export async function stats(url: string): Promise<Record<string, number>> {
  const response = await fetch(`${url}/_emulator/stats`);
  return (await response.json()) as Record<string, number>;
}

export async function count(url: string, path: string): Promise<number> {
  return (await stats(url))[path] ?? 0;
}

/** Sum of all API calls since the last reset. */
export async function totalCalls(url: string): Promise<number> {
  return Object.values(await stats(url)).reduce((a, b) => a + b, 0);
}

export async function resetStats(url: string): Promise<void> {
  await fetch(`${url}/_emulator/reset?what=stats`, { method: "POST" });
}

/** Queues scripted faults, each consumed by the next matching API request. */
export async function scriptFaults(url: string, script: ScriptedFault[]): Promise<void> {
  const response = await fetch(`${url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ script }),
  });
  if (!response.ok) throw new Error(`could not script faults: ${await response.text()}`);
}

export async function expire(url: string, sessionId: string): Promise<void> {
  const response = await fetch(`${url}/_emulator/expire?sessionId=${encodeURIComponent(sessionId)}`, { method: "POST" });
  if (!response.ok) throw new Error(`could not expire ${sessionId}: ${await response.text()}`);
}

export interface StoredSessionView {
  sessionId: string;
  status: string;
  labels: Record<string, string>;
}

export async function emulatorSessions(url: string): Promise<StoredSessionView[]> {
  const response = await fetch(`${url}/_emulator/sessions`);
  return (await response.json()) as StoredSessionView[];
}

export async function liveSessions(url: string): Promise<StoredSessionView[]> {
  return (await emulatorSessions(url)).filter((s) => !isReleasedStatus(s.status));
}

export interface RawAnswer {
  status: number;
  text: string;
  json: Record<string, unknown>;
  headers: Headers;
}

/** One raw HTTP request, built by hand; the answer must be JSON. */
export async function raw(
  url: string,
  method: string,
  path: string,
  options: { query?: Record<string, string>; body?: string; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const target = new URL(path, url);
  for (const [k, v] of Object.entries(options.query ?? {})) target.searchParams.set(k, v);
  const response = await fetch(target, {
    method,
    headers: { "content-type": "application/json", ...options.headers },
    body: options.body,
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, text, json, headers: response.headers };
}

/** A client on the emulator whose sleeps are recorded and do not wait (an injected clock). */
export function fastClient(url: string, options: ClientOptionsInput = {}): { client: AgbClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const client = new AgbClient({
    endpoint: url,
    releasePollIntervalMs: 1,
    ...options,
    retry: { ...FAST_RETRY, ...options.retry },
    clock: {
      random: () => 0.5,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        await FAST_CLOCK.sleep(ms);
      },
      ...options.clock,
    },
  });
  return { client, sleeps };
}

/** Asserts a promise rejects and returns the rejection for closer checks. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, got a result");
}
