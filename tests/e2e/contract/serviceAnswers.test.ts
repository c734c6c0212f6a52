/**
 * Engine contract, service-answer half: under the real CLI, one stack of two
 * sessions is taken through each answer that is not a success (a wrong base
 * path, a proxy's HTML 404 page, a 401 whose message says "session not
 * found", a 5xx, and a session really gone) for refresh, up (an update and a
 * create in one run) and destroy. After each run it checks what state and the
 * service hold: nothing is dropped from state unless the session is really
 * gone, nothing is released or left behind, and the error names the endpoint
 * and the answer's code (or status) and never carries a label value.
 */
import { startEmulator, type RunningEmulator } from "../../../emulator/startEmulator";
import { EmulatorControl } from "../../../tools/pulumi-driver/emulatorControl";
import { byPath, startRecordingProxy, type RecordingProxy } from "../../support/recordingProxy";
import type { ActionResult } from "../../../tools/pulumi-driver/stackRunner";
import type { FaultConfigInput } from "../../../emulator/faults";
import { StackFixture } from "../../support/stackFixture";
import { cleanSuite, E2E_API_KEY, PATHS, sessionResources, takeStepStats, totalCalls } from "../support/e2eSupport";

jest.setTimeout(600_000);

const SUITE = "e2e-contract-answers";
const PROJECT = "agb-e2e-contract-answers";
/** A distinctive label value: any provider error line that quotes it leaks request data. */
const MARKER = "zq-marker-7f3a9";
const LABELS = { owner: MARKER };
const CHANGED_LABELS = { owner: `${MARKER}-changed` };

let emulator: RunningEmulator;
let control: EmulatorControl;
/** In front of the emulator for the wrong-path runs: the emulator counts only the paths it serves. */
let proxy: RecordingProxy;
let stack: StackFixture;
/** Ids `up` made; every failing step must leave exactly these in state and running. */
let ids: string[] = [];
const figures: string[] = [];

beforeAll(async () => {
  cleanSuite(SUITE, PROJECT);
  emulator = await startEmulator({ apiKey: E2E_API_KEY, defaultIdleSeconds: 3600, maxLifetimeSeconds: 7200 });
  control = new EmulatorControl(emulator.url);
  proxy = await startRecordingProxy(emulator.url);
  stack = new StackFixture({
    suite: SUITE,
    project: PROJECT,
    example: "basic",
    stack: "answers",
    config: baseConfig(),
    secretConfig: { "agb:apiKey": E2E_API_KEY },
  });
});
afterAll(async () => {
  if (figures.length > 0) process.stdout.write(`serviceAnswers figures:\n${figures.join("\n")}\n`);
  await proxy?.close();
  await emulator?.close();
});

function baseConfig(): Record<string, string> {
  return { "agb:endpoint": emulator.url, sessionCount: "2", labels: JSON.stringify(LABELS) };
}

/** Session ids in state, sorted. */
async function stateIds(): Promise<string[]> {
  return sessionResources((await stack.runOk("export")).exported)
    .map((r) => r.id ?? "")
    .sort();
}

async function liveIds(): Promise<string[]> {
  return (await control.liveSessions()).map((s) => s.sessionId).sort();
}

/** The lines of a failed run that carry the provider's error. */
function providerErrorLines(result: ActionResult): string[] {
  return `${result.error ?? ""}\n${result.log}`.split("\n").filter((line) => /AGB \w+ failed/.test(line));
}

/**
 * Runs `action` expecting it to fail, then checks the contract: state and the
 * service hold exactly the sessions they held before, with their labels
 * unchanged, and the error names `mustName` (endpoint, code or status) and no label value.
 */
async function expectFailsKeepingEverything(
  label: string,
  action: "refresh" | "up" | "destroy",
  mustName: (string | RegExp)[],
): Promise<ActionResult> {
  await takeStepStats(control);
  proxy.calls.length = 0;
  const result = await stack.run(action);
  const calls = { ...byPath(proxy.calls), ...(await takeStepStats(control)) };
  figures.push(`| ${label} | ${action} | ${result.ms} ms | ${totalCalls(calls)} calls ${JSON.stringify(calls)} |`);
  expect(result.ok).toBe(false);
  const lines = providerErrorLines(result);
  expect(lines.length).toBeGreaterThan(0);
  const text = lines.join("\n");
  for (const needle of mustName) {
    if (typeof needle === "string") expect(text).toContain(needle);
    else expect(text).toMatch(needle);
  }
  expect(text).not.toContain(MARKER);
  expect(await stateIds()).toEqual(ids);
  expect(await liveIds()).toEqual(ids);
  for (const id of ids) {
    expect(emulator.store.describe(id)).toMatchObject({ status: "RUNNING", labels: { owner: MARKER } });
  }
  // No session made either: a failed create leaves no orphan.
  expect(emulator.store.all().map((s) => s.sessionId).sort()).toEqual(ids);
  return result;
}

/** refresh, then up with a label change and a third session, then destroy: each must fail and keep everything. */
async function everyActionFails(label: string, mustName: (string | RegExp)[]): Promise<void> {
  await expectFailsKeepingEverything(label, "refresh", mustName);
  stack.setConfig({ labels: JSON.stringify(CHANGED_LABELS), sessionCount: "3" });
  await expectFailsKeepingEverything(label, "up", mustName);
  stack.setConfig({ labels: JSON.stringify(LABELS), sessionCount: "2" });
  await expectFailsKeepingEverything(label, "destroy", mustName);
}

/** Sets agb:endpoint and records it in state with an up that changes nothing and calls nothing. */
async function recordEndpoint(endpoint: string): Promise<void> {
  stack.setConfig({ "agb:endpoint": endpoint });
  await takeStepStats(control);
  proxy.calls.length = 0;
  const up = await stack.runOk("up");
  expect(up.changes).toEqual({ same: 3 });
  expect(await takeStepStats(control)).toEqual({});
  expect(proxy.calls).toEqual([]);
}

async function withFaults(faults: FaultConfigInput, body: () => Promise<void>): Promise<void> {
  await control.setFaults(faults);
  try {
    await body();
  } finally {
    await control.reset("faults");
  }
}

describe("service answers that are not a success, under the real CLI", () => {
  test("up makes the two sessions", async () => {
    const up = await stack.runOk("up");
    expect(up.changes).toEqual({ create: 3 });
    ids = (up.outputs.sessionIds as string[]).slice().sort();
    expect(await liveIds()).toEqual(ids);
  });

  test("a wrong base path (an envelope 404, code NotFound.Operation): refresh, up and destroy fail fast, nothing dropped", async () => {
    // refresh and destroy use the provider configuration recorded in state: a no-change up records the new endpoint (no API call).
    await recordEndpoint(`${proxy.url}/wrong/base`);
    try {
      await everyActionFails("wrong base path", [`endpoint ${proxy.url}/wrong/base`, "code NotFound.Operation", "HTTP 404", "agb:endpoint"]);
    } finally {
      await recordEndpoint(emulator.url);
    }
  });

  test("a proxy's HTML 404 page: every action fails naming the endpoint and status; no label value is quoted", async () => {
    await withFaults({ errorRate: 1, errorStatus: 404, errorBody: "html" }, () =>
      everyActionFails("HTML 404 page", [`endpoint ${emulator.url}`, "HTTP 404", "non-JSON answer"]),
    );
  });

  test("a 401 whose message says the session is not found: an auth failure, fast, not a session gone", async () => {
    await withFaults({ errorRate: 1, errorStatus: 401, errorCode: "Unauthorized", errorMessage: "session not found" }, async () => {
      await everyActionFails("401 'session not found'", [`endpoint ${emulator.url}`, "code Unauthorized", "HTTP 401", "agb:apiKey"]);
    });
  });

  test("a 5xx on every call: retried within the budget, then every action fails, nothing dropped", async () => {
    await withFaults({ errorRate: 1, errorStatus: 503, paths: [PATHS.getSession, PATHS.getLabel, PATHS.setLabel, PATHS.releaseSessionAsync] }, async () => {
      await expectFailsKeepingEverything("5xx", "refresh", [`endpoint ${emulator.url}`, "code ServiceUnavailable", "HTTP 503"]);
      stack.setConfig({ labels: JSON.stringify(CHANGED_LABELS) });
      await expectFailsKeepingEverything("5xx", "up", [`endpoint ${emulator.url}`, "code ServiceUnavailable", "HTTP 503"]);
      stack.setConfig({ labels: JSON.stringify(LABELS) });
      await expectFailsKeepingEverything("5xx", "destroy", [`endpoint ${emulator.url}`, "code ServiceUnavailable", "HTTP 503"]);
    });
  });

  test("after all that, a refresh on the healthy service reports nothing changed (no resourceUrl drift)", async () => {
    await takeStepStats(control);
    const refresh = await stack.runOk("refresh");
    expect(refresh.changes).toEqual({ same: 3 });
    const exported = (await stack.runOk("export")).exported ?? "";
    expect(exported).not.toMatch(/authcode/i);
    const again = await stack.runOk("up");
    expect(again.changes).toEqual({ same: 3 });
  });

  test("a session really gone: refresh drops only it, an update of a gone one fails saying so, destroy ends with nothing left", async () => {
    const [gone, kept] = ids;
    emulator.store.expire(gone);
    const refresh = await stack.runOk("refresh");
    expect(refresh.changes).toMatchObject({ delete: 1 });
    expect(await stateIds()).toEqual([kept]);
    expect(await liveIds()).toEqual([kept]);

    // The next up re-creates the dropped one; the other expires meanwhile, so its label update meets a gone session.
    emulator.store.expire(kept);
    stack.setConfig({ labels: JSON.stringify(CHANGED_LABELS) });
    const up = await stack.run("up");
    expect(up.ok).toBe(false);
    expect(`${up.error ?? ""}\n${up.log}`).toContain(`session ${kept} no longer exists`);
    const afterUp = await stateIds();
    expect(afterUp).toContain(kept);
    expect(afterUp).toHaveLength(2);
    const remade = afterUp.find((id) => id !== kept) as string;
    expect(await liveIds()).toEqual([remade]);

    await takeStepStats(control);
    const destroy = await stack.runOk("destroy");
    const calls = await takeStepStats(control);
    figures.push(`| session gone | destroy | ${destroy.ms} ms | ${totalCalls(calls)} calls ${JSON.stringify(calls)} |`);
    expect(await stateIds()).toEqual([]);
    expect(await liveIds()).toEqual([]);
    expect(calls[PATHS.releaseSessionAsync]).toBe(2);
  });
});
