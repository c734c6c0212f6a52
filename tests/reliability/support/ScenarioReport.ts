/** What one reliability scenario reports: a summary row and its section of docs/reliability.md. */
import type { Truth } from "./scenarioKit";

export interface ScenarioReport {
  key: string;
  title: string;
  runs: number;
  sessions: string;
  orphans: string;
  lostLabels: string;
  retries: string;
  calls: string;
  verdict: "pass" | "FAIL" | "partial";
  lines: string[];
}

/** The state against the emulator's truth, in one line. */
export function truthLine(t: Truth): string {
  return (
    `state: ${t.inState} sessions (${t.distinctInState} distinct ids), emulator: ${t.live} live ` +
    `(${t.everCreated} ever created), orphans: ${t.orphans.length}, in state but gone: ${t.ghosts.length}, ` +
    `lost labels: ${t.lostLabels}, pending operations: ${t.pendingOperations}`
  );
}
