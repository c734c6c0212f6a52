/** What one benchmark run measured: the shape of docs/benchmark.json, and the figures derived from it. */
import type { ReportStamp } from "../report/reportStamp";
import type { TreeUsage } from "./benchProcesses";
import type { PluginTargetResult } from "./pluginTarget";

/** The lifecycle every stack of the benchmark goes through, in order. */
export const PHASES = ["create", "edit", "noChange", "refresh", "destroy"] as const;
export type Phase = (typeof PHASES)[number];

export const BASE_LABELS = { project: "demo", environment: "dev" };
/** The label edit: one value changes on every session. */
export const EDIT_LABELS = { environment: "staging" };

export interface OpMeasure {
  phase: Phase;
  ok: boolean;
  /** Wall time of the operation itself (stack.up/refresh/destroy). */
  ms: number;
  /** The whole child process, opening the stack and setting config included. */
  totalMs?: number;
  changes?: Record<string, number>;
  /** API calls per path, from the emulator's counts. */
  calls: Record<string, number>;
  totalCalls: number;
  /** Calls the emulator answered 429 (GET /_emulator/faults injected.rateLimited). */
  rateLimited: number;
  /** Most API calls in flight at once, as the emulator counted them (GET /_emulator/concurrency). */
  peakInFlight: number;
  memory?: TreeUsage;
  leftoverProcesses?: number;
  error?: string;
}

export interface StateMeasure {
  /** `pulumi stack export` text, bytes. */
  exportBytes: number;
  /** The state file on disk, bytes. */
  stateFileBytes: number;
  /** Resources carrying a serialized dynamic provider. */
  dynamicResources: number;
  /** Bytes of one `__provider` value, the largest. */
  providerBytesMax: number;
  /** Bytes of one dynamic resource's state entry (mean). */
  resourceEntryBytesMean: number;
  /** The first `__provider` text, for inspection. */
  providerSample: string;
  /** Mean bytes of each part of one dynamic resource's entry: `inputs.<key>`, `outputs.<key>`, or a top-level field. */
  entryPartBytes?: Record<string, number>;
}

export interface SizeResult {
  sessions: number;
  /** Per target key (benchTargets.ts), the five operations in order. */
  ops: Record<string, OpMeasure[]>;
  /** Per target key, measured after the create. */
  state: Record<string, StateMeasure | undefined>;
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

export interface GoalVerdict {
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
  stamp: ReportStamp;
  machine: { cpuModel: string; memoryGb: number; pulumiNodeSdk: string };
  params: {
    latencyMs: number;
    sizes: number[];
    quick: boolean;
    engineParallelism: number;
    engineParallelismSource: string;
    clientMaxConcurrent: number;
    labels: { base: Record<string, string>; edit: Record<string, string> };
  };
  /** Target keys and titles, in column order. */
  targets: Array<{ key: string; title: string; about: string }>;
  sizes: SizeResult[];
  rateLimited?: RateLimitedResult;
  providerCodeBytes: { runtimeJsBytes: number; providerJsBytes: number };
  /** `require("pulumi-agb")` in a program, and the runtime the provider process loads. */
  load: { programPackage: LoadCost; providerRuntime: LoadCost };
  goals: GoalVerdict[];
}

export const PHASE_TITLE: Record<Phase, string> = {
  create: "up (create)",
  edit: "up (label edit)",
  noChange: "up (no change)",
  refresh: "refresh",
  destroy: "destroy",
};

export function opOf(size: SizeResult, target: string, phase: Phase): OpMeasure | undefined {
  return size.ops[target]?.find((m) => m.phase === phase);
}

export function totalMs(list: OpMeasure[] = []): number {
  return list.reduce((a, m) => a + m.ms, 0);
}

/** The size the goals are stated for. */
export const REFERENCE_SESSIONS = 500;

/** The size goals are judged at: 500 sessions when the run had it, else its largest. */
export function referenceSize(r: BenchResults): SizeResult | undefined {
  return r.sizes.find((x) => x.sessions === REFERENCE_SESSIONS) ?? r.sizes[r.sizes.length - 1];
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

export function stateBytesPerSession(size: SizeResult, target: string): number | undefined {
  const state = size.state[target];
  return state ? Math.round(state.stateFileBytes / size.sessions) : undefined;
}

/** Sizes of the serialized provider and of each resource's entry, from `pulumi stack export` text. */
export function measureState(exported: string, stateFileBytes: number): StateMeasure {
  const resources = (JSON.parse(exported) as { deployment?: { resources?: Array<Record<string, { __provider?: unknown } | undefined>> } })
    .deployment?.resources ?? [];
  const providers: string[] = [];
  const entries: number[] = [];
  const partBytes: Record<string, number> = {};
  for (const resource of resources) {
    const provider = resource.inputs?.__provider ?? resource.outputs?.__provider;
    if (typeof provider !== "string") continue;
    providers.push(provider);
    entries.push(Buffer.byteLength(JSON.stringify(resource)));
    for (const [field, value] of Object.entries(resource)) {
      const nested = (field === "inputs" || field === "outputs") && value !== null && typeof value === "object";
      const parts = nested ? Object.entries(value).map(([key, v]) => [`${field}.${key}`, v] as const) : [[field, value] as const];
      // Each part as it stands in the entry: its key, its JSON and the comma.
      for (const [part, v] of parts) partBytes[part] = (partBytes[part] ?? 0) + Buffer.byteLength(JSON.stringify({ [part.split(".").pop() as string]: v })) - 1;
    }
  }
  const entryPartBytes = Object.fromEntries(Object.entries(partBytes).map(([part, bytes]) => [part, Math.round(bytes / Math.max(1, entries.length))]));
  return {
    exportBytes: Buffer.byteLength(exported),
    stateFileBytes,
    dynamicResources: providers.length,
    providerBytesMax: Math.max(0, ...providers.map((p) => Buffer.byteLength(p))),
    resourceEntryBytesMean: entries.length ? Math.round(entries.reduce((a, b) => a + b, 0) / entries.length) : 0,
    providerSample: providers[0] ?? "",
    entryPartBytes,
  };
}
