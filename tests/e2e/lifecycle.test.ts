/**
 * The whole life of a stack of sessions under the real Pulumi CLI, against the
 * emulator: every step asserts the stack's resource changes, the emulator's
 * per-operation call counts and what the emulator really holds.
 * Run `npx tsc -p .` first (the CLI runs the compiled example, examples/basic).
 */
import { mutatingCalls } from "../../tools/pulumi-driver/emulatorControl";
import type { ActionResult } from "../../tools/pulumi-driver/stackRunner";
import { AgbClient, AgbAuthError } from "pulumi-agb";
import { StackFixture } from "../support/stackFixture";
import { useE2eEmulator } from "./support/useE2eEmulator";
import {
  E2E_API_KEY,
  filesContaining,
  mutatingCounts,
  PATHS,
  sessionResources,
  suitePaths,
  totalCalls,
  unwrap,
  runRecorded,
  takeStepStats,
  isSecretEnvelope,
} from "./support/e2eSupport";

jest.setTimeout(300_000);

const SUITE = "e2e-lifecycle";
const PROJECT = "agb-e2e-lifecycle";
const e2e = useE2eEmulator(SUITE, [PROJECT]);
const N = 5;
const BASE_LABELS = { project: "demo", environment: "dev" };

let stack: StackFixture;
/** Every CLI run of the suite, checked at the end for the API key. */
const results: ActionResult[] = [];
/** Session ids as of the last step that changed them. */
let ids: string[] = [];

const run = (action: Parameters<StackFixture["runOk"]>[0]) => runRecorded(stack, results, action);

const stepStats = () => takeStepStats(e2e.control);

async function liveById(): Promise<Map<string, { imageId: string; labels: Record<string, string> }>> {
  return new Map((await e2e.control.liveSessions()).map((s) => [s.sessionId, s]));
}

function outputIds(result: ActionResult): string[] {
  return result.outputs.sessionIds as string[];
}

beforeAll(async () => {
  stack = new StackFixture({
    suite: SUITE,
    project: PROJECT,
    example: "basic",
    stack: "lifecycle",
    config: { "agb:endpoint": e2e.emulator.url, sessionCount: String(N), labels: JSON.stringify({ team: "core" }) },
    secretConfig: { "agb:apiKey": E2E_API_KEY },
  });
});


test("the emulator really demands the API key", async () => {
  await expect(new AgbClient({ endpoint: e2e.emulator.url, retry: { maxAttempts: 1 } }).listSessions()).rejects.toBeInstanceOf(
    AgbAuthError,
  );
  await e2e.control.reset("stats");
});

test(`up of ${N} labelled sessions: ${N} createSession, no SetLabel`, async () => {
  const up = await run("up");
  const stats = await stepStats();

  expect(up.changes).toEqual({ create: N + 1 }); // the sessions and the stack
  expect(mutatingCounts(stats)).toEqual({
    [PATHS.createSession]: N,
    [PATHS.setLabel]: 0,
    [PATHS.releaseSessionAsync]: 0,
    [PATHS.releaseSession]: 0,
  });
  ids = outputIds(up);
  expect(new Set(ids).size).toBe(N);
  const live = await liveById();
  expect([...live.keys()].sort()).toEqual([...ids].sort());
  for (const id of ids) {
    expect(live.get(id)?.labels).toMatchObject({ ...BASE_LABELS, team: "core" });
    expect(live.get(id)?.imageId).toBe("agb-code-space-1");
  }
});

test("a label edit previews as an update (not a replace) and costs one SetLabel per session", async () => {
  stack.setConfig({ labels: JSON.stringify({ team: "edge" }) });
  const preview = await run("preview");
  expect(preview.changes).toEqual({ update: N, same: 1 });
  expect(preview.changes.replace).toBeUndefined();
  expect(mutatingCalls(await stepStats())).toBe(0);

  const up = await run("up");
  const stats = await stepStats();
  expect(up.changes).toEqual({ update: N, same: 1 });
  expect(mutatingCounts(stats)).toEqual({
    [PATHS.createSession]: 0,
    [PATHS.setLabel]: N,
    [PATHS.releaseSessionAsync]: 0,
    [PATHS.releaseSession]: 0,
  });
  expect(outputIds(up)).toEqual(ids);
  const live = await liveById();
  for (const id of ids) expect(live.get(id)?.labels).toMatchObject({ ...BASE_LABELS, team: "edge" });
});

test("up with nothing changed makes no mutating call", async () => {
  const up = await run("up");
  const stats = await stepStats();
  expect(up.changes).toEqual({ same: N + 1 });
  expect(mutatingCounts(stats)).toEqual({
    [PATHS.createSession]: 0,
    [PATHS.setLabel]: 0,
    [PATHS.releaseSessionAsync]: 0,
    [PATHS.releaseSession]: 0,
  });
  // Nothing is read either: an unchanged up never asks the service.
  expect(totalCalls(stats)).toBe(0);
});

test("a label changed through the API: refresh records it, the next up restores it with one SetLabel", async () => {
  const target = ids[0];
  const before = await e2e.client.getLabels(target);
  await e2e.client.setLabels(target, { ...before, team: "rogue" });
  await e2e.control.reset("stats");

  const refresh = await run("refresh");
  const stats = await stepStats();
  expect(refresh.changes).toEqual({ update: 1, same: N });
  expect(mutatingCalls(stats)).toBe(0);
  expect(stats[PATHS.getSession] ?? 0).toBeLessThanOrEqual(N);
  expect(stats[PATHS.getLabel] ?? 0).toBeLessThanOrEqual(N);
  expect(totalCalls(stats)).toBeLessThanOrEqual(2 * N);

  const exported = await run("export");
  const byId = new Map(sessionResources(exported.exported).map((r) => [r.id, r]));
  const drifted = byId.get(target);
  expect(unwrap<Record<string, string>>(drifted?.outputs.labels)).toMatchObject({ team: "rogue" });
  // Always secret (it holds labels others wrote): not readable without --show-secrets.
  expect(isSecretEnvelope(drifted?.outputs.effectiveLabels)).toBe(true);
  expect(unwrap<Record<string, string>>(drifted?.inputs.labels)).toMatchObject({ team: "rogue" });
  for (const id of ids.slice(1)) {
    expect(unwrap<Record<string, string>>(byId.get(id)?.outputs.labels)).toMatchObject({ team: "edge" });
  }
  await e2e.control.reset("stats");

  const up = await run("up");
  const upStats = await stepStats();
  expect(up.changes).toEqual({ update: 1, same: N });
  expect(mutatingCounts(upStats)).toEqual({
    [PATHS.createSession]: 0,
    [PATHS.setLabel]: 1,
    [PATHS.releaseSessionAsync]: 0,
    [PATHS.releaseSession]: 0,
  });
  expect((await liveById()).get(target)?.labels).toMatchObject({ ...BASE_LABELS, team: "edge" });
});

test("a session expired out of band: refresh drops it from state, the next up creates it again", async () => {
  const expired = ids[N - 1];
  await e2e.control.expire(expired);
  await e2e.control.reset("stats");

  const refresh = await run("refresh");
  const stats = await stepStats();
  expect(refresh.changes).toEqual({ delete: 1, same: N });
  expect(mutatingCalls(stats)).toBe(0);
  expect(totalCalls(stats)).toBeLessThanOrEqual(2 * N);
  const exported = await run("export");
  const stateIds = sessionResources(exported.exported).map((r) => r.id);
  expect(stateIds).toHaveLength(N - 1);
  expect(stateIds).not.toContain(expired);
  await e2e.control.reset("stats");

  const up = await run("up");
  const upStats = await stepStats();
  expect(up.changes).toEqual({ create: 1, same: N });
  expect(mutatingCounts(upStats)).toEqual({
    [PATHS.createSession]: 1,
    [PATHS.setLabel]: 0,
    [PATHS.releaseSessionAsync]: 0,
    [PATHS.releaseSession]: 0,
  });
  const next = outputIds(up);
  expect(next.slice(0, N - 1)).toEqual(ids.slice(0, N - 1));
  expect(next[N - 1]).not.toBe(expired);
  const live = await liveById();
  expect(live.size).toBe(N);
  expect(live.get(next[N - 1])?.labels).toMatchObject({ ...BASE_LABELS, team: "edge" });
  ids = next;
});

test("an imageId change replaces every session: new ones created, old ones released", async () => {
  stack.setConfig({ imageId: "agb-browser-use-1" });
  const preview = await run("preview");
  expect(preview.changes).toEqual({ replace: N, same: 1 });
  expect(mutatingCalls(await stepStats())).toBe(0);

  const up = await run("up");
  const stats = await stepStats();
  expect(up.changes).toEqual({ replace: N, same: 1 });
  expect(mutatingCounts(stats)).toEqual({
    [PATHS.createSession]: N,
    [PATHS.setLabel]: 0,
    [PATHS.releaseSessionAsync]: N,
    [PATHS.releaseSession]: 0,
  });
  const next = outputIds(up);
  expect(next.filter((id) => ids.includes(id))).toEqual([]);
  const live = await liveById();
  expect([...live.keys()].sort()).toEqual([...next].sort());
  for (const id of next) {
    expect(live.get(id)?.imageId).toBe("agb-browser-use-1");
    expect(live.get(id)?.labels).toMatchObject({ ...BASE_LABELS, team: "edge" });
  }
  ids = next;
});

test("neither the stack export, nor the state files, nor the CLI output hold the API key", async () => {
  // `export` runs `pulumi stack export --show-secrets`: even decrypted, the key is not there.
  const exported = await run("export");
  expect(exported.exported).toContain(ids[0]);
  expect(exported.exported).not.toContain(E2E_API_KEY);
  const { stateDir } = suitePaths(SUITE, PROJECT);
  expect(filesContaining(stateDir, ids[0]).length).toBeGreaterThan(0);
  expect(filesContaining(stateDir, E2E_API_KEY)).toEqual([]);
  const logged = results.filter((r) => r.action !== "export");
  expect(logged.length).toBeGreaterThanOrEqual(10);
  for (const result of logged) {
    expect(result.log.length).toBeGreaterThan(0);
    expect(result.log).not.toContain(E2E_API_KEY);
  }
  await e2e.control.reset("stats");
});

test("destroy releases every session; none is left alive", async () => {
  const destroy = await run("destroy");
  const stats = await stepStats();
  expect(destroy.changes).toEqual({ delete: N + 1 });
  expect(mutatingCounts(stats)).toEqual({
    [PATHS.createSession]: 0,
    [PATHS.setLabel]: 0,
    [PATHS.releaseSessionAsync]: N,
    [PATHS.releaseSession]: 0,
  });
  expect(await e2e.control.liveSessions()).toEqual([]);
  const { stateDir } = suitePaths(SUITE, PROJECT);
  expect(filesContaining(stateDir, E2E_API_KEY)).toEqual([]);
  expect(destroy.log).not.toContain(E2E_API_KEY);
});
