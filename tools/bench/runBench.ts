/**
 * `npm run bench`: the cost of this provider against the least the engine can
 * do per resource (the floor) and against what a user writes by hand, through
 * the real CLI and the emulator.
 *   node scripts/bench.js [--sizes 10,100,500] [--with-1000] [--quick] [--latency 50] [--out DIR]
 * See docs/benchmark.md (written by the default, full run, from a clean tree only).
 */
import fs from "node:fs";
import path from "node:path";
import { DEFAULT_CLIENT_OPTIONS } from "../../provider/client/clientOptions";
import { EmulatorControl } from "../pulumi-driver/emulatorControl";
import { ensurePulumiCli, REPO_ROOT } from "../pulumi-driver/pulumiCli";
import { parseActionResult, STACK_CLI } from "../pulumi-driver/runStackAction";
import type { Action, StackSpec } from "../pulumi-driver/stackRunner";
import { startEmulatorProcess } from "../pulumi-driver/startEmulatorProcess";
import { refuseDirtyDocs, startStamp, treeState } from "../report/reportStamp";
import { endAll, runNodeChild, watchProcess } from "./benchProcesses";
import { BENCH_ROOT, parseBenchOptions, type BenchOptions } from "./benchOptions";
import { evaluateGoals } from "./benchGoals";
import { BASE_LABELS, EDIT_LABELS, measureState, PHASES, type BenchResults, type OpMeasure, type Phase, type RateLimitedResult, type SizeResult } from "./benchResults";
import { BENCH_TARGETS, OURS, type BenchTarget } from "./benchTargets";
import { engineParallelism, loadCost, machineInfo, providerCodeBytes } from "./machineFacts";
import { writeReport } from "./writeReport";
import { runPluginTarget } from "./pluginTarget";

const PHASE_ACTION: Record<Phase, Action> = { create: "up", edit: "up", noChange: "up", refresh: "refresh", destroy: "destroy" };

/** One target's stack at one size: the project it was installed in and the config of each run. */
interface StackRun {
  target: BenchTarget;
  project: string;
  programPath: string;
  stack: string;
  config: Record<string, string>;
}

class Bench {
  constructor(
    private readonly options: BenchOptions,
    private readonly cliDir: string,
  ) {}

  spec(run: StackRun, labels: Record<string, string>, sessions: number): StackSpec {
    return {
      example: "basic",
      project: run.project,
      stack: run.stack,
      stateDir: path.join(BENCH_ROOT, "state"),
      workDir: path.join(BENCH_ROOT, "projects", run.project),
      cliDir: this.cliDir,
      config: { ...run.config, sessionCount: String(sessions), labels: JSON.stringify(labels) },
      programPath: run.programPath,
    };
  }

  /** One phase on one stack, with the emulator's call counts for it alone. */
  async stackPhase(run: StackRun, phase: Phase, sessions: number, control: EmulatorControl): Promise<OpMeasure> {
    await control.reset("stats");
    const spec = this.spec(run, phase === "create" ? {} : EDIT_LABELS, sessions);
    const child = await runNodeChild(STACK_CLI, [JSON.stringify(spec), PHASE_ACTION[phase]], { cwd: REPO_ROOT, timeoutMs: this.options.actionTimeoutMs });
    const result = parseActionResult(PHASE_ACTION[phase], child.stdout, `${child.timedOut ? "timed out; " : ""}no result (exit ${child.code}): ${child.stderr.slice(-2000)}`);
    const calls = await control.stats();
    const faults = await control.faults();
    const measure: OpMeasure = {
      phase,
      ok: result.ok && !child.timedOut,
      ms: result.ms,
      totalMs: result.totalMs,
      changes: result.changes,
      calls,
      totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
      rateLimited: faults.injected.rateLimited ?? 0,
      peakInFlight: (await control.concurrency()).peak,
      memory: child.memory,
      leftoverProcesses: child.leftovers,
    };
    if (!measure.ok) measure.error = `${result.error ?? "failed"}\n${result.log.slice(-4000)}`.slice(0, 6000);
    return measure;
  }

  async exportState(run: StackRun, sessions: number) {
    const child = await runNodeChild(STACK_CLI, [JSON.stringify(this.spec(run, EDIT_LABELS, sessions)), "export"], { cwd: REPO_ROOT, timeoutMs: this.options.actionTimeoutMs });
    const result = parseActionResult("export", child.stdout, child.stderr.slice(-2000));
    if (!result.ok || !result.exported) {
      log(`  export of ${run.project}/${run.stack} failed: ${result.error}`);
      return undefined;
    }
    const dir = path.join(BENCH_ROOT, "state", ".pulumi", "stacks", run.project);
    const file = [`${run.stack}.json`, `${run.stack}.json.gz`].map((name) => path.join(dir, name)).find((f) => fs.existsSync(f));
    return measureState(result.exported, file ? fs.statSync(file).size : 0);
  }

  /** The emulator, started as users start it, and counted among the processes the benchmark ends whatever happens. */
  async startEmulator(extraArgs: string[]) {
    const emulator = await startEmulatorProcess(["--latency", String(this.options.latencyMs), "--idle-timeout", "86400", "--max-lifetime", "86400", ...extraArgs]);
    const unwatch = watchProcess(emulator.child.pid as number);
    return {
      url: emulator.url,
      control: new EmulatorControl(emulator.url),
      stop: async () => {
        await emulator.stop();
        unwatch();
      },
    };
  }

  /** Installs a target's project once (build first). */
  install(target: BenchTarget, project: string): string {
    return target.prepare(path.join(BENCH_ROOT, "projects", project));
  }

  async run(stamp: ReturnType<typeof startStamp>): Promise<BenchResults> {
    const o = this.options;
    // A run that was killed leaves its stacks and their locks: every run starts from none.
    for (const dir of ["state", "state-plugin"]) fs.rmSync(path.join(BENCH_ROOT, dir), { recursive: true, force: true });
    fs.rmSync(path.join(BENCH_ROOT, "projects"), { recursive: true, force: true });
    const parallel = engineParallelism();
    const results: BenchResults = {
      stamp: undefined as unknown as BenchResults["stamp"],
      machine: machineInfo(),
      params: {
        latencyMs: o.latencyMs,
        sizes: o.sizes,
        quick: o.quick,
        engineParallelism: parallel.value,
        engineParallelismSource: parallel.source,
        clientMaxConcurrent: DEFAULT_CLIENT_OPTIONS.rateLimit.maxConcurrent,
        labels: { base: BASE_LABELS, edit: EDIT_LABELS },
      },
      targets: BENCH_TARGETS.map(({ key, title, about }) => ({ key, title, about })),
      sizes: [],
      providerCodeBytes: providerCodeBytes(),
      load: { programPackage: loadCost("pulumi-agb"), providerRuntime: loadCost("pulumi-agb/runtime") },
      goals: [],
    };
    log(`engine parallelism ${parallel.value} (${parallel.source}); latency ${o.latencyMs} ms; sizes ${o.sizes.join(", ")}`);
    const service = await this.startEmulator([]);
    const programs = new Map(BENCH_TARGETS.map((t) => [t.key, this.install(t, `agb-bench-${t.key}`)]));
    try {
      for (const sessions of o.sizes) {
        log(`--- ${sessions} sessions`);
        await service.control.reset("sessions");
        const runs = BENCH_TARGETS.map((target): StackRun => ({
          target,
          project: `agb-bench-${target.key}`,
          programPath: programs.get(target.key) as string,
          stack: `s${sessions}`,
          config: target.callsApi ? { "agb:endpoint": service.url } : ({} as Record<string, string>),
        }));
        const size: SizeResult = { sessions, ops: {}, state: {} };
        results.sizes.push(size);
        for (const phase of PHASES) {
          // The targets of one phase run back to back, so a change in the machine's load touches them alike.
          for (const run of runs) {
            const m = await this.stackPhase(run, phase, sessions, service.control);
            (size.ops[run.target.key] ??= []).push(m);
            if (!m.ok) log(`  ${run.target.key} ${phase} failed: ${m.error?.slice(0, 1500)}`);
            if (phase === "create") size.state[run.target.key] = await this.exportState(run, sessions);
          }
          log(`${sessions} ${phase.padEnd(8)} ` + runs.map((r) => `${r.target.key} ${fmt(size.ops[r.target.key].at(-1)?.ms ?? 0)}`).join(" | "));
        }
        // The plugin path beside the dynamic one (tools/bench/pluginTarget.ts).
        await service.control.reset("sessions");
        try {
          size.plugin = await runPluginTarget({ sessions, endpoint: service.url, cliDir: this.cliDir, control: service.control, timeoutMs: o.actionTimeoutMs });
          log(`${sessions} plugin: ${size.plugin.phases.map((p) => `${p.phase} ${fmt(p.ms)}${p.ok ? "" : ` FAILED (${p.error?.split("\n")[0]})`}`).join(", ")}; state ${size.plugin.stateBytesPerSession ?? "?"} B/session`);
        } catch (error) {
          // Kept in the results, so the report says the plugin path failed rather than leaving its section out.
          size.plugin = { sessions, bundleBytes: 0, phases: [], error: error instanceof Error ? error.message : String(error) };
          log(`  plugin path failed: ${size.plugin.error?.slice(0, 1500)}`);
        }
      }
    } finally {
      await service.stop();
    }
    if (o.rateLimitRun) results.rateLimited = await this.rateLimitedRun(Math.max(...o.sizes));
    results.stamp = stamp.finish();
    results.goals = evaluateGoals(results);
    return results;
  }

  /** The largest size again, ours only, against an emulator that throttles, with the client's cap on. */
  async rateLimitedRun(sessions: number): Promise<RateLimitedResult> {
    const o = this.options;
    log(`--- rate-limited: ${sessions} sessions, emulator --rate-limit ${o.emulatorRateLimit}/s, cap ${o.capPerSecond}/s, ${o.capConcurrent} concurrent`);
    const service = await this.startEmulator(["--rate-limit", String(o.emulatorRateLimit)]);
    const result: RateLimitedResult = {
      sessions,
      emulatorRateLimitPerSecond: o.emulatorRateLimit,
      maxRequestsPerSecond: o.capPerSecond,
      maxConcurrentRequests: o.capConcurrent,
      ops: [],
    };
    const run: StackRun = {
      target: OURS,
      project: "agb-bench-ratelimited",
      programPath: this.install(OURS, "agb-bench-ratelimited"),
      stack: `s${sessions}`,
      config: {
        "agb:endpoint": service.url,
        "agb:maxRequestsPerSecond": String(o.capPerSecond),
        "agb:maxConcurrentRequests": String(o.capConcurrent),
      },
    };
    try {
      for (const phase of ["create", "refresh", "destroy"] as const) {
        const m = await this.stackPhase(run, phase, sessions, service.control);
        result.ops.push(m);
        log(`rate-limited ${phase.padEnd(8)} ${fmt(m.ms)}${m.ok ? "" : " FAILED"} ${m.totalCalls} calls, ${m.rateLimited} answered 429`);
      }
    } finally {
      await service.stop();
    }
    return result;
  }

}

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function log(text: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(argv);
    // Fail before an hour of measuring, not after; checked again when the run ends.
    refuseDirtyDocs(path.join(options.outDir, "benchmark.md"), treeState().dirty);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: ending the processes the benchmark started`);
    void endAll().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", () => void endAll(true));
  try {
    const cliDir = ensurePulumiCli();
    const results = await new Bench(options, cliDir).run(startStamp(cliDir));
    refuseDirtyDocs(path.join(options.outDir, "benchmark.md"), results.stamp.dirty);
    log(`wrote ${writeReport(results, options.outDir).join(", ")}`);
    for (const g of results.goals) log(`goal ${g.status.toUpperCase().padEnd(6)} ${g.name}: ${g.summary}`);
    if (results.goals.some((g) => g.status === "error")) process.exitCode = 1;
  } catch (error) {
    if (stopping) return;
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    const ended = await endAll();
    if (ended > 0) log(`ended ${ended} leftover process(es)`);
  }
}
