import type { ScenarioReport } from "./ScenarioReport";

/**
 * Fails the test unless the scenario passed, with the whole section as the
 * message: a bare "verdict: partial" in a CI log says nothing about which run
 * or which bound gave way.
 */
export function expectPass(report: ScenarioReport): void {
  if (report.verdict === "pass") return;
  throw new Error(`(${report.key}) ${report.title}: ${report.verdict}\n\n${report.lines.join("\n")}`);
}
