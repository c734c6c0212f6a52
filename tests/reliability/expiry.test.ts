import { isReleasedStatus } from "../../wire/sessionStatus";
import { compareWithEmulator, errorExcerpt, exportState, freshStack, stateSessions, withConfig, withEmulator, recordSection, SCENARIO_TIMEOUT_MS } from "./support/scenarioKit";
import { expectPass } from "./support/expectPass";
import { runStackAction as runOp } from "../../tools/pulumi-driver/runStackAction";
import { type ScenarioReport, truthLine } from "./support/ScenarioReport";

async function scenarioExpiry(): Promise<ScenarioReport> {
  return withEmulator({}, async (emulator) => {
    const base = freshStack("d-expiry", emulator.url, { sessionCount: "3" });
    const first = await runOp(base, { action: "up" });
    const changed = withConfig(base, { labels: JSON.stringify({ tier: "gold" }) });
    const preview = await runOp(changed, { action: "preview" });
    const before = stateSessions((await exportState(base)).deployment);
    const victim = before.find((s) => s.urn.endsWith("::worker-1")) ?? before[0];
    await fetch(`${emulator.url}/_emulator/expire?sessionId=${encodeURIComponent(victim.id)}`, { method: "POST" });
    const up = await runOp(changed, { action: "up" });
    const afterUp = compareWithEmulator((await exportState(changed)).deployment, emulator);
    const message = errorExcerpt(up, 900);
    const namesSession = message.includes(victim.id);
    const saysRefresh = /refresh/i.test(message);
    const refresh = await runOp(changed, { action: "refresh" });
    const up2 = await runOp(changed, { action: "up" });
    const final = compareWithEmulator((await exportState(changed)).deployment, emulator);
    const liveLabelsOk = final.lostLabels === 0 && emulator.store.all().filter((s) => !isReleasedStatus(s.status)).every((s) => s.labels.tier === "gold");
    const clear = !up.ok && namesSession && saysRefresh;
    const ok = first.ok && preview.ok && clear && afterUp.lostLabels === 0 && refresh.ok && up2.ok && liveLabelsOk && final.orphans.length === 0;
    return {
      key: "d",
      title: "Session expiry between preview and update",
      runs: 1,
      sessions: `${final.inState}/3`,
      orphans: String(final.orphans.length),
      lostLabels: String(afterUp.lostLabels + final.lostLabels),
      retries: "-",
      calls: "-",
      verdict: ok ? "pass" : "FAIL",
      lines: [
        `\`up\` of 3 sessions, then \`preview\` of a label change (\`tier: gold\`): ${preview.ok ? "ok" : "failed"} ${JSON.stringify(preview.changes)}. ` +
          `Session ${victim.id} (worker-1) then expired on the emulator, and \`up\` ran:`,
        "",
        `- \`up\` ${up.ok ? "**succeeded**" : "failed, as it should"} ${JSON.stringify(up.changes)}; the error names the session: **${namesSession ? "yes" : "no"}**, ` +
          `says to refresh: **${saysRefresh ? "yes" : "no"}**`,
        `- error: \`${message.replace(/`/g, "'")}\``,
        `- right after: ${truthLine(afterUp)} (the other sessions got the new labels; the expired one is reported, not silently dropped)`,
        `- \`pulumi refresh\`: ${refresh.ok ? "ok" : "failed"} ${JSON.stringify(refresh.changes)}; \`pulumi up\`: ${up2.ok ? "ok" : `failed: ${errorExcerpt(up2)}`} ${JSON.stringify(up2.changes)}`,
        `- final: ${truthLine(final)}; every live session carries \`tier: gold\`: **${liveLabelsOk ? "yes" : "no"}**`,
      ],
    };
  });
}

it(
  "a session expired between preview and up fails the up loudly, and refresh + up repair it",
  async () => {
    const report = recordSection(await scenarioExpiry());
    expectPass(report);
  },
  SCENARIO_TIMEOUT_MS,
);
