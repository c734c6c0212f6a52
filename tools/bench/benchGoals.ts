/** The benchmark's goals, each judged from one run's figures against the floor, with how far from the line and why. */
import { OPERATIONS } from "../../wire/protocol";
import {
  callsText,
  opOf,
  PHASE_TITLE,
  ratio,
  REFERENCE_SESSIONS,
  referenceSize,
  seconds,
  signedSeconds,
  stateBytesPerSession,
  type BenchResults,
  type GoalVerdict,
  type OpMeasure,
  type Phase,
} from "./benchResults";
import { FLOOR, OURS } from "./benchTargets";

/** Ours over the floor, at 500 sessions. */
export const GOALS = {
  /** create, label edit and destroy. */
  changeOverFloor: 1.1,
  noChangeOverFloor: 1.05,
  stateOverFloor: 1.5,
} as const;

const MODULE_REFERENCE = 'require("pulumi-agb/providers/session")';

export function evaluateGoals(r: BenchResults): GoalVerdict[] {
  return [
    apiCallGoal(r),
    ratioGoal(r, ["create", "edit", "destroy"], GOALS.changeOverFloor),
    ratioGoal(r, ["noChange"], GOALS.noChangeOverFloor),
    stateGoal(r),
    rateLimitGoal(r),
  ];
}

function sameSteps(a: Record<string, number> = {}, b: Record<string, number> = {}): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a[key] ?? 0) === (b[key] ?? 0));
}

/** Where ours spent its time beyond the floor: CPU by process, and the API's own wait. */
function why(u: OpMeasure, f: OpMeasure, r: BenchResults): string {
  const parts: string[] = [];
  if (u.memory && f.memory) {
    parts.push(
      `CPU ours - floor: provider ${signedSeconds(u.memory.dynamicProviderCpuMs - f.memory.dynamicProviderCpuMs)} s, ` +
        `CLI ${signedSeconds(u.memory.pulumiCliCpuMs - f.memory.pulumiCliCpuMs)} s, program ${signedSeconds(u.memory.programCpuMs - f.memory.programCpuMs)} s`,
    );
  }
  if (u.totalCalls > 0) {
    const wait = (u.totalCalls * r.params.latencyMs) / Math.max(1, u.peakInFlight);
    parts.push(`${u.totalCalls} API calls at ${r.params.latencyMs} ms, ${u.peakInFlight} at once at most: at least ${seconds(wait)} s of waiting the floor does not do`);
  }
  return parts.join("; ");
}

function ratioGoal(r: BenchResults, phases: readonly Phase[], bound: number): GoalVerdict {
  const name = `${phases.map((p) => PHASE_TITLE[p]).join(", ")} within ${bound}x of the floor`;
  const size = referenceSize(r);
  if (!size) return { name, status: "not run", summary: "no sizes ran", details: [] };
  const details: string[] = [];
  const over: string[] = [];
  let failed = false;
  for (const phase of phases) {
    const u = opOf(size, OURS.key, phase);
    const f = opOf(size, FLOOR.key, phase);
    if (!u || !f) continue;
    failed ||= !u.ok || !f.ok;
    // A ratio means something only when both did the same steps (a floor that updated on "no change" once made ours look fast).
    if (!sameSteps(u.changes, f.changes)) {
      failed = true;
      details.push(`${PHASE_TITLE[phase]}: ours and the floor did different steps (ours ${JSON.stringify(u.changes)}, floor ${JSON.stringify(f.changes)}): not comparable`);
    }
    const within = u.ms <= bound * f.ms;
    if (!within) over.push(`${PHASE_TITLE[phase]} ${ratio(u.ms, f.ms)}, ${signedSeconds(u.ms - bound * f.ms)} s over the line (${why(u, f, r)})`);
    details.push(`${PHASE_TITLE[phase]}: ours ${seconds(u.ms)} s, floor ${seconds(f.ms)} s: ${ratio(u.ms, f.ms)} (${within ? "within" : "over"} ${bound}x)`);
  }
  for (const other of r.sizes.filter((x) => x !== size)) {
    for (const phase of phases) {
      const u = opOf(other, OURS.key, phase);
      const f = opOf(other, FLOOR.key, phase);
      if (u && f) details.push(`at ${other.sessions} sessions, ${PHASE_TITLE[phase]}: ${ratio(u.ms, f.ms)} (not judged)`);
    }
  }
  const at = size.sessions === REFERENCE_SESSIONS ? `at ${REFERENCE_SESSIONS} sessions` : `at ${size.sessions} sessions, the largest of this run (the goals are stated for ${REFERENCE_SESSIONS})`;
  return {
    name,
    status: failed ? "error" : over.length === 0 ? "met" : "missed",
    summary: `${over.length === 0 ? `within ${bound}x on every one` : `over on ${over.join("; ")}`}, ${at}`,
    details,
  };
}

function stateGoal(r: BenchResults): GoalVerdict {
  const name = `State per session within ${GOALS.stateOverFloor}x of the floor's`;
  const size = referenceSize(r);
  const ours = size && stateBytesPerSession(size, OURS.key);
  const floor = size && stateBytesPerSession(size, FLOOR.key);
  if (!size || !ours || !floor) return { name, status: "error", summary: "no state was exported", details: [] };
  const u = size.state[OURS.key];
  const f = size.state[FLOOR.key];
  const reference = u?.providerSample.includes(MODULE_REFERENCE) ?? false;
  const met = ours <= GOALS.stateOverFloor * floor && reference;
  const breakdown =
    `one resource's entry: ours ${u?.resourceEntryBytesMean ?? "?"} B, floor ${f?.resourceEntryBytesMean ?? "?"} B; ` +
    `the serialized provider ${reference ? `is the module reference, ${u?.providerBytesMax} B` : `is NOT a module reference (${u?.providerBytesMax} B)`} ` +
    `(floor ${f?.providerBytesMax} B); ${largestExtraParts(u?.entryPartBytes, f?.entryPartBytes)}`;
  return {
    name,
    status: met ? "met" : "missed",
    summary:
      `${ours.toLocaleString("en")} B against ${floor.toLocaleString("en")} B per session (state file / sessions, at ${size.sessions}): ${ratio(ours, floor)}` +
      `${met ? "" : `, ${(ours - Math.round(GOALS.stateOverFloor * floor)).toLocaleString("en")} B over the line; ${breakdown}`}`,
    details: [
      breakdown,
      ...r.sizes.map((x) => `${x.sessions}: ${r.targets.map((t) => `${t.title} ${stateBytesPerSession(x, t.key)?.toLocaleString("en") ?? "-"} B`).join(", ")} per session`),
    ],
  };
}

/** Where one entry's bytes beyond the floor's go: the parts that differ most, largest first. */
function largestExtraParts(ours: Record<string, number> | undefined, floor: Record<string, number> | undefined): string {
  if (!ours) return "no breakdown of the entry";
  const extra = Object.entries(ours)
    .map(([part, bytes]) => [part, bytes - (floor?.[part] ?? 0)] as const)
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  const shown = extra.slice(0, 8).map(([part, bytes]) => `${part} +${bytes} B`);
  const rest = extra.slice(8).reduce((sum, [, bytes]) => sum + bytes, 0);
  return `beyond the floor's entry: ${shown.join(", ")}${rest > 0 ? `, the rest +${rest} B` : ""}`;
}

function apiCallGoal(r: BenchResults): GoalVerdict {
  const details: string[] = [];
  let met = true;
  let failed = false;
  for (const size of r.sizes) {
    const n = size.sessions;
    for (const m of size.ops[OURS.key] ?? []) {
      const c = m.calls;
      const only = (path: string, allowed: string[] = [path]) => {
        const extra = Object.entries(c).filter(([p, k]) => k > 0 && !allowed.includes(p));
        return { ok: (c[path] ?? 0) === n && extra.length === 0, note: `${c[path] ?? 0} ${path.split("/").pop()} for ${n}${extra.length ? `; extra: ${callsText(Object.fromEntries(extra))}` : ""}` };
      };
      const check: Record<Phase, () => { ok: boolean; note: string }> = {
        create: () => only(OPERATIONS.createSession.path),
        edit: () => only(OPERATIONS.setLabel.path),
        noChange: () => ({ ok: m.totalCalls === 0, note: `${m.totalCalls} calls${m.totalCalls ? ` (${callsText(c)})` : ""}` }),
        refresh: () => ({ ok: m.totalCalls <= 2 * n, note: `${(m.totalCalls / n).toFixed(2)} calls/session (${callsText(c)})` }),
        destroy: () => only(OPERATIONS.releaseSessionAsync.path, [OPERATIONS.releaseSessionAsync.path, OPERATIONS.getSessionInfo.path]),
      };
      const { ok, note } = check[m.phase]();
      met &&= ok;
      failed ||= !m.ok;
      details.push(`${n} ${PHASE_TITLE[m.phase]}: ${ok ? "at minimum" : "OVER"}: ${note}${m.ok ? "" : " (operation FAILED)"}`);
    }
  }
  return {
    name: "API calls at the minimum",
    status: failed ? "error" : met ? "met" : "missed",
    summary: met
      ? "1 CreateSession per new session, 1 SetLabel per changed one, 0 calls when unchanged, at most 2 per session on refresh, 1 release (and its status polls) per destroyed session"
      : "some operation made more calls than the minimum (see details)",
    details,
  };
}

function rateLimitGoal(r: BenchResults): GoalVerdict {
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
    details: [],
  };
}
