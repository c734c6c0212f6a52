import { compareWithEmulator, errorExcerpt, exportState, freshStack, seconds, withEmulator, recordSection, SCENARIO_TIMEOUT_MS } from "./support/scenarioKit";
import { expectPass } from "./support/expectPass";
import { runStackAction as runOp } from "../../tools/pulumi-driver/runStackAction";
import { type ScenarioReport, truthLine } from "./support/ScenarioReport";

export interface RateLimitCase {
  /** Emulator requests per second. */
  limit: number;
  /** The provider's agb:maxRequestsPerSecond, or none. */
  cap?: number;
}

async function scenarioRateLimit(sessions = 500, cases: RateLimitCase[] = [{ limit: 50 }, { limit: 50, cap: 40 }]): Promise<ScenarioReport> {
  const lines: string[] = [
    "Emulator `--rate-limit N` (requests per second over all API paths; beyond it HTTP 429 with `Retry-After: 1`). " +
      `\`pulumi up\` of ${sessions} sessions, fresh stack and emulator each time, every call recorded by a proxy.`,
    "",
    "| emulator limit | provider cap | up | wall time | 429s | failed calls (any non-2xx or drop) | calls | in state | live | orphans | lost labels |",
    "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  let allOk = true;
  let orphans = 0;
  let lost = 0;
  const calls: number[] = [];
  const throttled: number[] = [];
  const states: string[] = [];
  const errors: string[] = [];
  const rates: string[] = [];
  for (const { limit, cap } of cases) {
    await withEmulator({ faults: { rateLimitPerSecond: limit } }, async (emulator, proxy) => {
      const config: Record<string, string> = { sessionCount: String(sessions) };
      if (cap !== undefined) config["agb:maxRequestsPerSecond"] = String(cap);
      const name = `e-rate-limit-${limit}-${cap ?? "uncapped"}`;
      const spec = freshStack(name, proxy.url, config);
      const up = await runOp(spec, { action: "up" });
      const truth = compareWithEmulator((await exportState(spec)).deployment, emulator);
      const failed = proxy.calls.filter((c) => c.outcome === "dropped" || (typeof c.outcome === "number" && c.outcome >= 400)).length;
      const ok = up.ok && truth.inState === sessions && truth.live === sessions && truth.orphans.length === 0 && truth.lostLabels === 0;
      allOk &&= ok;
      if (!ok) errors.push(`limit ${limit}/s, ${cap === undefined ? "uncapped" : `cap ${cap}/s`}: ${errorExcerpt(up) || truthLine(truth)}`);
      orphans += truth.orphans.length;
      lost += truth.lostLabels;
      calls.push(proxy.calls.length);
      throttled.push(emulator.faults.counts.rateLimited);
      states.push(`${truth.inState}/${sessions}`);
      rates.push(`${((sessions / up.ms) * 1000).toFixed(1)}`);
      lines.push(
        `| ${limit}/s | ${cap === undefined ? "none" : `\`agb:maxRequestsPerSecond ${cap}\``} | ${up.ok ? "ok" : "**failed**"} | ${seconds(up.ms)} | ` +
          `${emulator.faults.counts.rateLimited} | ${failed} | ${proxy.calls.length} | ${truth.inState} | ${truth.live} | ${truth.orphans.length} | ${truth.lostLabels} |`,
      );
    });
  }
  lines.push(
    "",
    `Sessions created per second of \`up\`: ${rates.join(", ")} (same order as the table). On this shared 2-CPU machine the engine itself ` +
      "(a checkpoint write per step, one dynamic-provider call per resource) creates well under 50 sessions a second, so a 50/s service " +
      "is never pushed to its limit; the 5/s rows show the provider under real throttling, with and without its own cap.",
  );
  return {
    key: "e",
    title: `Rate limits: ${sessions} sessions against a rate-limited service`,
    runs: cases.length,
    sessions: states.join(", "),
    orphans: String(orphans),
    lostLabels: String(lost),
    retries: `${throttled.join(" / ")} (429s)`,
    calls: calls.join(" / "),
    verdict: allOk ? "pass" : "FAIL",
    lines: [...lines, ...(errors.length > 0 ? ["", "Failures:", ...errors.map((e) => `- ${e}`)] : [])],
  };
}

it(
  "500 sessions against a rate-limited service, with and without the client cap",
  async () => {
    const report = recordSection(await scenarioRateLimit(500, [{ limit: 50 }, { limit: 50, cap: 40 }, { limit: 5 }, { limit: 5, cap: 4 }]));
    expectPass(report);
  },
  SCENARIO_TIMEOUT_MS,
);
