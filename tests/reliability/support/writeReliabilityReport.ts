/**
 * The reliability project's global teardown: when RELIABILITY_REPORT names a
 * file, puts the sections the scenario suites left (scenarioKit's
 * recordSection) together into the report, stamped (tools/report/reportStamp.ts).
 * Into docs/ only from a clean tree and with every scenario's section.
 * RELIABILITY_REPORT is set by scripts/reliability-report.js (`npm run report:reliability`).
 */
import fs from "node:fs";
import path from "node:path";
import { DEFAULT_CLIENT_OPTIONS } from "../../../provider/client/clientOptions";
import { descendants } from "../../../tools/pulumi-driver/processTree";
import { REPO_ROOT } from "../../../tools/pulumi-driver/pulumiCli";
import { isInDocs, refuseDirtyDocs, stampLines, startStamp, type ReportStamp } from "../../../tools/report/reportStamp";
import { pulumiCliDir, SECTIONS_DIR } from "./scenarioKit";
import type { ScenarioReport } from "./ScenarioReport";

/** Every scenario, by the key its suite records: the full report needs them all. */
export const SCENARIO_KEYS = ["a", "b", "c", "d", "e", "f", "g", "h"];

const STAMP = Symbol.for("pulumi-agb.reliabilityStamp");
type WithStamp = typeof globalThis & { [STAMP]?: ReturnType<typeof startStamp> };

/** globalSetup: no section of an earlier run may end up in this report. */
export function reliabilitySetup(): void {
  fs.rmSync(SECTIONS_DIR, { recursive: true, force: true });
  if (process.env.RELIABILITY_REPORT) (globalThis as WithStamp)[STAMP] = startStamp(pulumiCliDir());
}

export default function writeReliabilityReport(): void {
  // Nothing the suites started may outlive them.
  const leftovers = descendants(process.pid).map((p) => p.pid);
  for (const pid of leftovers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const out = process.env.RELIABILITY_REPORT;
  const stamper = (globalThis as WithStamp)[STAMP];
  if (!out || !stamper) return;
  const stamp = stamper.finish();
  const reports = SCENARIO_KEYS.filter((key) => fs.existsSync(path.join(SECTIONS_DIR, `${key}.json`))).map(
    (key) => JSON.parse(fs.readFileSync(path.join(SECTIONS_DIR, `${key}.json`), "utf8")) as ScenarioReport,
  );
  const missing = SCENARIO_KEYS.filter((key) => !reports.some((r) => r.key === key));
  refuseDirtyDocs(out, stamp.dirty);
  if (isInDocs(out) && missing.length > 0) throw new Error(`refusing to write ${out}: no section for scenario(s) ${missing.join(", ")}`);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, render(reports, stamp, leftovers.length));
  process.stderr.write(`reliability: wrote ${path.relative(REPO_ROOT, path.resolve(out))}\n`);
}

function render(reports: ScenarioReport[], stamp: ReportStamp, leftovers: number): string {
  const lines = [
    "# Reliability and security report",
    "",
    "Nothing lost, nothing orphaned, nothing leaked: what `pulumi-agb` does when the network, the service, the user's input " +
      "or the deployment itself goes wrong. Every figure below comes from one run of `npm run report:reliability`: the test suites " +
      "of `tests/reliability/` (the jest project `reliability`), driving the real Pulumi CLI through the Automation API against " +
      "local AGB emulators with fault injection; nothing here is estimated.",
    "",
    ...stampLines(stamp),
    "- provider defaults: " +
      "6 attempts per call, full-jitter backoff 200 ms-10 s, Retry-After honoured up to 30 s, 32 requests in flight, no rate cap; " +
      `a create whose outcome is unknown is looked up by its create token, up to ${DEFAULT_CLIENT_OPTIONS.retry.maxAttempts} rounds with the same backoff as any retry; a lookup that fails is repeated in the same budget`,
    `- processes left running when the report ended: **${leftovers}**`,
    "",
    "## Summary",
    "",
    "| scenario | runs | sessions (state/wanted) | orphans | lost labels | faults answered (re-sent/looked up) | API calls | result |",
    "| --- | ---: | --- | --- | --- | --- | --- | --- |",
    ...reports.map(
      (r) => `| (${r.key}) ${r.title} | ${r.runs} | ${r.sessions} | ${r.orphans} | ${r.lostLabels} | ${r.retries} | ${r.calls} | ${r.verdict} |`,
    ),
    "",
    "\"Orphans\" are live sessions on the emulator that no resource in the state knows; \"lost labels\" are declared labels (in state) " +
      "that the emulator does not hold with that value; both are measured against the emulator's own store, not the provider's view.",
    "",
  ];
  for (const r of reports) lines.push(`## (${r.key}) ${r.title}`, "", ...r.lines, "");
  lines.push(
    "## Fixes made while writing this report",
    "",
    "Earlier runs:",
    "",
    "- a label key `__proto__` was silently dropped by `check` (zod drops an own `__proto__` key) and, had it reached the service, by " +
      "`decodeLabels`; it is now refused with a check failure (`wire/labelRules.ts`).",
    "- `emulator/`: an unparsable request target (e.g. `GET http://[`) answered HTTP 500 `InternalError`, which a client " +
      "retries; it now answers 400 `BadRequest`.",
    "- `provider/runtime/sessionProviderImpl.ts`: the create token is drawn in `check`, so the engine records it with every pending " +
      "create and `agb-recover-pending` finds the session a killed create made by that token alone.",
    "- `provider/recovery/`: `agb-recover-pending --dry-run` released duplicate sessions (it now only reports them); after a kill in " +
      "the middle of a replacement, the found session was written as a second live resource under the URN of the session it " +
      "replaces (the replaced one is now marked for deletion, as the engine does; `tests/e2e/recoverPending.test.ts`).",
    "",
    "This run (see the soak, (h)):",
    "",
    "- `provider/runtime/createSessionOnce.ts`: when a create's answer was lost and the token lookup then failed six times in a row, " +
      "the create gave up, dropped the id of a session it may have found, and the next `up` drew a fresh token: one orphan and one " +
      "duplicate. Lookups now wait the same backoff as any retry and are repeated within the budget; a session found is kept even " +
      "when its details cannot be read; an outcome still unknown keeps the resource in state under `pending-create:<token>`, which " +
      "`refresh` resolves to the real session and the next `up` releases and creates again (`tests/e2e/unknownCreateOutcome.test.ts`).",
    "- `emulator/`: a request whose client hung up during the latency wait was never carried out, which made the SIGKILL figures " +
      "kinder than AGB; the emulator now finishes work it accepted (`--abandon-on-disconnect` keeps the old behaviour), and (c) runs " +
      "against that default.",
    "- Label limits the service never stated (64 labels, 128/256 characters, no `=`, `,`, quotes or control characters) are gone " +
      "from `check` and the emulator: the bad-input table (g) now holds only what the SDKs refuse and limits a label policy states.",
    "",
    "## Left open",
    "",
    "- Nothing found in these runs; see each scenario's figures.",
    "",
    "## Recovering from a killed `pulumi up`",
    "",
    "1. `pulumi cancel` - the killed run leaves its lock in the backend.",
    "2. `npx agb-recover-pending [--stack NAME] [--dry-run]` in the project directory - exports the state, finds each pending " +
      "create's session with one ListSession by the create token the pending create recorded, writes it into the state (dropping " +
      "pending creates that made none) and imports the state; `--dry-run` only reports.",
    "3. `pulumi refresh`, then `pulumi up`.",
    "",
    "## Reproduce",
    "",
    "```",
    "npm run report:reliability                          # every scenario; rewrites this file (clean tree only)",
    "npm run report:reliability -- --out /tmp/r.md c d   # some scenarios, written elsewhere",
    "npm run test:reliability                            # the same suites, no report (CI runs this)",
    "npx jest --runInBand tests/e2e/recoverPending.test.ts  # agb-recover-pending after a real SIGKILL, real CLI",
    "```",
    "",
  );
  return lines.join("\n");
}
