/**
 * Under the real CLI: a create whose answer is lost while every token lookup
 * fails for the whole retry budget. `pulumi up` fails saying the outcome is
 * unknown and keeps the resource under a pending-create id; then, with the
 * service healthy again, `up` (or `refresh`, or `destroy`) ends with no orphan
 * and no duplicate.
 */
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { EmulatorControl } from "../../tools/pulumi-driver/emulatorControl";
import { PENDING_ID_PREFIX } from "../../provider/runtime/pendingCreate";
import { CREATE_TOKEN_LABEL } from "pulumi-agb";
import { StackFixture } from "../support/stackFixture";
import { cleanSuite, E2E_API_KEY, PATHS, sessionResources, takeStepStats } from "./support/e2eSupport";

jest.setTimeout(300_000);

const SUITE = "e2e-unknown-create";
const PROJECT = "agb-e2e-unknown-create";

let emulator: RunningEmulator;
let control: EmulatorControl;

beforeAll(async () => {
  cleanSuite(SUITE, PROJECT);
  emulator = await startEmulator({ apiKey: E2E_API_KEY, defaultIdleSeconds: 3600, maxLifetimeSeconds: 7200 });
  control = new EmulatorControl(emulator.url);
});
afterAll(() => emulator?.close());

function stack(name: string): StackFixture {
  return new StackFixture({
    suite: SUITE,
    project: PROJECT,
    example: "basic",
    stack: name,
    config: { "agb:endpoint": emulator.url, sessionCount: "1" },
    secretConfig: { "agb:apiKey": E2E_API_KEY },
  });
}

/** `up` while the create's answer is lost and ListSession fails for longer than the provider's budget. */
async function failedUp(fixture: StackFixture): Promise<{ token: string; madeId: string }> {
  await control.reset("all");
  await control.setFaults({
    script: [
      { path: PATHS.createSession, kind: "dropAfterAct" },
      ...Array.from({ length: 400 }, () => ({ path: PATHS.listSession, kind: "status" as const, status: 503 })),
    ],
  });
  const up = await fixture.run("up");
  await control.reset("faults");
  expect(up.ok).toBe(false);
  const text = `${up.error ?? ""}\n${up.log}`;
  expect(text).toMatch(/may have created the session, but no answer came and it could not be looked up \(create token [0-9a-f-]{36}\)/);
  const [resource] = sessionResources((await fixture.runOk("export")).exported);
  expect(resource.id?.startsWith(PENDING_ID_PREFIX)).toBe(true);
  const token = resource.id!.slice(PENDING_ID_PREFIX.length);
  const live = await control.liveSessions();
  expect(live.map((s) => s.labels[CREATE_TOKEN_LABEL])).toEqual([token]);
  await takeStepStats(control);
  return { token, madeId: live[0].sessionId };
}

async function stateIds(fixture: StackFixture): Promise<string[]> {
  return sessionResources((await fixture.runOk("export")).exported).map((r) => r.id ?? "");
}

test("the next up releases what the token found and creates the session again: one live session, the one in state", async () => {
  const fixture = stack("next-up");
  const { madeId } = await failedUp(fixture);

  const preview = await fixture.runOk("preview");
  expect(preview.changes).toMatchObject({ replace: 1 });
  const up = await fixture.runOk("up");
  expect(up.changes).toMatchObject({ replace: 1 });
  const live = await control.liveSessions();
  expect(live).toHaveLength(1);
  expect(await stateIds(fixture)).toEqual([live[0].sessionId]);
  expect(live[0].sessionId).not.toBe(madeId);
  const stats = await takeStepStats(control);
  expect(stats[PATHS.createSession]).toBe(1);
  expect(stats[PATHS.releaseSessionAsync]).toBe(1);

  expect((await fixture.runOk("up")).changes).toEqual({ same: 2 });
  await fixture.runOk("destroy");
  expect(await control.liveSessions()).toHaveLength(0);
});

test("refresh adopts the session the token finds, after which up changes nothing", async () => {
  const fixture = stack("refresh");
  const { madeId } = await failedUp(fixture);

  await fixture.runOk("refresh");
  expect(await stateIds(fixture)).toEqual([madeId]);
  const up = await fixture.runOk("up");
  expect(up.changes).toEqual({ same: 2 });
  expect((await control.liveSessions()).map((s) => s.sessionId)).toEqual([madeId]);
  await fixture.runOk("destroy");
  expect(await control.liveSessions()).toHaveLength(0);
});

test("destroy releases the session a pending create made", async () => {
  const fixture = stack("destroy");
  await failedUp(fixture);

  await fixture.runOk("destroy");
  expect(await control.liveSessions()).toHaveLength(0);
  expect(await stateIds(fixture)).toEqual([]);
});
