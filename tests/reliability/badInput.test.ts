import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { ACCEPTED_LABELS, BAD_INPUTS } from "../fixtures/badInputs";
import { configureProviderRuntime, runBadInput, type BadInputResult } from "./support/runBadInput";
import { recordSection } from "./support/scenarioKit";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { sessionProviderImpl } from "../../provider/runtime/sessionProviderImpl";
import { sessionLabelsProviderImpl } from "../../provider/runtime/sessionLabelsProviderImpl";

let emulator: RunningEmulator;
/** What the report's section (g) states: each case's result, requests sent during the checks, the round trip. */
const results: BadInputResult[] = [];
let requestsDuringChecks = -1;
let exact = false;

beforeAll(async () => {
  emulator = await startEmulator();
  configureProviderRuntime(emulator.url);
});
afterAll(async () => {
  recordSection(badInputSection(results, requestsDuringChecks, exact));
  await emulator?.close();
});

function badInputSection(results: BadInputResult[], requestsDuringChecks: number, exact: boolean) {
  const passed = results.filter((r) => r.ok).length;
  const ok = passed === BAD_INPUTS.length && requestsDuringChecks === 0 && exact;
  return {
    key: "g",
    title: "Bad input to `check`",
    runs: 1,
    sessions: "1",
    orphans: "-",
    lostLabels: exact ? "0" : "mismatch",
    retries: "-",
    calls: `${requestsDuringChecks} during checks`,
    verdict: ok ? ("pass" as const) : ("FAIL" as const),
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
}

/** GetLabel straight from the wire, decoded strictly: no client code between the service and the test. */
async function rawLabels(sessionId: string): Promise<Record<string, string>> {
  const response = await fetch(`${emulator.url}/sdk/GetLabel?sessionId=${encodeURIComponent(sessionId)}`);
  const envelope = (await response.json()) as { success: boolean; data: { labels: string } };
  expect(envelope.success).toBe(true);
  return JSON.parse(envelope.data.labels) as Record<string, string>;
}

describe("check refuses bad input before any request", () => {
  it("has a table of at least 30 bad inputs, Session and SessionLabels", () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
    expect(BAD_INPUTS.some((c) => c.resource === "SessionLabels")).toBe(true);
  });

  it.each(BAD_INPUTS.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const before = JSON.stringify(emulator.stats());
    const result = await runBadInput(c);
    results.push(result);
    expect(result.threw).toBeUndefined();
    expect(result.properties).toContain(c.property);
    expect(result.reason.length).toBeGreaterThan(0);
    expect(result.ok).toBe(true);
    expect(JSON.stringify(emulator.stats())).toBe(before);
  });

  it("sent no request at all for the whole table", () => {
    requestsDuringChecks = Object.values(emulator.stats()).reduce((n, v) => n + v, 0);
    expect(emulator.stats()).toEqual({});
  });
});

describe("labels the SDKs send (Unicode, quotes, =, commas, backslashes, control characters, long keys and values) round-trip exactly", () => {
  it("create + GetLabel gives back every key and value unchanged", async () => {
    const checked = await sessionProviderImpl.check({}, { imageId: "agb-code-space-1", labels: { ...ACCEPTED_LABELS } });
    expect(checked.failures ?? []).toEqual([]);
    const created = await sessionProviderImpl.create(checked.inputs);
    const onWire = await rawLabels(created.id);
    const { [CREATE_TOKEN_LABEL]: token, ...rest } = onWire;
    expect(typeof token).toBe("string");
    expect(rest).toEqual(ACCEPTED_LABELS);
    // Byte-exact: no normalisation (NFC/NFD), no trimming, no escaping left behind.
    for (const [key, value] of Object.entries(ACCEPTED_LABELS)) {
      expect(Buffer.from(onWire[key], "utf8").equals(Buffer.from(value, "utf8"))).toBe(true);
    }
    // And through the provider's own read path.
    const read = await sessionProviderImpl.read(created.id, created.outs ?? {});
    expect((read.props as { labels: Record<string, string> }).labels).toEqual(ACCEPTED_LABELS);
    // The report's verdict is these assertions' (it compared JSON text once, which depends on key order, and said
    // "mismatch" for labels that matched); only a run that got here says they round-trip.
    exact = true;
  });

  it("update to other Unicode labels keeps them exact too", async () => {
    const first = await sessionProviderImpl.check({}, { imageId: "agb-code-space-1", labels: { 环境: "测试" } });
    const created = await sessionProviderImpl.create(first.inputs);
    const next = await sessionProviderImpl.check(first.inputs, { imageId: "agb-code-space-1", labels: { ...ACCEPTED_LABELS } });
    await sessionProviderImpl.update(created.id, created.outs ?? {}, next.inputs);
    const { [CREATE_TOKEN_LABEL]: _token, ...rest } = await rawLabels(created.id);
    expect(rest).toEqual(ACCEPTED_LABELS);
  });

  it("SessionLabels writes Unicode keys on a foreign session exactly", async () => {
    const created = await sessionProviderImpl.create(
      (await sessionProviderImpl.check({}, { imageId: "agb-code-space-1", labels: { owner: "其他系统" } })).inputs,
    );
    const mine = { "团队": "平台", "é-accent": "ça va ✓" };
    const checked = await sessionLabelsProviderImpl.check({}, { sessionId: created.id, labels: mine });
    expect(checked.failures ?? []).toEqual([]);
    await sessionLabelsProviderImpl.create(checked.inputs);
    const { [CREATE_TOKEN_LABEL]: _token, ...rest } = await rawLabels(created.id);
    expect(rest).toEqual({ owner: "其他系统", ...mine });
  });
});
