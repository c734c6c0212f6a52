import { OPERATIONS } from "../../wire/protocol";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { compareWithEmulator, errorExcerpt, exportState, freshStack, seconds, withEmulator, recordSection, SCENARIO_TIMEOUT_MS } from "./support/scenarioKit";
import { expectPass } from "./support/expectPass";
import { byPath, faulted, pathTable } from "../support/recordingProxy";
import { runStackAction as runOp } from "../../tools/pulumi-driver/runStackAction";
import { type ScenarioReport, truthLine } from "./support/ScenarioReport";

async function scenarioDropAfterCreate(sessions = 20): Promise<ScenarioReport> {
  return withEmulator({ faults: { dropAfterActRate: 0.3, paths: [OPERATIONS.createSession.path], seed: 3 } }, async (emulator, proxy) => {
    const spec = freshStack("a-drop-after-create", proxy.url, { sessionCount: String(sessions) });
    const up = await runOp(spec, { action: "up" });
    const truth = compareWithEmulator((await exportState(spec)).deployment, emulator);
    const upCalls = [...proxy.calls];
    const drops = emulator.faults.counts.dropAfterAct;
    const destroy = await runOp(spec, { action: "destroy" });
    const liveAfterDestroy = emulator.store.liveCount();
    const ok = up.ok && truth.orphans.length === 0 && truth.inState === sessions && truth.live === sessions && truth.lostLabels === 0;
    return {
      key: "a",
      title: "Orphan-proof create: the connection drops after AGB created the session",
      runs: 1,
      sessions: `${truth.inState}/${sessions}`,
      orphans: String(truth.orphans.length),
      lostLabels: String(truth.lostLabels),
      retries: `${faulted(upCalls)} answers lost`,
      calls: String(upCalls.length),
      verdict: ok && destroy.ok && liveAfterDestroy === 0 ? "pass" : "FAIL",
      lines: [
        `Emulator: \`dropAfterActRate 0.3\` on \`${OPERATIONS.createSession.path}\` only (the session is made, then the connection is cut before the answer). ` +
          `\`pulumi up\` of ${sessions} sessions: **${up.ok ? "succeeded" : "failed"}** in ${seconds(up.ms)}.`,
        "",
        `- answers lost after the session was made: **${drops}**; each was found again by its \`${CREATE_TOKEN_LABEL}\` label ` +
          `(ListSession calls: ${byPath(upCalls)[OPERATIONS.listSession.path] ?? 0}) and adopted, not created twice`,
        `- ${truthLine(truth)}`,
        `- \`pulumi destroy\` afterwards: ${destroy.ok ? "succeeded" : `failed: ${errorExcerpt(destroy)}`}; live sessions left: **${liveAfterDestroy}**`,
        "",
        ...pathTable(upCalls),
        ...(up.ok ? [] : ["", `Error: ${errorExcerpt(up)}`]),
      ],
    };
  });
}

it(
  "a connection dropped after AGB created the session leaves no orphan and no duplicate",
  async () => {
    const report = recordSection(await scenarioDropAfterCreate(20));
    expectPass(report);
  },
  SCENARIO_TIMEOUT_MS,
);
