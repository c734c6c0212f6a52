/** What one benchmark run measured: the shape of docs/benchmark.json. */
import type { PluginTargetResult } from "./pluginTarget";
import type { StateMeasure } from "./benchAction";
import type { Phase } from "./floor";
import type { TreeUsage } from "./procTree";

export interface OpMeasure {
  phase: Phase;
  ok: boolean;
  /** Wall time of the operation itself (for a stack: stack.up/refresh/destroy). */
  ms: number;
  /** For a stack: the whole child process, opening the stack and setting config included. */
  totalMs?: number;
  changes?: Record<string, number>;
  /** API calls per path, from the emulator's counts. */
  calls: Record<string, number>;
  totalCalls: number;
  /** Calls the emulator answered 429 (GET /_emulator/faults injected.rateLimited). */
  rateLimited: number;
  /** Most API calls in flight at once, seen by the counting proxy. */
  peakInFlight: number;
  memory?: TreeUsage;
  leftoverProcesses?: number;
  error?: string;
}

export type StateResult = StateMeasure & { stateFileBytes: number };

export interface SizeResult {
  sessions: number;
  ours: OpMeasure[];
  engineOnly: OpMeasure[];
  floor: OpMeasure[];
  oursState?: StateResult;
  engineState?: StateResult;
  /** The plugin path at this size (tools/bench/pluginTarget.ts). */
  plugin?: PluginTargetResult;
}

export interface RateLimitedResult {
  sessions: number;
  emulatorRateLimitPerSecond: number;
  maxRequestsPerSecond: number;
  maxConcurrentRequests: number;
  ops: OpMeasure[];
}

export interface TargetVerdict {
  name: string;
  status: "met" | "missed" | "error" | "not run";
  summary: string;
  details: string[];
}

/** What loading a module costs on top of @pulumi/pulumi, in a fresh process (best of three). */
export interface LoadCost {
  ms: number;
  heapKb: number;
  modules: number;
  loadsAxios: boolean;
  loadsZod: boolean;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    pulumiCli: string;
    pulumiNodeSdk: string;
    loadAverageStart: number[];
    loadAverageEnd: number[];
  };
  params: {
    latencyMs: number;
    sizes: number[];
    quick: boolean;
    /** Free text for the report header (e.g. what else ran on the machine). */
    note?: string;
    engineParallelism: number;
    engineParallelismSource: string;
    clientMaxConcurrent: number;
    labels: { base: Record<string, string>; edit: Record<string, string> };
  };
  sizes: SizeResult[];
  rateLimited?: RateLimitedResult;
  providerCodeBytes: { runtimeJsBytes: number; providerJsBytes: number };
  /** `require("pulumi-agb")` in a program, and the runtime the provider process loads. */
  load: { programPackage: LoadCost; providerRuntime: LoadCost };
  targets: TargetVerdict[];
}

export const PHASE_TITLE: Record<Phase, string> = {
  create: "up (create)",
  edit: "up (label edit)",
  noChange: "up (no change)",
  refresh: "refresh",
  destroy: "destroy",
};

export function opOf(list: OpMeasure[], phase: Phase): OpMeasure | undefined {
  return list.find((m) => m.phase === phase);
}

export function totalMs(list: OpMeasure[]): number {
  return list.reduce((a, m) => a + m.ms, 0);
}

/** The size the goals are stated for. */
export const REFERENCE_SESSIONS = 500;

/** The size goals are judged at: 500 sessions when the run had it, else its largest. */
export function referenceSize(r: BenchResults): SizeResult | undefined {
  return r.sizes.find((x) => x.sessions === REFERENCE_SESSIONS) ?? largestSize(r);
}

export function largestSize(r: BenchResults): SizeResult | undefined {
  return r.sizes.reduce<SizeResult | undefined>((a, b) => (!a || b.sessions > a.sessions ? b : a), undefined);
}

export function callsText(calls: Record<string, number>): string {
  const entries = Object.entries(calls).filter(([, n]) => n > 0);
  if (entries.length === 0) return "none";
  return entries.map(([p, n]) => `${p.split("/").pop()} ${n}`).join(", ");
}

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

export function signedSeconds(ms: number): string {
  return `${ms >= 0 ? "+" : ""}${seconds(ms)}`;
}

export function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}x` : "n/a";
}

export function stateBytesPerSession(size: SizeResult, which: "oursState" | "engineState"): number | undefined {
  const state = size[which];
  return state ? Math.round(state.stateFileBytes / size.sessions) : undefined;
}
