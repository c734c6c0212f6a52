/** The benchmark's goals, each judged from one run's figures, with how far from the line and where the time went. */
import { OPERATIONS } from "../../wire/protocol";
import {
  callsText,
  REFERENCE_SESSIONS,
  referenceSize,
  opOf,
  PHASE_TITLE,
  ratio,
  seconds,
  signedSeconds,
  stateBytesPerSession,
  totalMs,
  type BenchResults,
  type OpMeasure,
  type SizeResult,
  type TargetVerdict,
} from "./benchResults";
import { PHASES, type Phase } from "./floor";

export const GOALS = {
  stateBytesPerSession: 3000,
  noChangeOverEngineOnly: 1.05,
  /** create, label edit and destroy at the largest size, against the bare dynamic provider. */
  beatEngineOnly: 0.75,
  overEngineOnlyPlusFloor: 1.1,
} as const;

const BEAT_PHASES: readonly Phase[] = ["create", "edit", "destroy"];
const MODULE_REFERENCE = 'require("pulumi-agb/providers/session")';

export function evaluateTargets(r: BenchResults): TargetVerdict[] {
  return [apiCallTarget(r), stateSizeTarget(r), noChangeTarget(r), beatEngineOnlyTarget(r), wallTimeTarget(r), rateLimitTarget(r)];
}

/** Where ours and engine-only differ in CPU for one operation: the "why" of a ratio. */
function cpuDelta(u: OpMeasure, e: OpMeasure): string {
  if (!u.memory || !e.memory) return "";
  return (
    `CPU ours - engine-only: provider ${signedSeconds(u.memory.dynamicProviderCpuMs - e.memory.dynamicProviderCpuMs)} s, ` +
    `CLI ${signedSeconds(u.memory.pulumiCliCpuMs - e.memory.pulumiCliCpuMs)} s, program ${signedSeconds(u.memory.programCpuMs - e.memory.programCpuMs)} s`
  );
}

function anyFailed(...lists: OpMeasure[][]): boolean {
  return lists.some((list) => list.some((m) => !m.ok));
}

function apiCallTarget(r: BenchResults): TargetVerdict {
  const details: string[] = [];
  let met = true;
  for (const size of r.sizes) {
    const n = size.sessions;
    for (const m of size.ours) {
      const c = m.calls;
      const extra = (allowed: string[]) =>
        Object.entries(c)
          .filter(([p, k]) => k > 0 && !allowed.includes(p))
          .map(([p, k]) => `${p} ${k}`);
      const check: Record<Phase, () => { ok: boolean; note: string }> = {
        create: () => {
          const more = extra([OPERATIONS.createSession.path]);
          return { ok: (c[OPERATIONS.createSession.path] ?? 0) === n && more.length === 0, note: `${c[OPERATIONS.createSession.path] ?? 0} CreateSession for ${n} new${more.length ? `; extra: ${more.join(", ")}` : ""}` };
        },
        edit: () => {
          const more = extra([OPERATIONS.setLabel.path]);
          return { ok: (c[OPERATIONS.setLabel.path] ?? 0) === n && more.length === 0, note: `${c[OPERATIONS.setLabel.path] ?? 0} SetLabel for ${n} changed${more.length ? `; extra: ${more.join(", ")}` : ""}` };
        },
        noChange: () => ({ ok: m.totalCalls === 0, note: `${m.totalCalls} calls${m.totalCalls ? ` (${callsText(c)})` : ""}` }),
        refresh: () => ({ ok: m.totalCalls <= 2 * n, note: `${(m.totalCalls / n).toFixed(2)} calls/session (${callsText(c)})` }),
        destroy: () => {
          const more = extra([OPERATIONS.releaseSessionAsync.path, OPERATIONS.getSessionInfo.path]);
          return {
            ok: (c[OPERATIONS.releaseSessionAsync.path] ?? 0) === n && more.length === 0,
            note: `${c[OPERATIONS.releaseSessionAsync.path] ?? 0} release for ${n}, ${((c[OPERATIONS.getSessionInfo.path] ?? 0) / n).toFixed(2)} status polls/session${more.length ? `; extra: ${more.join(", ")}` : ""}`,
          };
        },
      };
      const { ok, note } = check[m.phase]();
      if (!ok) met = false;
      details.push(`${n} ${PHASE_TITLE[m.phase]}: ${ok ? "at minimum" : "OVER"} - ${note}${m.ok ? "" : " (operation FAILED)"}`);
    }
  }
  return {
    name: "API calls at the minimum",
    status: anyFailed(...r.sizes.map((x) => x.ours)) ? "error" : met ? "met" : "missed",
    summary: met
      ? "1 CreateSession per new session, 1 SetLabel per changed one, 0 calls when unchanged, 2 per session on refresh, 1 release + 1 poll per destroyed session"
      : "some operation made more calls than the minimum (see details)",
    details,
  };
}

function stateSizeTarget(r: BenchResults): TargetVerdict {
  const name = `State at most ${GOALS.stateBytesPerSession.toLocaleString("en")} B per session`;
  const measured = r.sizes.filter((x) => x.oursState);
  if (measured.length === 0) return { name, status: "error", summary: "no state was exported", details: [] };
  const perSession = measured.map((x) => ({ n: x.sessions, ours: stateBytesPerSession(x, "oursState") ?? 0, engine: stateBytesPerSession(x, "engineState") }));
  const worst = Math.max(...perSession.map((p) => p.ours));
  const sample = measured[0].oursState?.providerSample ?? "";
  const reference = sample.includes(MODULE_REFERENCE);
  const providerBytes = Math.max(...measured.map((x) => x.oursState?.providerBytesMax ?? 0));
  const met = worst <= GOALS.stateBytesPerSession && reference;
  return {
    name,
    status: met ? "met" : "missed",
    summary:
      `${worst.toLocaleString("en")} B per session at worst (state file / sessions), ` +
      `${met ? `${(GOALS.stateBytesPerSession - worst).toLocaleString("en")} B under the goal` : `${(worst - GOALS.stateBytesPerSession).toLocaleString("en")} B over the goal`}; ` +
      `the serialized provider is ${reference ? `a module reference, ${providerBytes} B per copy` : `NOT a module reference (${providerBytes} B per copy): was the package installed under node_modules?`}`,
    details: perSession.map((p) => `${p.n}: ours ${p.ours.toLocaleString("en")} B/session, engine-only ${p.engine?.toLocaleString("en") ?? "-"} B/session`),
  };
}

/** One phase at the largest size against a bound on ours / base. */
function ratioTarget(
  name: string,
  phases: readonly Phase[],
  bound: number,
  base: (size: SizeResult, phase: Phase) => number | undefined,
  baseName: string,
  r: BenchResults,
): TargetVerdict {
  const size = referenceSize(r);
  if (!size) return { name, status: "not run", summary: "no sizes ran", details: [] };
  const details: string[] = [];
  const over: string[] = [];
  let failed = false;
  for (const phase of phases) {
    const u = opOf(size.ours, phase);
    const e = opOf(size.engineOnly, phase);
    const b = base(size, phase);
    if (!u || !e || b === undefined) continue;
    if (!u.ok || !e.ok) failed = true;
    const within = u.ms <= bound * b;
    if (!within) over.push(`${PHASE_TITLE[phase]} ${ratio(u.ms, b)} (${signedSeconds(u.ms - bound * b)} s over the line)`);
    details.push(
      `${PHASE_TITLE[phase]}: ours ${seconds(u.ms)} s vs ${baseName} ${seconds(b)} s -> ${ratio(u.ms, b)} ` +
        `(${within ? "within" : "over"} ${bound}x${cpuDelta(u, e) ? `; ${cpuDelta(u, e)}` : ""})`,
    );
  }
  const note =
    size.sessions === REFERENCE_SESSIONS ? ` (at ${REFERENCE_SESSIONS} sessions)` : ` (at ${size.sessions} sessions, the largest of this run; the goals are stated for ${REFERENCE_SESSIONS})`;
  // The other sizes, for the growth curve: the verdict is at the reference size.
  for (const other of r.sizes.filter((x) => x !== size)) {
    for (const phase of phases) {
      const u = opOf(other.ours, phase);
      const b = base(other, phase);
      if (u && b !== undefined) details.push(`at ${other.sessions} sessions, ${PHASE_TITLE[phase]}: ${ratio(u.ms, b)} (not judged)`);
    }
  }
  return {
    name,
    status: failed ? "error" : over.length === 0 ? "met" : "missed",
    summary: (over.length === 0 ? `within ${bound}x on every one` : `over on ${over.join(", ")}`) + note,
    details,
  };
}

function noChangeTarget(r: BenchResults): TargetVerdict {
  return ratioTarget(
    `\`up\` with no change at most ${GOALS.noChangeOverEngineOnly}x engine-only`,
    ["noChange"],
    GOALS.noChangeOverEngineOnly,
    (size, phase) => opOf(size.engineOnly, phase)?.ms,
    "engine-only",
    r,
  );
}

function beatEngineOnlyTarget(r: BenchResults): TargetVerdict {
  return ratioTarget(
    `create, label edit and destroy at most ${GOALS.beatEngineOnly}x engine-only (the bare dynamic provider)`,
    BEAT_PHASES,
    GOALS.beatEngineOnly,
    (size, phase) => opOf(size.engineOnly, phase)?.ms,
    "engine-only",
    r,
  );
}

function wallTimeTarget(r: BenchResults): TargetVerdict {
  const verdict = ratioTarget(
    `every operation at most ${GOALS.overEngineOnlyPlusFloor}x (engine-only + floor)`,
    PHASES,
    GOALS.overEngineOnlyPlusFloor,
    (size, phase) => {
      const e = opOf(size.engineOnly, phase);
      const f = opOf(size.floor, phase);
      return e && f ? e.ms + f.ms : undefined;
    },
    "engine-only + floor",
    r,
  );
  const size = referenceSize(r);
  if (size) {
    const whole = totalMs(size.ours);
    const base = totalMs(size.engineOnly) + totalMs(size.floor);
    verdict.details.push(`whole lifecycle: ours ${seconds(whole)} s vs ${seconds(base)} s -> ${ratio(whole, base)}`);
  }
  return verdict;
}

function rateLimitTarget(r: BenchResults): TargetVerdict {
  const name = "Rate-limited run: no call throttled, no failure";
  const rl = r.rateLimited;
  if (!rl) return { name, status: "not run", summary: "skipped (--no-rate-limit-run)", details: [] };
  const throttled = rl.ops.reduce((a, m) => a + m.rateLimited, 0);
  const failed = rl.ops.filter((m) => !m.ok).map((m) => m.phase);
  const calls = rl.ops.reduce((a, m) => a + m.totalCalls, 0);
  return {
    name: `${name} (${rl.sessions} sessions)`,
    status: throttled === 0 && failed.length === 0 ? "met" : "missed",
    summary:
      `${throttled} of ${calls} calls answered 429 by an emulator limiting at ${rl.emulatorRateLimitPerSecond}/s, with agb:maxRequestsPerSecond=${rl.maxRequestsPerSecond}` +
      ` and agb:maxConcurrentRequests=${rl.maxConcurrentRequests}; ${failed.length ? `FAILED: ${failed.join(", ")}` : "every operation succeeded"}`,
    details: rl.ops.map(
      (m) =>
        `${PHASE_TITLE[m.phase]}: ${seconds(m.ms)} s, ${m.totalCalls} calls (${callsText(m.calls)}), ${m.rateLimited} x 429, ` +
        `${m.ms > 0 ? (m.totalCalls / (m.ms / 1000)).toFixed(1) : "-"} calls/s, ${m.ok ? "ok" : "FAILED"}`,
    ),
  };
}
