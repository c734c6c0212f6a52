/** Facts about the machine and the package that a benchmark report states: parallelism, code size, load cost, versions (the rest is the stamp). */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../pulumi-driver/pulumiCli";
import type { BenchResults, LoadCost } from "./benchResults";

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

export function providerCodeBytes(): { runtimeJsBytes: number; providerJsBytes: number } {
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
export function loadCost(module: string): LoadCost {
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

export function machineInfo(): BenchResults["machine"] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json")) as { version: string };
  return { cpuModel: os.cpus()[0]?.model ?? "?", memoryGb: Number((os.totalmem() / 1024 ** 3).toFixed(1)), pulumiNodeSdk: sdk.version };
}
