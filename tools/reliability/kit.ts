/** Shared pieces of the reliability scenarios: stacks, state views, the emulator's truth. */
import { isReleasedStatus } from "../../wire/sessionStatus";
import fs from "node:fs";
import path from "node:path";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator/startEmulator";
import { desiredLabels } from "../../provider/labels/desiredLabels";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import type { LabelMap } from "../../provider/labels/labelMapSchema";
import { SESSION_TYPE } from "../../provider/resources/Session";
import { ensurePulumiCli, WORK_ROOT } from "../pulumi-driver/pulumiCli";
import type { Deployment } from "../../provider/recovery/recoverPendingCreates";
import { startRecordingProxy, type RecordingProxy } from "../pulumi-driver/recordingProxy";
import type { ChildResult, ChildSpec } from "./stackChild";
import { runOp } from "./stackProcess";

export const RELIABILITY_ROOT = path.join(WORK_ROOT, "reliability");

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

/** A fresh stack of examples/basic (N sessions labelled project=demo, environment=dev) under .work/reliability/<name>. */
export function freshStack(name: string, endpoint: string, config: Record<string, string> = {}): ChildSpec {
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
    config: { "agb:endpoint": endpoint, "agb:apiKey": "akm-reliability-local", ...config },
  };
}

export function withConfig(spec: ChildSpec, config: Record<string, string>): ChildSpec {
  return { ...spec, config: { ...spec.config, ...config } };
}

export async function exportState(spec: ChildSpec): Promise<{ version: number; deployment: Deployment }> {
  const file = path.join(path.dirname(spec.stateDir), `export-${Date.now()}.json`);
  const result = await runOp(spec, { action: "export", file });
  if (!result.ok) throw new Error(`export failed: ${result.error}`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as { version: number; deployment: Deployment };
}

export async function importState(spec: ChildSpec, state: { version: number; deployment: Deployment }): Promise<ChildResult> {
  const file = path.join(path.dirname(spec.stateDir), `import-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(state));
  return runOp(spec, { action: "import", file });
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
export function errorExcerpt(result: ChildResult, max = 600): string {
  const text = `${result.log}\n${result.error ?? ""}`;
  const all = text.split("\n").map((l) => l.trim());
  // The engine's own "error: ..." lines say it best; the rest (progress lines) repeats them.
  // "error: N errors occurred:" is followed by the errors themselves, one "* ..." line each.
  const errors = all.filter((l) => (l.startsWith("error:") || l.startsWith("* ")) && !/^error: update failed$/.test(l) && !/^error: \d+ errors? occurred:$/.test(l));
  const lines = errors.length > 0 ? errors : all.filter((l) => /error|failed/i.test(l) && !l.startsWith("at "));
  return [...new Set(lines)].join(" | ").slice(0, max);
}

export function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
