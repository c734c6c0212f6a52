/**
 * Recovery from a `pulumi up` killed with SIGKILL, end to end: the real
 * `agb-recover-pending` bin (dist/provider/recovery/cli.js) under the real
 * Pulumi CLI, on a state a real kill left behind.
 *
 * The up runs against the emulator through a proxy that holds createSession
 * answers for a few seconds after the service acted, and the provider starts at
 * most 2 requests a second; the process tree is killed once some answers got
 * through and others are held. So the state holds resources, pending creates
 * whose session exists (answer held) and, usually, pending creates that never
 * reached the service. How many of each varies from run to run; the test
 * asserts what must hold whatever the counts. A second stack is killed while
 * replacing its sessions (create before delete), where the found session
 * shares its URN with the session it replaces.
 *
 * Run `npx tsc -p .` first (the stack runner and the bin are compiled).
 */
import { OPERATIONS } from "../../wire/protocol";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { EmulatorControl } from "../../tools/pulumi-driver/emulatorControl";
import { pulumiEnv, REPO_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import { runRecoverPending, type RecoverRun } from "../support/recoverPendingCli";
import { killProcessTree } from "../../tools/pulumi-driver/processTree";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { SESSION_TYPE } from "../../provider/resources/Session";
import { pulumiCliDir, StackFixture } from "../support/stackFixture";
import { cleanSuite, E2E_API_KEY, mutatingCounts, pulumiCli, suitePaths } from "./support/e2eSupport";
import { startSlowAnswerProxy, type SlowAnswerProxy } from "../support/slowAnswerProxy";
import { removeCutSidecars } from "../support/removeCutSidecars";

jest.setTimeout(900_000);

const SUITE = "e2e-recover-pending";
const PROJECT = "agb-e2e-recover-pending";
const STACK = "recover";
const N = 12;
const HOLD_MS = 3000;

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}
interface Exported {
  version: number;
  deployment: { resources?: StateResource[]; pending_operations?: Array<{ type: string; resource: StateResource }> };
}

let emulator: RunningEmulator;
let control: EmulatorControl;
let proxy: SlowAnswerProxy;
let stack: StackFixture;
const killedUps: Array<ReturnType<typeof startKillable>> = [];

/** Set by the kill test, read by the later steps (they run in order, each needs the one before). */
let afterKill: { exported: Exported; pendingCreates: StateResource[]; orphans: string[] } | undefined;
let dryRun: RecoverRun | undefined;
let inStateAfterRecovery = 0;

const { stateDir, workDir } = suitePaths(SUITE, PROJECT);

/** The bin as a user runs it: in the project directory, `pulumi` and the plugin on PATH, no AGB_* in the environment. */
function recoverPending(...args: string[]): Promise<RecoverRun> {
  return recoverPendingOf(STACK, ...args);
}
function recoverPendingOf(stackName: string, ...args: string[]): Promise<RecoverRun> {
  return runRecoverPending(["--stack", stackName, ...args], { cwd: workDir, env: pulumiEnv(pulumiCliDir(), stateDir) });
}

/** `pulumi stack export`, as a user sees it (secrets stay encrypted). */
async function exportState(of: StackFixture = stack): Promise<Exported> {
  const result = await of.runOk("export");
  return JSON.parse(result.exported ?? "{}") as Exported;
}

/** Session resources in state, those pending deletion included. */
function sessionsInState(exported: Exported): Array<StateResource & { delete?: boolean }> {
  return (exported.deployment.resources ?? []).filter((r) => r.type === SESSION_TYPE && typeof r.id === "string");
}

function pendingSessionCreates(exported: Exported): StateResource[] {
  return (exported.deployment.pending_operations ?? []).filter((op) => op.type === "creating" && op.resource.type === SESSION_TYPE).map((op) => op.resource);
}

async function liveIds(): Promise<string[]> {
  return (await control.liveSessions()).map((s) => s.sessionId);
}

/** A stack action in its own process group (node + Automation API, pulumi, the dynamic-provider plugin), to be SIGKILLed. */
function startKillable(spec: ReturnType<StackFixture["spec"]>, action: "up") {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "tools", "pulumi-driver", "stackCli.js"), JSON.stringify(spec), action], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  let ended = false;
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => {
      ended = true;
      resolve({ code, signal });
    }),
  );
  return {
    ended: () => ended,
    output: () => output,
    done,
    /** SIGKILL to the group and to every descendant; resolves with the processes still alive afterwards. */
    killTree: () => killProcessTree(child.pid as number, done),
  };
}

/** The file backend's sidecar a kill can cut (removeCutSidecars), repaired as docs/recovery.md tells a user to. */
function reportCutSidecars(): void {
  const removed = removeCutSidecars(stateDir);
  if (removed.length > 0) console.log(`the kill cut the file backend's sidecar mid-write; removed as docs/recovery.md says: ${removed.join(", ")}`);
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  cleanSuite(SUITE, PROJECT);
  emulator = await startEmulator({
    apiKey: E2E_API_KEY,
    defaultIdleSeconds: 3600,
    maxLifetimeSeconds: 7200,
    // Slow creates: the service takes 150-650 ms, then its answer is held on the way back.
    faults: { latencyMs: 150, latencyJitterMs: 500, seed: 11 },
  });
  control = new EmulatorControl(emulator.url);
  proxy = await startSlowAnswerProxy(emulator.url, [OPERATIONS.createSession.path], HOLD_MS);
  stack = new StackFixture({
    suite: SUITE,
    project: PROJECT,
    example: "basic",
    stack: STACK,
    config: { "agb:endpoint": proxy.url, sessionCount: String(N), "agb:maxRequestsPerSecond": "2" },
    // A secret API key: the bin must read it from the stack config (`pulumi config get` decrypts it).
    secretConfig: { "agb:apiKey": E2E_API_KEY },
  });
});

afterAll(async () => {
  for (const up of killedUps) if (!up.ended()) await up.killTree();
  await proxy?.close();
  await emulator?.close();
});

describe("agb-recover-pending after a real SIGKILL of pulumi up", () => {
  it("a killed up leaves pending creates, and sessions the state does not know, each carrying its pending create's token", async () => {
    const killedUp = startKillable(stack.spec(), "up");
    killedUps.push(killedUp);
    await waitFor(
      () => {
        if (killedUp.ended()) throw new Error(`the up ended before it could be killed:\n${killedUp.output().slice(-3000)}`);
        return proxy.delivered() >= 3 && proxy.held() >= 2;
      },
      300_000,
      "some create answers delivered and some held",
    );
    const { killed, survivors } = await killedUp.killTree();
    expect(killed).toBeGreaterThanOrEqual(3); // node + Automation API, pulumi, the dynamic-provider plugin
    expect(survivors).toEqual([]);
    reportCutSidecars();

    // Requests the service had received complete, as they would on AGB; then no more latency or rate cap.
    proxy.setHoldMs(0);
    await waitFor(() => proxy.upstreamInFlight() === 0 && proxy.held() === 0, 30_000, "the service to finish what it received");
    emulator.faults.configure({});
    stack.setConfig({ "agb:maxRequestsPerSecond": "0" });

    // The file backend may keep the killed run's lock; `pulumi cancel` is harmless when it did not.
    await pulumiCli(SUITE, PROJECT, ["cancel", "--yes", "--stack", STACK]);

    const exported = await exportState();
    const pendingCreates = pendingSessionCreates(exported);
    const inState = new Set(sessionsInState(exported).map((r) => r.id));
    const orphans = (await liveIds()).filter((id) => !inState.has(id));
    // Held answers never reached the engine: those sessions exist, only their pending creates know them.
    expect(pendingCreates.length).toBeGreaterThanOrEqual(1);
    expect(orphans.length).toBeGreaterThanOrEqual(1);
    expect(orphans.length).toBeLessThanOrEqual(pendingCreates.length);
    expect(inState.size + pendingCreates.length).toBeLessThanOrEqual(N);

    // The mechanism: each such session carries the create token check drew and the engine recorded.
    const tokens = new Set(pendingCreates.map((r) => r.inputs?.createToken));
    for (const r of pendingCreates) expect(typeof r.inputs?.createToken).toBe("string");
    const byId = new Map((await control.liveSessions()).map((s) => [s.sessionId, s]));
    for (const id of orphans) expect(tokens.has(byId.get(id)?.labels[CREATE_TOKEN_LABEL])).toBe(true);

    afterKill = { exported, pendingCreates, orphans };
  });

  it("--dry-run reports what it would write and changes nothing, in state or on the service", async () => {
    if (!afterKill) throw new Error("needs the kill step");
    await control.reset("stats");
    const liveBefore = (await liveIds()).sort();

    dryRun = await recoverPending("--dry-run");
    expect({ code: dryRun.code, stderr: dryRun.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(dryRun.stdout).toContain("dry run");
    const summary = dryRun.summary;
    expect(summary).toBeDefined();
    expect(summary?.pendingCreates).toBe(afterKill.pendingCreates.length);
    expect(summary?.found).toBe(afterKill.orphans.length);
    expect((summary?.found ?? 0) + (summary?.dropped ?? 0)).toBe(summary?.pendingCreates);
    expect(summary?.released).toBe(0);
    expect(summary?.adopted.map((a) => a.sessionId).sort()).toEqual([...afterKill.orphans].sort());

    expect((await exportState()).deployment).toEqual(afterKill.exported.deployment);
    const stats = await control.stats();
    expect(Object.values(mutatingCounts(stats)).every((n) => n === 0)).toBe(true);
    expect(stats[OPERATIONS.listSession.path]).toBe(summary?.pendingCreates);
    expect((await liveIds()).sort()).toEqual(liveBefore);
  });

  it("writes every session a pending create made into state, with figures matching its summary", async () => {
    if (!afterKill || !dryRun?.summary) throw new Error("needs the kill and dry-run steps");
    const run = await recoverPending();
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(run.summary).toEqual(dryRun.summary);
    expect(run.stdout).toContain("state updated");

    const exported = await exportState();
    expect(pendingSessionCreates(exported)).toEqual([]);
    const sessions = sessionsInState(exported);
    const ids = sessions.map((r) => r.id as string);
    expect(new Set(ids).size).toBe(ids.length); // no duplicate
    expect(ids.length).toBe(sessionsInState(afterKill.exported).length + (run.summary?.found ?? NaN));
    const live = await liveIds();
    expect(live.filter((id) => !ids.includes(id))).toEqual([]); // no orphan
    for (const { urn, sessionId } of run.summary?.adopted ?? []) {
      expect(sessions.find((r) => r.urn === urn)?.id).toBe(sessionId);
    }
    inStateAfterRecovery = ids.length;

    // Nothing left to do: a second run finds no pending create and leaves the state alone.
    const again = await recoverPending();
    expect(again.code).toBe(0);
    expect(again.summary).toMatchObject({ pendingCreates: 0, found: 0, dropped: 0, released: 0 });
    expect((await exportState()).deployment).toEqual(exported.deployment);
  });

  it("pulumi refresh and up then converge: N sessions, each live session in state once, none made twice", async () => {
    if (!inStateAfterRecovery) throw new Error("needs the recovery step");
    const refresh = await stack.runOk("refresh");
    expect(refresh.changes.delete ?? 0).toBe(0);

    const up = await stack.runOk("up");
    expect(up.changes.create ?? 0).toBe(N - inStateAfterRecovery);
    expect(up.changes.replace ?? 0).toBe(0);
    expect(up.changes.delete ?? 0).toBe(0);

    const exported = await exportState();
    expect(exported.deployment.pending_operations ?? []).toEqual([]);
    const ids = sessionsInState(exported).map((r) => r.id as string);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
    const live = await liveIds();
    expect(live.sort()).toEqual([...ids].sort());
    expect((up.outputs.sessionIds as string[]).sort()).toEqual([...ids].sort());
    // Every session the service ever made is one of these: none was created twice, none released.
    expect(await control.sessions()).toHaveLength(N);

    const preview = await stack.runOk("preview");
    expect(Object.keys(preview.changes).filter((k) => k !== "same")).toEqual([]);
  });

  it("destroy releases every session, the recovered ones included", async () => {
    if (!inStateAfterRecovery) throw new Error("needs the recovery step");
    await stack.runOk("destroy");
    expect(await liveIds()).toEqual([]);
  });

  it("a checkpoint sidecar a kill left empty stops every command, and removing it is the whole repair", async () => {
    const sidecar = path.join(stateDir, ".pulumi", "stacks", PROJECT, `${STACK}.json.attrs`);
    const before = await exportState();
    fs.truncateSync(sidecar, 0);
    const broken = await stack.run("export");
    expect(broken.ok).toBe(false);
    expect(`${broken.error}\n${broken.log}`).toContain("failed to load checkpoint");
    expect(removeCutSidecars(stateDir)).toEqual([path.relative(stateDir, sidecar)]);
    expect(await exportState()).toEqual(before);
  });
});

describe("agb-recover-pending after a SIGKILL in the middle of replacing sessions", () => {
  const M = 4;
  const replace = () =>
    new StackFixture({
      suite: SUITE,
      project: PROJECT,
      example: "basic",
      stack: "replace",
      config: { "agb:endpoint": proxy.url, sessionCount: String(M), "agb:maxRequestsPerSecond": "0" },
      secretConfig: { "agb:apiKey": E2E_API_KEY },
    });

  it("writes the replacement a pending create made into state and marks the session it replaces for deletion; up converges", async () => {
    emulator.faults.configure({});
    proxy.setHoldMs(0);
    const fixture = replace();
    await fixture.runOk("up");
    const before = sessionsInState(await exportState(fixture)).map((r) => r.id as string);
    expect(before).toHaveLength(M);

    // A new image replaces every session (create before delete); kill while some new sessions' answers are held.
    fixture.setConfig({ imageId: "agb-code-space-2", "agb:maxRequestsPerSecond": "2" });
    proxy.setHoldMs(HOLD_MS);
    const killedUp = startKillable(fixture.spec(), "up");
    killedUps.push(killedUp);
    await waitFor(
      () => {
        if (killedUp.ended()) throw new Error(`the up ended before it could be killed:\n${killedUp.output().slice(-3000)}`);
        return proxy.held() >= 1;
      },
      300_000,
      "a replacement's create answer held",
    );
    expect((await killedUp.killTree()).survivors).toEqual([]);
    reportCutSidecars();
    proxy.setHoldMs(0);
    await waitFor(() => proxy.upstreamInFlight() === 0 && proxy.held() === 0, 30_000, "the service to finish what it received");
    fixture.setConfig({ "agb:maxRequestsPerSecond": "0" });
    await pulumiCli(SUITE, PROJECT, ["cancel", "--yes", "--stack", "replace"]);

    const exported = await exportState(fixture);
    const pendingUrns = pendingSessionCreates(exported).map((r) => r.urn);
    // Replacements: their pending creates share a URN with a live resource.
    expect(pendingUrns.length).toBeGreaterThanOrEqual(1);
    const liveUrns = new Set(sessionsInState(exported).filter((r) => !r.delete).map((r) => r.urn));
    expect(pendingUrns.every((urn) => liveUrns.has(urn))).toBe(true);

    const run = await recoverPendingOf("replace");
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(run.summary?.pendingCreates).toBe(pendingUrns.length);
    expect(run.summary?.found).toBeGreaterThanOrEqual(1);

    const recovered = sessionsInState(await exportState(fixture));
    for (const { urn, sessionId } of run.summary?.adopted ?? []) {
      const underUrn = recovered.filter((r) => r.urn === urn);
      expect(underUrn.filter((r) => !r.delete).map((r) => r.id)).toEqual([sessionId]);
      expect(underUrn.filter((r) => r.delete)).toHaveLength(1);
    }
    const stateIds = new Set(recovered.map((r) => r.id));
    expect((await liveIds()).filter((id) => !stateIds.has(id))).toEqual([]); // no orphan

    await fixture.runOk("refresh");
    await fixture.runOk("up");
    const final = sessionsInState(await exportState(fixture));
    expect(final.filter((r) => r.delete)).toEqual([]);
    const ids = final.map((r) => r.id as string);
    expect(new Set(ids).size).toBe(M);
    const live = await control.liveSessions();
    expect(live.map((s) => s.sessionId).sort()).toEqual([...ids].sort());
    expect(live.every((s) => s.imageId === "agb-code-space-2")).toBe(true);
    for (const { sessionId } of run.summary?.adopted ?? []) expect(ids).toContain(sessionId);

    await fixture.runOk("destroy");
    expect(await liveIds()).toEqual([]);
  });
});
