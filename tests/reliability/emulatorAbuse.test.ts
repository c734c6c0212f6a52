import { OPERATIONS } from "../../wire/protocol";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { runAbuseLoad, send, sendRaw, type LoadResult } from "./support/emulatorAbuse";
import { recordSection, seconds } from "./support/scenarioKit";
import type { ScenarioReport } from "./support/ScenarioReport";
import { MALFORMED_REQUESTS, RAW_MALFORMED_REQUESTS } from "../fixtures/malformedRequests";

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.close();
});

describe("malformed requests get an error envelope", () => {
  it.each(MALFORMED_REQUESTS.map((r) => [r.name, r] as const))("%s", async (_name, request) => {
    const answer = await send(emulator.url, request);
    expect(answer).toMatchObject({ kind: "error-envelope", status: request.status, code: request.code });
  });

  it.each(RAW_MALFORMED_REQUESTS.map((r) => [r.name, r] as const))("raw: %s", async (_name, request) => {
    const answer = await sendRaw(emulator.url, request.raw);
    expect(answer).toMatchObject({ kind: "error-envelope", status: request.status, code: request.code });
  });

  it("HEAD (no body allowed) still gets the error status", async () => {
    const answer = await send(emulator.url, { method: "HEAD", target: `${OPERATIONS.getLabel.path}?sessionId=s-1` });
    expect(answer.status).toBe(405);
  });

  it("still answers a real call afterwards", async () => {
    const answer = await send(emulator.url, {
      method: "POST",
      target: `${OPERATIONS.createSession.path}?imageId=agb-code-space-1`,
      body: JSON.stringify({ labels: JSON.stringify({ after: "abuse" }) }),
    });
    expect(answer.kind).toBe("success");
    expect(answer.sessionId).toMatch(/^s-/);
  });
});

const CLIENTS = 200;
const DURATION_MS = Number(process.env.RELIABILITY_ABUSE_SECONDS ?? 30) * 1000;

/** (f) of the reliability report. */
function abuseSection(result: LoadResult, clients: number, durationMs: number): ScenarioReport {
  const ok = result.defects.length === 0 && result.healthyAfter;
  const statuses = Object.entries(result.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${s}: ${n}`)
    .join(", ");
  return {
    key: "f",
    title: `Emulator abuse: ${clients} concurrent loopback clients for ${durationMs / 1000} s`,
    runs: 1,
    sessions: String(result.sessionsCreated),
    orphans: "-",
    lostLabels: "-",
    retries: "-",
    calls: String(result.requests),
    verdict: ok ? "pass" : "FAIL",
    lines: [
      `${clients} clients, each looping over valid calls (create, GetLabel, SetLabel, ListSession) and malformed ones ` +
        "(bad Labels JSON, missing sessionId, wrong methods, 70 000-character query strings, deep JSON, raw non-HTTP bytes, bad chunking):",
      "",
      `- requests: **${result.requests}** in ${seconds(result.durationMs)} (${result.perSecond}/s); sessions created: ${result.sessionsCreated}`,
      `- successes: ${result.byKind.success}; error envelopes: ${result.byKind["error-envelope"]}; ` +
        `**not an envelope: ${result.byKind["not-envelope"]}; connections lost: ${result.byKind["connection-error"]}**`,
      `- by HTTP status: ${statuses}`,
      `- latency p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms`,
      `- emulator healthy and answering a real call afterwards: **${result.healthyAfter ? "yes" : "no"}**`,
      ...(result.defects.length > 0 ? [`- defects: ${JSON.stringify(result.defects.slice(0, 5))}`] : []),
    ],
  };
}

describe(`${CLIENTS} concurrent clients for ${DURATION_MS / 1000} s`, () => {
  it("every answer is a success or an error envelope and the emulator still answers", async () => {
    const result = await runAbuseLoad(emulator.url, { clients: CLIENTS, durationMs: DURATION_MS, seed: 29 });
    recordSection(abuseSection(result, CLIENTS, DURATION_MS));
    expect(result.defects).toEqual([]);
    expect(result.byKind["not-envelope"]).toBe(0);
    expect(result.byKind["connection-error"]).toBe(0);
    expect(result.byKind.success).toBeGreaterThan(0);
    expect(result.byKind["error-envelope"]).toBeGreaterThan(0);
    expect(result.requests).toBeGreaterThan(CLIENTS);
    expect(result.healthyAfter).toBe(true);
  }, DURATION_MS + 60_000);
});
