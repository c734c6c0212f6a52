/**
 * The stack under the real Pulumi CLI against each way AGB is shown (or may
 * be) to behave: labels the SDKs send round-trip on the emulator's defaults;
 * release answered in PascalCase inside `body` with DELETING then DELETED;
 * a stricter service's refusal reaching the user as a clear error.
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator/startEmulator";
import { EmulatorControl } from "../../tools/pulumi-driver/emulatorControl";
import { AgbClient, CREATE_TOKEN_LABEL } from "pulumi-agb";
import { StackFixture } from "../support/stackFixture";
import { cleanSuite, E2E_API_KEY, PATHS, takeStepStats } from "./support/e2eSupport";

jest.setTimeout(300_000);

const PROJECT = "agb-e2e-fidelity";
const BASE_LABELS = { project: "demo", environment: "dev" };

/** Keys and values the official SDKs send without complaint. */
const SDK_LABELS: Record<string, string> = {
  'quote"key': 'say "hi"',
  "k=v,x": "a=b,c=d",
  "back\\slash": "C:\\temp\\",
  " spaced key ": " spaced value ",
  "環境": "本番 🚀",
  "ключ": "значение",
  long: "v".repeat(3000),
  ...Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`many-${i}`, `value-${i}`])),
};

interface Harness {
  emulator: RunningEmulator;
  control: EmulatorControl;
  stack: StackFixture;
}

async function startHarness(suite: string, stackName: string, options: EmulatorOptions, labels: Record<string, string>, count = 2): Promise<Harness> {
  cleanSuite(suite, PROJECT);
  const emulator = await startEmulator({ apiKey: E2E_API_KEY, defaultIdleSeconds: 3600, maxLifetimeSeconds: 7200, ...options });
  const stack = new StackFixture({
    suite,
    project: PROJECT,
    example: "basic",
    stack: stackName,
    config: { "agb:endpoint": emulator.url, sessionCount: String(count), labels: JSON.stringify(labels) },
    secretConfig: { "agb:apiKey": E2E_API_KEY },
  });
  return { emulator, control: new EmulatorControl(emulator.url), stack };
}

describe("labels the SDKs send, on the emulator's defaults", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("e2e-fidelity-labels", "labels", {}, SDK_LABELS);
  });
  afterAll(() => h?.emulator.close());

  test("pulumi up creates them exactly, a second up changes nothing, destroy releases", async () => {
    const up = await h.stack.runOk("up");
    expect(up.changes).toEqual({ create: 3 });
    const live = await h.control.liveSessions();
    expect(live).toHaveLength(2);
    for (const session of live) {
      const { [CREATE_TOKEN_LABEL]: token, ...labels } = session.labels;
      expect(typeof token).toBe("string");
      expect(labels).toEqual({ ...BASE_LABELS, ...SDK_LABELS });
    }
    await takeStepStats(h.control);

    const again = await h.stack.runOk("up");
    expect(again.changes).toEqual({ same: 3 });
    const refreshed = await h.stack.runOk("refresh");
    expect(refreshed.changes).toEqual({ same: 3 });
    const third = await h.stack.runOk("up");
    expect(third.changes).toEqual({ same: 3 });

    await h.stack.runOk("destroy");
    expect(await h.control.liveSessions()).toHaveLength(0);
  });
});

describe("a service that answers release in PascalCase inside body, and reports DELETING, then DELETED", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(
      "e2e-fidelity-release",
      "release",
      { releaseAnswer: "body-pascal", releasedStatus: "DELETED", deletingSeconds: 3600 },
      {},
      3,
    );
  });
  afterAll(() => h?.emulator.close());

  test("up, a session released outside Pulumi is dropped by refresh while DELETING, and destroy succeeds", async () => {
    const up = await h.stack.runOk("up");
    const ids = up.outputs.sessionIds as string[];
    expect(ids).toHaveLength(3);

    const client = new AgbClient({ endpoint: h.emulator.url, apiKey: E2E_API_KEY });
    await client.releaseSessionAsync(ids[0]);
    expect(h.emulator.store.describe(ids[0])?.status).toBe("DELETING");
    const refresh = await h.stack.runOk("refresh");
    expect(refresh.changes).toMatchObject({ delete: 1, same: 3 });

    await takeStepStats(h.control);
    const destroy = await h.stack.runOk("destroy");
    expect(destroy.changes).toEqual({ delete: 3 });
    const stats = await takeStepStats(h.control);
    expect(stats[PATHS.releaseSessionAsync]).toBe(2);
    // DELETING counts as released: one status poll per session, not a wait for the service to forget it.
    expect(stats[PATHS.getSessionInfo]).toBe(2);
    for (const id of ids) expect(h.emulator.store.describe(id)?.status).toBe("DELETING");
  });
});

describe("a service stricter than the SDKs (emulator --label-limits)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("e2e-fidelity-strict", "strict", { labelLimits: { maxLabels: 4 } }, { team: "core", owner: "qa" }, 1);
  });
  afterAll(() => h?.emulator.close());

  test("its refusal fails pulumi up naming the resource, the property, the service's code and message and the request id", async () => {
    const failed = await h.stack.run("up");
    expect(failed.ok).toBe(false);
    const text = `${failed.error ?? ""}\n${failed.log}`;
    expect(text).toContain("worker-0");
    expect(text).toMatch(/labels: could not create the session: AGB createSession failed: too many labels: 5, at most 4/);
    expect(text).toMatch(/code InvalidParameter\.Labels; request id [0-9a-f-]{36}/);
    expect(await h.control.liveSessions()).toHaveLength(0);
  });

  test("the same limit in agb:labelPolicy fails in preview with no request sent", async () => {
    h.stack.setConfig({ "agb:labelPolicy": JSON.stringify({ maxLabels: 4 }) });
    await takeStepStats(h.control);
    const preview = await h.stack.run("preview");
    expect(preview.ok).toBe(false);
    expect(`${preview.error ?? ""}\n${preview.log}`).toContain("rule maxLabels: 5 labels (4 declared, plus the provider's create-token label)");
    expect(await takeStepStats(h.control)).toEqual({});
  });
});
