/**
 * `npm run bench`: the cost of this provider against Pulumi's own cost and the
 * API calls it cannot avoid, through the real CLI and the emulator.
 *   node scripts/bench.js [--sizes 10,100,500] [--with-1000] [--quick] [--latency 50] [--out DIR]
 * See docs/benchmark.md (written by the default, full run).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_CLIENT_OPTIONS } from "../../provider/client/clientOptions";
import { EmulatorControl } from "../pulumi-driver/emulatorControl";
import { ensurePulumiCli, REPO_ROOT } from "../pulumi-driver/pulumiCli";
import type { BenchActionResult, BenchActionSpec, BenchOp, StateMeasure } from "./benchAction";
import { startCountingProxy, type CountingProxy } from "../pulumi-driver/countingProxy";
import { BASE_LABELS, EDIT_LABELS, FloorRunner, PHASES, type Phase } from "./floor";
import { startEmulatorProcess } from "../pulumi-driver/startEmulatorProcess";
import { endAll, killAllSync, runNodeChild, watchProcess } from "./processes";
import type { TreeUsage } from "./procTree";
import { ACTION_SCRIPT, BENCH_ROOT } from "./benchPaths";
import { parseBenchOptions, type BenchOptions } from "./benchOptions";
import { engineParallelism, loadCost, machineInfo, providerCodeBytes } from "./machineFacts";
import { installPackageCopy } from "../pulumi-driver/installPackageCopy";
import type { BenchResults, OpMeasure, RateLimitedResult, SizeResult } from "./benchResults";
import { evaluateTargets } from "./benchTargets";
import { writeReport } from "./writeReport";
import { runPluginTarget } from "./pluginTarget";

function phaseLabels(phase: Phase): Record<string, string> {
  return phase === "create" ? {} : EDIT_LABELS;
}

const PHASE_OP: Record<Phase, BenchOp> = { create: "up", edit: "up", noChange: "up", refresh: "refresh", destroy: "destroy" };

interface StackTarget {
  example: string;
  project: string;
  stack: string;
  config: Record<string, string>;
  /** The program file, when the project holds its own copy (see installedProject). */
  programPath?: string;
}

/**
 * A project directory with `pulumi-agb` installed under node_modules as npm
 * installs it, and the example program copied in: what users run, so the
 * serialized provider is the module reference they get.
 */
function installedProject(project: string, example: string): { workDir: string; programPath: string } {
  const workDir = path.join(BENCH_ROOT, "projects", project);
  fs.mkdirSync(workDir, { recursive: true });
  installPackageCopy(workDir);
  const programPath = path.join(workDir, "index.js");
  fs.copyFileSync(path.join(REPO_ROOT, "dist", "examples", example, "index.js"), programPath);
  return { workDir, programPath };
}

class Bench {
  private cliDir = "";

  constructor(private readonly options: BenchOptions) {}

  async runStackOp(target: StackTarget, op: BenchOp, labels: Record<string, string>, sessions: number) {
    const spec: BenchActionSpec = {
      example: target.example,
      project: target.project,
      stack: target.stack,
      stateDir: path.join(BENCH_ROOT, "state"),
      workDir: path.join(BENCH_ROOT, "projects", target.project),
      cliDir: this.cliDir,
      op,
      config: { ...target.config, sessionCount: String(sessions), labels: JSON.stringify(labels) },
      programPath: target.programPath,
    };
    const run = await runNodeChild(ACTION_SCRIPT, [JSON.stringify(spec)], { cwd: REPO_ROOT, timeoutMs: this.options.actionTimeoutMs });
    const last = run.stdout.trim().split("\n").pop() ?? "";
    let result: BenchActionResult;
    try {
      result = JSON.parse(last) as BenchActionResult;
    } catch {
      result = {
        op,
        ok: false,
        ms: 0,
        totalMs: 0,
        changes: {},
        error: `${run.timedOut ? "timed out; " : ""}no result (exit ${run.code ?? run.signal}): ${run.stderr.slice(-2000)}`,
      };
    }
    if (run.timedOut) result.ok = false;
    return { result, memory: run.memory, leftovers: run.leftovers };
  }

  /** One phase on one stack, with the emulator's call counts for it alone. */
  async stackPhase(
    target: StackTarget,
    phase: Phase,
    sessions: number,
    control: EmulatorControl,
    proxy: CountingProxy,
  ): Promise<OpMeasure> {
    await control.reset("stats");
    proxy.reset();
    const { result, memory, leftovers } = await this.runStackOp(target, PHASE_OP[phase], phaseLabels(phase), sessions);
    const measure = await this.measured(phase, result.ok, result.ms, control, proxy, memory);
    measure.totalMs = result.totalMs;
    measure.changes = result.changes;
    measure.leftoverProcesses = leftovers;
    if (!result.ok) measure.error = `${result.error ?? "failed"}\n${result.logTail ?? ""}`.slice(0, 6000);
    return measure;
  }

  async exportState(target: StackTarget, sessions: number): Promise<(StateMeasure & { stateFileBytes: number }) | undefined> {
    const { result } = await this.runStackOp(target, "export", EDIT_LABELS, sessions);
    if (!result.ok || !result.state) {
      log(`  export of ${target.project}/${target.stack} failed: ${result.error}`);
      return undefined;
    }
    const dir = path.join(BENCH_ROOT, "state", ".pulumi", "stacks", target.project);
    let stateFileBytes = 0;
    for (const name of [`${target.stack}.json`, `${target.stack}.json.gz`]) {
      if (fs.existsSync(path.join(dir, name))) stateFileBytes = fs.statSync(path.join(dir, name)).size;
    }
    return { ...result.state, stateFileBytes };
  }

  async measured(
    phase: Phase,
    ok: boolean,
    ms: number,
    control: EmulatorControl,
    proxy: CountingProxy,
    memory?: TreeUsage,
  ): Promise<OpMeasure> {
    const calls = await control.stats();
    const faults = await control.faults();
    return {
      phase,
      ok,
      ms,
      calls,
      totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
      rateLimited: faults.injected.rateLimited ?? 0,
      peakInFlight: proxy.peakInFlight(),
      memory,
    };
  }

  /** The emulator, started as users start it, and counted among the processes the benchmark ends whatever happens. */
  async startEmulator(extraArgs: string[]): Promise<{ service: { stop(): Promise<void> }; url: string }> {
    const emulator = await startEmulatorProcess([
      "--latency", String(this.options.latencyMs), "--idle-timeout", "86400", "--max-lifetime", "86400", ...extraArgs,
    ]);
    const unwatch = watchProcess(emulator.child.pid as number);
    return {
      url: emulator.url,
      service: {
        stop: async () => {
          await emulator.stop();
          unwatch();
        },
      },
    };
  }

  async run(): Promise<BenchResults> {
    const o = this.options;
    fs.rmSync(path.join(BENCH_ROOT, "state"), { recursive: true, force: true });
    fs.rmSync(path.join(BENCH_ROOT, "projects"), { recursive: true, force: true });
    fs.mkdirSync(BENCH_ROOT, { recursive: true });
    this.cliDir = ensurePulumiCli();
    const parallel = engineParallelism();
    const results: BenchResults = {
      startedAt: new Date().toISOString(),
      finishedAt: "",
      machine: machineInfo(this.cliDir),
      params: {
        latencyMs: o.latencyMs,
        sizes: o.sizes,
        quick: o.quick,
        note: o.note,
        engineParallelism: parallel.value,
        engineParallelismSource: parallel.source,
        clientMaxConcurrent: DEFAULT_CLIENT_OPTIONS.rateLimit.maxConcurrent,
        labels: { base: BASE_LABELS, edit: EDIT_LABELS },
      },
      sizes: [],
      providerCodeBytes: providerCodeBytes(),
      load: { programPackage: loadCost("pulumi-agb"), providerRuntime: loadCost("pulumi-agb/runtime") },
      targets: [],
    };
    log(`engine parallelism ${parallel.value} (${parallel.source}); latency ${o.latencyMs} ms; sizes ${o.sizes.join(", ")}`);

    const { service: emulator, url } = await this.startEmulator([]);
    const proxy = await startCountingProxy(url);
    const control = new EmulatorControl(proxy.url);
    const { programPath } = installedProject("agb-bench", "basic");
    try {
      for (const sessions of o.sizes) {
        log(`--- ${sessions} sessions`);
        await control.reset("sessions");
        const ours: StackTarget = {
          example: "basic",
          project: "agb-bench",
          stack: `s${sessions}`,
          config: { "agb:endpoint": proxy.url },
          programPath,
        };
        const engine: StackTarget = {
          example: "bench-noop",
          project: "agb-bench-noop",
          stack: `s${sessions}`,
          config: {},
          programPath: path.join(REPO_ROOT, "dist", "tools", "bench", "engineOnlyProgram.js"),
        };
        const floor = new FloorRunner(proxy.url, sessions, parallel.value);
        const size: SizeResult = { sessions, ours: [], engineOnly: [], floor: [] };
        results.sizes.push(size);
        for (const phase of PHASES) {
          const e = await this.stackPhase(engine, phase, sessions, control, proxy);
          size.engineOnly.push(e);
          const u = await this.stackPhase(ours, phase, sessions, control, proxy);
          size.ours.push(u);
          await control.reset("stats");
          proxy.reset();
          const started = Date.now();
          let floorOk = true;
          let floorError: string | undefined;
          try {
            await floor.run(phase);
          } catch (error) {
            floorOk = false;
            floorError = String(error);
          }
          const f = await this.measured(phase, floorOk, Date.now() - started, control, proxy);
          if (floorError) f.error = floorError;
          size.floor.push(f);
          log(
            `${sessions} ${phase.padEnd(8)} ours ${fmt(u.ms)}${u.ok ? "" : " FAILED"} (${u.totalCalls} calls, peak ${u.peakInFlight} in flight)` +
              ` | engine-only ${fmt(e.ms)}${e.ok ? "" : " FAILED"} | floor ${fmt(f.ms)} (${f.totalCalls} calls)`,
          );
          if (!u.ok) log(`  ours failed: ${u.error?.slice(0, 1500)}`);
          if (!e.ok) log(`  engine-only failed: ${e.error?.slice(0, 1500)}`);
          if (phase === "create") {
            size.oursState = await this.exportState(ours, sessions);
            size.engineState = await this.exportState(engine, sessions);
            log(
              `  state: __provider ${size.oursState?.providerBytesMax ?? "?"} B/resource (engine-only ${size.engineState?.providerBytesMax ?? "?"} B),` +
                ` state file ${size.oursState?.stateFileBytes ?? "?"} B (engine-only ${size.engineState?.stateFileBytes ?? "?"} B)`,
            );
          }
        }
        // The plugin path beside the dynamic one (tools/bench/pluginTarget.ts).
        await control.reset("sessions");
        try {
          size.plugin = await runPluginTarget({ sessions, endpoint: proxy.url, cliDir: this.cliDir, control, timeoutMs: o.actionTimeoutMs });
          log(`${sessions} plugin: ${size.plugin.phases.map((p) => `${p.phase} ${fmt(p.ms)}${p.ok ? "" : " FAILED"}`).join(", ")}; state ${size.plugin.stateBytesPerSession ?? "?"} B/session`);
        } catch (error) {
          log(`  plugin path failed: ${String(error).slice(0, 1500)}`);
        }
      }
    } finally {
      await proxy.close();
      await emulator.stop();
    }

    if (o.rateLimitRun) results.rateLimited = await this.rateLimitedRun(Math.max(...o.sizes));
    results.finishedAt = new Date().toISOString();
    results.machine.loadAverageEnd = os.loadavg().map((n) => Number(n.toFixed(2)));
    results.targets = evaluateTargets(results);
    return results;
  }

  /** The largest size again, against an emulator that throttles, with the client's cap on. */
  async rateLimitedRun(sessions: number): Promise<RateLimitedResult> {
    const o = this.options;
    log(`--- rate-limited: ${sessions} sessions, emulator --rate-limit ${o.emulatorRateLimit}/s, cap ${o.capPerSecond}/s, ${o.capConcurrent} concurrent`);
    const { service: emulator, url } = await this.startEmulator(["--rate-limit", String(o.emulatorRateLimit)]);
    const proxy = await startCountingProxy(url);
    const control = new EmulatorControl(proxy.url);
    const result: RateLimitedResult = {
      sessions,
      emulatorRateLimitPerSecond: o.emulatorRateLimit,
      maxRequestsPerSecond: o.capPerSecond,
      maxConcurrentRequests: o.capConcurrent,
      ops: [],
    };
    const target: StackTarget = {
      example: "basic",
      project: "agb-bench-ratelimited",
      programPath: installedProject("agb-bench-ratelimited", "basic").programPath,
      stack: `s${sessions}`,
      config: {
        "agb:endpoint": proxy.url,
        "agb:maxRequestsPerSecond": String(o.capPerSecond),
        "agb:maxConcurrentRequests": String(o.capConcurrent),
      },
    };
    try {
      for (const phase of ["create", "refresh", "destroy"] as const) {
        const m = await this.stackPhase(target, phase, sessions, control, proxy);
        result.ops.push(m);
        log(`rate-limited ${phase.padEnd(8)} ${fmt(m.ms)}${m.ok ? "" : " FAILED"} ${m.totalCalls} calls, ${m.rateLimited} answered 429`);
        if (!m.ok) log(`  failed: ${m.error?.slice(0, 1500)}`);
      }
    } finally {
      await proxy.close();
      await emulator.stop();
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
  process.on("exit", killAllSync);
  try {
    const results = await new Bench(options).run();
    const files = writeReport(results, options.outDir);
    const missed = results.targets.filter((t) => t.status !== "met");
    log(`wrote ${files.join(", ")}`);
    for (const t of results.targets) log(`target ${t.status.toUpperCase().padEnd(6)} ${t.name}: ${t.summary}`);
    if (missed.some((t) => t.status === "error")) process.exitCode = 1;
  } catch (error) {
    if (stopping) return;
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    const ended = await endAll();
    if (ended > 0) log(`ended ${ended} leftover process(es)`);
  }
}
