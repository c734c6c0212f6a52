/**
 * `npm run bench`: the cost of this provider against Pulumi's own cost and the
 * API calls it cannot avoid, through the real CLI and the emulator.
 *   node scripts/bench.js [--sizes 10,100,500] [--with-1000] [--quick] [--latency 50] [--out DIR]
 * See docs/benchmark.md (written by the default, full run).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CLIENT_OPTIONS } from "../../provider/client/clientOptions";
import { EmulatorControl } from "../pulumi-driver/emulatorControl";
import { ensurePulumiCli, REPO_ROOT, WORK_ROOT } from "../pulumi-driver/pulumiCli";
import type { BenchActionResult, BenchActionSpec, BenchOp, StateMeasure } from "./benchAction";
import { startCountingProxy, type CountingProxy } from "./countingProxy";
import { BASE_LABELS, EDIT_LABELS, FloorRunner, PHASES, type Phase } from "./floor";
import { endAll, killAllSync, runNodeChild, startNodeService, type LongRunning } from "./processes";
import type { TreeUsage } from "./procTree";
import { installPackageCopy } from "../pulumi-driver/installPackageCopy";
import type { BenchResults, LoadCost, OpMeasure, RateLimitedResult, SizeResult } from "./benchResults";
import { evaluateTargets } from "./benchTargets";
import { writeReport } from "./writeReport";

export const BENCH_ROOT = path.join(WORK_ROOT, "bench");
const ACTION_SCRIPT = path.join(REPO_ROOT, "dist", "tools", "bench", "benchAction.js");
const EMULATOR_SCRIPT = path.join(REPO_ROOT, "dist", "emulator", "cli.js");

interface Options {
  sizes: number[];
  quick: boolean;
  latencyMs: number;
  outDir: string;
  rateLimitRun: boolean;
  emulatorRateLimit: number;
  capPerSecond: number;
  capConcurrent: number;
  actionTimeoutMs: number;
  note?: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: "string" },
      quick: { type: "boolean", default: false },
      "with-1000": { type: "boolean", default: false },
      latency: { type: "string", default: "50" },
      out: { type: "string" },
      "no-rate-limit-run": { type: "boolean", default: false },
      "emulator-rate-limit": { type: "string", default: "50" },
      "cap-rps": { type: "string", default: "40" },
      "cap-concurrent": { type: "string", default: "8" },
      "action-timeout-min": { type: "string", default: "45" },
      note: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      "usage: npm run bench -- [--sizes 10,100,500] [--with-1000] [--quick] [--latency MS] [--out DIR] [--no-rate-limit-run]\n" +
        "  [--emulator-rate-limit N] [--cap-rps N] [--cap-concurrent N] [--action-timeout-min M] [--note TEXT]\n" +
        "  --quick: sizes 10 unless --sizes is given. Runs other than the default full one write to\n" +
        "  .work/bench/out unless --out is given, so docs/benchmark.* keep the full run.\n",
    );
    process.exit(0);
  }
  const num = (text: string, name: string) => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a number, got ${text}`);
    return n;
  };
  const sizes = values.sizes
    ? values.sizes.split(",").map((s) => Math.round(num(s.trim(), "sizes")))
    : values.quick
      ? [10]
      : [10, 100, 500, ...(values["with-1000"] ? [1000] : [])];
  if (sizes.length === 0 || sizes.some((n) => n < 1)) throw new Error("--sizes takes positive whole numbers, e.g. 10,100");
  const fullRun = !values.sizes && !values.quick;
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    quick: values.quick ?? false,
    latencyMs: num(values.latency as string, "latency"),
    outDir: values.out ? path.resolve(values.out) : fullRun ? path.join(REPO_ROOT, "docs") : path.join(BENCH_ROOT, "out"),
    rateLimitRun: !values["no-rate-limit-run"],
    emulatorRateLimit: num(values["emulator-rate-limit"] as string, "emulator-rate-limit"),
    capPerSecond: num(values["cap-rps"] as string, "cap-rps"),
    capConcurrent: num(values["cap-concurrent"] as string, "cap-concurrent"),
    actionTimeoutMs: num(values["action-timeout-min"] as string, "action-timeout-min") * 60_000,
    note: values.note,
  };
}

/**
 * The engine's degree of parallelism for up/refresh/destroy when --parallel is
 * not given (the Automation API passes none): PULUMI_PARALLEL, else
 * 4 x GOMAXPROCS (pkg/cmd/pulumi/operations/up.go defaultParallel, v3.274.1),
 * GOMAXPROCS being the CPU count, or the cgroup CPU limit when lower.
 */
export function engineParallelism(env: NodeJS.ProcessEnv = process.env): { value: number; source: string } {
  const fromEnv = Number(env.PULUMI_PARALLEL);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return { value: fromEnv, source: "PULUMI_PARALLEL" };
  let procs = os.availableParallelism();
  let why = `${procs} CPUs`;
  const goMax = Number(env.GOMAXPROCS);
  if (Number.isInteger(goMax) && goMax > 0) {
    procs = goMax;
    why = `GOMAXPROCS=${goMax}`;
  } else {
    try {
      const [quota, period] = fs.readFileSync("/sys/fs/cgroup/cpu.max", "utf8").trim().split(/\s+/);
      if (quota !== "max" && Number(period) > 0) {
        const limit = Math.max(2, Math.ceil(Number(quota) / Number(period)));
        if (limit < procs) {
          procs = limit;
          why = `cgroup CPU limit ${quota}/${period}`;
        }
      }
    } catch {
      // no cgroup v2 CPU limit
    }
  }
  return { value: 4 * procs, source: `4 x GOMAXPROCS (${why}), the CLI's default --parallel` };
}

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

  constructor(private readonly options: Options) {}

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

  async startEmulator(extraArgs: string[]): Promise<{ service: LongRunning; url: string }> {
    const { service, match } = await startNodeService(
      EMULATOR_SCRIPT,
      ["--port", "0", "--latency", String(this.options.latencyMs), "--idle-timeout", "86400", "--max-lifetime", "86400", ...extraArgs],
      /listening on (http:\/\/\S+)/,
      { cwd: REPO_ROOT },
    );
    return { service, url: match[1] };
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
        const engine: StackTarget = { example: "bench-noop", project: "agb-bench-noop", stack: `s${sessions}`, config: {} };
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

function providerCodeBytes(): { runtimeJsBytes: number; providerJsBytes: number } {
  const total = (dir: string): number => {
    let sum = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) sum += total(full);
      else if (entry.name.endsWith(".js")) sum += fs.statSync(full).size;
    }
    return sum;
  };
  const base = path.join(REPO_ROOT, "dist", "provider");
  return { runtimeJsBytes: total(path.join(base, "runtime")), providerJsBytes: total(base) };
}

/**
 * What loading a module of this package costs on top of @pulumi/pulumi, in a
 * fresh process: time, heap, modules, and whether axios and zod came with it.
 * Best of three (least time).
 */
function loadCost(module: string): LoadCost {
  const script = `
    require("@pulumi/pulumi");
    const before = new Set(Object.keys(require.cache));
    global.gc();
    const heap = process.memoryUsage().heapUsed;
    const started = process.hrtime.bigint();
    require(process.argv[1]);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    global.gc();
    const added = Object.keys(require.cache).filter((p) => !before.has(p));
    process.stdout.write(JSON.stringify({
      ms: Math.round(ms), heapKb: Math.round((process.memoryUsage().heapUsed - heap) / 1024), modules: added.length,
      loadsAxios: added.some((p) => p.includes("/node_modules/axios/")), loadsZod: added.some((p) => p.includes("/node_modules/zod/")),
    }));`;
  const runs: LoadCost[] = [];
  for (let i = 0; i < 3; i++) {
    try {
      runs.push(JSON.parse(execFileSync(process.execPath, ["--expose-gc", "-e", script, module], { cwd: REPO_ROOT, encoding: "utf8" })) as LoadCost);
    } catch {
      // leave it out
    }
  }
  return runs.reduce<LoadCost>((best, run) => (run.ms < best.ms ? run : best), runs[0] ?? { ms: 0, heapKb: 0, modules: 0, loadsAxios: false, loadsZod: false });
}

function machineInfo(cliDir: string): BenchResults["machine"] {
  let pulumiVersion = "?";
  try {
    pulumiVersion = execFileSync(path.join(cliDir, "pulumi"), ["version"], { encoding: "utf8" }).trim();
  } catch {
    // unknown
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdkVersion = (require(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json")) as { version: string }).version;
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "?",
    memoryGb: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    pulumiCli: pulumiVersion,
    pulumiNodeSdk: sdkVersion,
    loadAverageStart: os.loadavg().map((n) => Number(n.toFixed(2))),
    loadAverageEnd: [],
  };
}

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function log(text: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(argv);
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
