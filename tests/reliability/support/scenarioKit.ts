/** Shared pieces of the reliability scenarios: stacks, state views, the emulator's truth, and each scenario's section of the report. */
import fs from "node:fs";
import path from "node:path";
import { isReleasedStatus } from "../../../wire/sessionStatus";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../../emulator/startEmulator";
import { desiredLabels } from "../../../provider/labels/desiredLabels";
import { CREATE_TOKEN_LABEL } from "../../../provider/labels/ignoreRules";
import type { LabelMap } from "../../../provider/labels/labelMapSchema";
import { SESSION_TYPE } from "../../../provider/resources/Session";
import type { Deployment } from "../../../provider/recovery/recoverPendingCreates";
import { ensurePulumiCli, WORK_ROOT } from "../../../tools/pulumi-driver/pulumiCli";
import { startRecordingProxy, type RecordingProxy } from "../../support/recordingProxy";
import { runStackAction } from "../../../tools/pulumi-driver/runStackAction";
import type { Action, ActionResult, StackSpec } from "../../../tools/pulumi-driver/stackRunner";
import type { ScenarioReport } from "./ScenarioReport";

export const RELIABILITY_ROOT = path.join(WORK_ROOT, "reliability");
/** Where each scenario leaves its section; writeReliabilityReport.ts puts them together. */
export const SECTIONS_DIR = path.join(RELIABILITY_ROOT, "sections");
/** Long enough for the slowest scenario (the soak) on a loaded 2-CPU machine. */
export const SCENARIO_TIMEOUT_MS = 40 * 60_000;

/** Keeps a scenario's section for the report, before the test judges it (a failed scenario is reported too). */
export function recordSection(report: ScenarioReport): ScenarioReport {
  fs.mkdirSync(SECTIONS_DIR, { recursive: true });
  fs.writeFileSync(path.join(SECTIONS_DIR, `${report.key}.json`), JSON.stringify(report));
  return report;
}

let cliDir: string | undefined;
/** The CLI directory: PULUMI_CLI_DIR, else what scripts/ensure-pulumi.sh finds or builds (cached). */
export function pulumiCliDir(): string {
  cliDir ??= process.env.PULUMI_CLI_DIR ?? ensurePulumiCli();
  return cliDir;
}

/** An emulator with a recording proxy in front, both closed after `body`. */
export async function withEmulator<T>(
  options: EmulatorOptions,
  body: (emulator: RunningEmulator, proxy: RecordingProxy) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator(options);
  const proxy = await startRecordingProxy(emulator.url);
  try {
    return await body(emulator, proxy);
  } finally {
    await proxy.close();
    await emulator.close();
  }
}

/** A fresh stack of examples/basic (N sessions labelled project=demo, environment=dev) under .work/reliability/<name>, with its own PULUMI_HOME. */
export function freshStack(name: string, endpoint: string, config: Record<string, string> = {}): StackSpec {
  const dir = path.join(RELIABILITY_ROOT, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return {
    project: `agb-reliability-${name}`,
    stack: name,
    example: "basic",
    stateDir: path.join(dir, "state"),
    workDir: path.join(dir, "project"),
    cliDir: pulumiCliDir(),
    env: { PULUMI_HOME: path.join(dir, "pulumi-home") },
    config: { "agb:endpoint": endpoint, "agb:apiKey": "akm-reliability-local", ...config },
  };
}

export function withConfig(spec: StackSpec, config: Record<string, string>): StackSpec {
  return { ...spec, config: { ...spec.config, ...config } };
}

export async function exportState(spec: StackSpec): Promise<{ version: number; deployment: Deployment }> {
  const result = await runStackAction(spec, "export");
  if (!result.ok || !result.exported) throw new Error(`export failed: ${result.error}`);
  return JSON.parse(result.exported) as { version: number; deployment: Deployment };
}

export interface StateSession {
  urn: string;
  id: string;
  desired: LabelMap;
  token?: string;
}

export function stateSessions(deployment: Deployment): StateSession[] {
  return (deployment.resources ?? [])
    .filter((r) => r.type === SESSION_TYPE && typeof r.id === "string")
    .map((r) => {
      const outputs = (r.outputs ?? {}) as Record<string, unknown>;
      return {
        urn: r.urn,
        id: r.id as string,
        desired: desiredLabels(plainLabels(outputs.defaultLabels), plainLabels(outputs.labels)),
        // effectiveLabels is always secret (and defaultLabels with a secret agb:defaultLabels): read a decrypted export.
        token: plainLabels(outputs.effectiveLabels)[CREATE_TOKEN_LABEL],
      };
    });
}

/** A label map from a decrypted export, opening a secret envelope (`plaintext` holds its JSON). */
function plainLabels(value: unknown): LabelMap {
  if (value !== null && typeof value === "object" && typeof (value as { plaintext?: unknown }).plaintext === "string") {
    return JSON.parse((value as { plaintext: string }).plaintext) as LabelMap;
  }
  return (value as LabelMap | undefined) ?? {};
}

export interface Truth {
  /** Resources in state. */
  inState: number;
  /** Distinct session ids in state (fewer than inState means two resources share a session). */
  distinctInState: number;
  /** Live sessions on the emulator. */
  live: number;
  /** Live sessions the state does not know: orphans. */
  orphans: string[];
  /** Sessions in state that are not live on the emulator. */
  ghosts: string[];
  /** Labels the state says a session has (declared) that the emulator does not hold with that value. */
  lostLabels: number;
  /** Every session the emulator ever made in this scenario, released ones included. */
  everCreated: number;
  pendingOperations: number;
}

/** Compares the state with what the emulator really holds. */
export function compareWithEmulator(deployment: Deployment, emulator: RunningEmulator): Truth {
  const sessions = stateSessions(deployment);
  const all = emulator.store.all();
  const live = all.filter((s) => !isReleasedStatus(s.status));
  const liveById = new Map(live.map((s) => [s.sessionId, s]));
  const ids = new Set(sessions.map((s) => s.id));
  let lostLabels = 0;
  for (const session of sessions) {
    const held = liveById.get(session.id)?.labels;
    if (!held) continue;
    for (const [key, value] of Object.entries(session.desired)) if (held[key] !== value) lostLabels++;
  }
  return {
    inState: sessions.length,
    distinctInState: ids.size,
    live: live.length,
    orphans: live.filter((s) => !ids.has(s.sessionId)).map((s) => s.sessionId),
    ghosts: sessions.filter((s) => !liveById.has(s.id)).map((s) => s.id),
    lostLabels,
    everCreated: all.length,
    pendingOperations: (deployment.pending_operations ?? []).length,
  };
}

/** The engine's summary line of a failed run, without the CLI's noise. */
export function errorExcerpt(result: ActionResult, max = 600): string {
  const text = `${result.log}\n${result.error ?? ""}`;
  const all = text.split("\n").map((l) => l.trim());
  // The engine's own "error: ..." lines say it best; the rest (progress lines) repeats them.
  // "error: N errors occurred:" is followed by the errors themselves, one "* ..." line each.
  const errors = all.filter((l) => (l.startsWith("error:") || l.startsWith("* ")) && !/^error: update failed$/.test(l) && !/^error: \d+ errors? occurred:$/.test(l));
  const lines = errors.length > 0 ? errors : all.filter((l) => /error|failed/i.test(l) && !l.startsWith("at "));
  return [...new Set(lines)].join(" | ").slice(0, max);
}

export interface UserRetries {
  /** "ok" or "failed", one per run of the action, in order. */
  outcomes: Array<"ok" | "failed">;
  ok: boolean;
  /** The runs' times, summed: the action alone, or for a run that failed early, with the opening of the stack. */
  ms: number;
  /** Why the last failed run failed (errorExcerpt). */
  lastError?: string;
}

/**
 * Runs `action` as a user does under faults: once, and again after a failure,
 * at most `times` runs in all. `afterEach` sees every run's result before the
 * next one starts (what a failed run left behind is read there).
 */
export async function runAsUserWould(
  spec: StackSpec,
  action: Action,
  times: number,
  options: { afterEach?: (result: ActionResult) => Promise<void> | void; errorChars?: number } = {},
): Promise<UserRetries> {
  const retries: UserRetries = { outcomes: [], ok: false, ms: 0 };
  for (let run = 1; run <= times && !retries.ok; run++) {
    const result = await runStackAction(spec, { action });
    retries.ms += result.ms;
    retries.outcomes.push(result.ok ? "ok" : "failed");
    retries.ok = result.ok;
    if (!result.ok) retries.lastError = errorExcerpt(result, options.errorChars);
    await options.afterEach?.(result);
  }
  return retries;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
