import { startEmulator } from "../../emulator/startEmulator";
import { runAbuseLoad } from "./emulatorAbuse";
import { seconds } from "./kit";
import { type ScenarioReport } from "./ScenarioReport";

export async function scenarioAbuse(clients = 200, durationMs = 30_000): Promise<ScenarioReport> {
  const emulator = await startEmulator();
  try {
    const result = await runAbuseLoad(emulator.url, { clients, durationMs, seed: 29 });
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
  } finally {
    await emulator.close();
  }
}
