import { startEmulator } from "../../emulator/startEmulator";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { sessionProviderImpl } from "../../provider/runtime/sessionProviderImpl";
import { ACCEPTED_LABELS, BAD_INPUTS } from "../../tests/fixtures/badInputs";
import { configureProviderRuntime, runBadInput } from "./runBadInput";
import { type ScenarioReport } from "./ScenarioReport";

export async function scenarioBadInput(): Promise<ScenarioReport> {
  const emulator = await startEmulator();
  try {
    configureProviderRuntime(emulator.url);
    const results = [];
    for (const c of BAD_INPUTS) results.push(await runBadInput(c));
    const requestsDuringChecks = Object.values(emulator.stats()).reduce((n, v) => n + v, 0);
    const checked = await sessionProviderImpl.check({}, { imageId: "agb-code-space-1", labels: { ...ACCEPTED_LABELS } });
    const created = await sessionProviderImpl.create(checked.inputs);
    const onWire = emulator.store.describe(created.id)?.labels ?? {};
    const { [CREATE_TOKEN_LABEL]: _token, ...rest } = onWire;
    const exact = JSON.stringify(rest) === JSON.stringify(ACCEPTED_LABELS);
    const passed = results.filter((r) => r.ok).length;
    const ok = passed === results.length && requestsDuringChecks === 0 && exact;
    return {
      key: "g",
      title: "Bad input to `check`",
      runs: 1,
      sessions: "1",
      orphans: "-",
      lostLabels: exact ? "0" : "mismatch",
      retries: "-",
      calls: `${requestsDuringChecks} during checks`,
      verdict: ok ? "pass" : "FAIL",
      lines: [
        `${results.length} bad inputs (${results.filter((r) => r.resource === "Session").length} Session, ` +
          `${results.filter((r) => r.resource === "SessionLabels").length} SessionLabels): **${passed}** gave a check failure naming the ` +
          `expected property, ${results.filter((r) => r.threw).length} threw, requests sent to the emulator: **${requestsDuringChecks}**. ` +
          `${Object.keys(ACCEPTED_LABELS).length} labels the official SDKs send (CJK, Arabic, emoji with ZWJ, NFD accents, quotes, \`=\`, commas, ` +
          `backslashes, control characters, JSON text, a 1,000-character key, a 20,000-character value) round-trip exactly ` +
          `through create + GetLabel: **${exact ? "yes" : "no"}**.`,
        "",
        "| input | property | reason given |",
        "| --- | --- | --- |",
        ...results.map(
          (r) =>
            `| ${r.resource === "SessionLabels" ? r.name : `Session: ${r.name}`} | ${r.ok ? r.expected : `**${r.properties.join(",") || r.threw}**`} | ` +
            `${r.reason.replace(/\|/g, "\\|").replace(/\n/g, " ").slice(0, 110)} |`,
        ),
      ],
    };
  } finally {
    await emulator.close();
  }
}
