import { OPERATIONS } from "../../../wire/protocol";
import fs from "node:fs";
import path from "node:path";
import { WORK_ROOT } from "../../../tools/pulumi-driver/pulumiCli";
import { EmulatorControl, mutatingCalls } from "../../../tools/pulumi-driver/emulatorControl";
import type { ActionResult } from "../../../tools/pulumi-driver/stackRunner";
import type { StoredSession } from "../../../emulator/EmulatorStore";
import { startEmulator, type RunningEmulator } from "../../../emulator/startEmulator";
import { StackFixture } from "../../support/stackFixture";

/** Every CLI action starts a fresh language runtime and provider: give each test room. */
export const CLI_TEST_TIMEOUT_MS = 10 * 60 * 1000;

export const PATHS = {
  create: OPERATIONS.createSession.path,
  getSession: OPERATIONS.getSession.path,
  setLabel: OPERATIONS.setLabel.path,
  getLabel: OPERATIONS.getLabel.path,
  list: OPERATIONS.listSession.path,
  releaseAsync: OPERATIONS.releaseSessionAsync.path,
  release: OPERATIONS.releaseSession.path,
} as const;

export { mutatingCalls };

/**
 * One emulator for the suite, never reset between tests (sessions never idle
 * out during a slow run), an EmulatorControl on it, and a per-suite state directory wiped before the
 * suite so stacks from an earlier run (pointing at a dead emulator) are gone.
 */
export function useTaggingSuite(suite: string) {
  const stateDir = path.join(WORK_ROOT, `state-${suite}`);
  const holder = {} as { control: EmulatorControl; url: string; emulator: RunningEmulator };
  // Started here rather than through useEmulator: these suites keep sessions
  // from one test to the next (each test is one step of a stack's life).
  beforeAll(async () => {
    fs.rmSync(stateDir, { recursive: true, force: true });
    holder.emulator = await startEmulator({ defaultIdleSeconds: 24 * 3600, maxLifetimeSeconds: 7 * 24 * 3600 });
    holder.url = holder.emulator.url;
    holder.control = new EmulatorControl(holder.url);
  });
  afterAll(async () => {
    await holder.emulator?.close();
  });

  return {
    get control(): EmulatorControl {
      return holder.control;
    },
    get url(): string {
      return holder.url;
    },
    /** A stack of `example` in this suite's state directory, pointed at the emulator. */
    stack(example: string, project: string, stack: string, config: Record<string, string> = {}): StackFixture {
      // Config an earlier, failed run left in the project folder would outlive the wiped state.
      fs.rmSync(path.join(WORK_ROOT, "projects", project, `Pulumi.${stack}.yaml`), { force: true });
      return new StackFixture({
        suite,
        example,
        project,
        stack,
        stateDir,
        config: { "agb:endpoint": holder.url, ...config },
      });
    },
  };
}

/** Live sessions on the emulator, by id. */
export async function liveById(control: EmulatorControl, ids?: readonly string[]): Promise<Map<string, StoredSession>> {
  const live = await control.liveSessions();
  const out = new Map(live.map((s) => [s.sessionId, s]));
  if (ids) for (const id of ids) if (!out.has(id)) throw new Error(`session ${id} is not live on the emulator`);
  return out;
}

/** Labels without the provider's create token, which every session it creates carries. */
export function withoutToken(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => k !== "pulumi-agb-create-token"));
}

/** The operation counts of a result, without the unchanged resources. */
export function changesOnly(result: ActionResult): Record<string, number> {
  return Object.fromEntries(Object.entries(result.changes).filter(([kind]) => kind !== "same"));
}

/** Calls per operation since the last reset, zeros left out. */
export async function callsSince(control: EmulatorControl): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await control.stats()).filter(([, n]) => n > 0));
}

export function json(value: unknown): string {
  return JSON.stringify(value);
}
