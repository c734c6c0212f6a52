/**
 * (h) Soak: many runs of `pulumi up` under a fault mix that loses answers to
 * every kind of call, the create included. Where the first `up` fails, at most
 * two more follow, as a user would retry. Every run must end with no orphan,
 * no duplicate, and the state's session ids equal to the live sessions that
 * carry the stack's label.
 */
import { OPERATIONS } from "../../wire/protocol";
import { isReleasedStatus } from "../../wire/sessionStatus";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { PENDING_ID_PREFIX } from "../../provider/runtime/pendingCreate";
import type { RunningEmulator } from "../../emulator/startEmulator";
import { exportState, freshStack, runAsUserWould, seconds, stateSessions, withEmulator, recordSection, SCENARIO_TIMEOUT_MS } from "./support/scenarioKit";
import { expectPass } from "./support/expectPass";
import type { ScenarioReport } from "./support/ScenarioReport";
import { runStackAction as runOp } from "../../tools/pulumi-driver/runStackAction";

export const SOAK_FAULTS = {
  errorRate: 0.2,
  errorStatus: 502,
  throttleRate: 0.1,
  retryAfterSeconds: 1,
  resetRate: 0.05,
  dropAfterActRate: 0.1,
  latencyMs: 5,
  latencyJitterMs: 20,
};

/** The label every session of examples/basic carries: what marks a session as the stack's. */
const STACK_LABEL = { key: "project", value: "demo" };
const MAX_UPS = 3;

interface SoakRun {
  run: number;
  ups: number;
  upResults: string[];
  inState: number;
  live: number;
  orphans: number;
  duplicates: number;
  pending: number;
  idsMatch: boolean;
  /** Answers the emulator dropped after doing the work, and token lookups the provider made. */
  dropped: number;
  lookups: number;
  ms: number;
  error?: string;
}

function duplicatesOn(emulator: RunningEmulator): number {
  const byToken = new Map<string, number>();
  for (const s of emulator.store.all()) {
    if (isReleasedStatus(s.status)) continue;
    const token = s.labels[CREATE_TOKEN_LABEL];
    if (token) byToken.set(token, (byToken.get(token) ?? 0) + 1);
  }
  return [...byToken.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
}

async function soakRun(run: number, sessions: number): Promise<SoakRun> {
  return withEmulator({ faults: { ...SOAK_FAULTS, seed: 100 + run } }, async (emulator, proxy) => {
    const spec = freshStack(`h-soak-run${run}`, proxy.url, { sessionCount: String(sessions) });
    const started = Date.now();
    const ups = await runAsUserWould(spec, "up", MAX_UPS, { errorChars: 300 });
    const ms = Date.now() - started;
    // The truth is read with the faults off: the export and the comparison must not be what fails.
    emulator.faults.configure({});
    const deployment = (await exportState(spec)).deployment;
    const inState = stateSessions(deployment);
    const stateIds = new Set(inState.map((s) => s.id));
    const live = emulator.store.all().filter((s) => !isReleasedStatus(s.status) && s.labels[STACK_LABEL.key] === STACK_LABEL.value);
    const liveIds = new Set(live.map((s) => s.sessionId));
    const result: SoakRun = {
      run,
      ups: ups.outcomes.length,
      upResults: ups.outcomes,
      inState: inState.length,
      live: live.length,
      orphans: live.filter((s) => !stateIds.has(s.sessionId)).length,
      duplicates: duplicatesOn(emulator) + (inState.length - stateIds.size),
      pending: inState.filter((s) => s.id.startsWith(PENDING_ID_PREFIX)).length,
      idsMatch: stateIds.size === liveIds.size && [...stateIds].every((id) => liveIds.has(id)),
      dropped: emulator.faults.counts.dropAfterAct,
      lookups: proxy.calls.filter((c) => c.path === OPERATIONS.listSession.path).length,
      ms,
      error: ups.lastError,
    };
    await runOp(spec, { action: "destroy" });
    return result;
  });
}

async function scenarioSoak(sessions = 30, runs = 10): Promise<ScenarioReport> {
  const results: SoakRun[] = [];
  for (let run = 1; run <= runs; run++) results.push(await soakRun(run, sessions));
  const clean = (r: SoakRun) => r.orphans === 0 && r.duplicates === 0 && r.idsMatch && r.pending === 0 && r.inState === sessions;
  const passed = results.filter(clean).length;
  const firstUp = results.filter((r) => r.upResults[0] === "ok").length;
  const sum = (pick: (r: SoakRun) => number) => results.reduce((n, r) => n + pick(r), 0);
  return {
    key: "h",
    title: "Soak: lost answers on every call, the create included, each run retried as a user would",
    runs,
    sessions: `${sessions} x ${runs}`,
    orphans: String(sum((r) => r.orphans)),
    lostLabels: "-",
    retries: `${sum((r) => r.ups) - runs} extra ups`,
    calls: "-",
    verdict: passed === runs ? "pass" : "FAIL",
    lines: [
      `Emulator faults on every API path: ${SOAK_FAULTS.errorRate * 100}% HTTP ${SOAK_FAULTS.errorStatus}, ` +
        `${SOAK_FAULTS.throttleRate * 100}% HTTP 429 with \`Retry-After: ${SOAK_FAULTS.retryAfterSeconds}\`, ` +
        `${SOAK_FAULTS.resetRate * 100}% connection resets and ${SOAK_FAULTS.dropAfterActRate * 100}% answers dropped after the work was done. ` +
        `Each run: a fresh stack and emulator, \`pulumi up\` of ${sessions} sessions and, where it fails, at most ${MAX_UPS - 1} more \`up\`s. ` +
        `The truth is then read with the faults off: orphans (live sessions labelled \`${STACK_LABEL.key}=${STACK_LABEL.value}\` that the state ` +
        "does not hold), duplicates (a second live session with one create token, or two resources on one session), resources still " +
        "pending a create of unknown outcome, and whether the state's ids are exactly the live labelled sessions.",
      "",
      `**${passed} of ${runs}** runs ended clean; ${firstUp} of ${runs} succeeded in the first \`up\`.`,
      "",
      "| run | ups | answers dropped after the work | token lookups | in state | live labelled | orphans | duplicates | pending | state ids = live | wall time |",
      "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
      ...results.map(
        (r) =>
          `| ${r.run} | ${r.upResults.join(", ")} | ${r.dropped} | ${r.lookups} | ${r.inState} | ${r.live} | ${r.orphans} | ${r.duplicates} | ` +
          `${r.pending} | ${r.idsMatch ? "yes" : "**no**"} | ${seconds(r.ms)} |`,
      ),
      "",
      ...results.filter((r) => r.upResults.includes("failed")).map((r) => `- run ${r.run}, why an \`up\` failed: ${r.error ?? "(no error text)"}`),
    ],
  };
}

it(
  "every soak run under lost answers ends clean",
  async () => {
    const report = recordSection(await scenarioSoak(30, Number(process.env.RELIABILITY_SOAK_RUNS ?? 10)));
    expectPass(report);
  },
  SCENARIO_TIMEOUT_MS,
);
