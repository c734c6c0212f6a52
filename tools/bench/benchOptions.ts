import path from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT, WORK_ROOT } from "../pulumi-driver/pulumiCli";

/** Where the benchmark keeps its stacks, state and scratch output. */
export const BENCH_ROOT = path.join(WORK_ROOT, "bench");

export interface BenchOptions {
  sizes: number[];
  quick: boolean;
  latencyMs: number;
  outDir: string;
  rateLimitRun: boolean;
  emulatorRateLimit: number;
  capPerSecond: number;
  capConcurrent: number;
  actionTimeoutMs: number;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
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
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      "usage: npm run bench -- [--sizes 10,100,500] [--with-1000] [--quick] [--latency MS] [--out DIR] [--no-rate-limit-run]\n" +
        "  [--emulator-rate-limit N] [--cap-rps N] [--cap-concurrent N] [--action-timeout-min M]\n" +
        "  --quick: sizes 10 unless --sizes is given. Runs other than the default full one write to\n" +
        "  .work/bench/out unless --out is given, so docs/benchmark.* keep the full run. docs/ is written only from a clean tree.\n",
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
  };
}
