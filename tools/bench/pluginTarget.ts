/**
 * The benchmark's plugin-path target: the same sessions and phases as the
 * dynamic provider's (examples/basic), declared in Pulumi YAML and served by
 * the `agb` plugin (dist/plugin, `npm run package-plugin`), driven by the
 * CLI's own commands. A YAML program has no loop, so the project is written
 * out with one resource per session; the label edit rewrites it, as a user
 * editing the program would.
 * runBench calls it once per size, after the dynamic phases.
 */
import fs from "node:fs";
import path from "node:path";
import { EmulatorControl } from "../pulumi-driver/emulatorControl";
import { projectIn } from "../pulumi-driver/cliProjects";
import { pulumiEnv, REPO_ROOT } from "../pulumi-driver/pulumiCli";
import { BENCH_ROOT } from "./benchOptions";
import { watchProcess } from "./benchProcesses";
import { BASE_LABELS, EDIT_LABELS, PHASES, type Phase } from "./benchResults";

export interface PluginPhase {
  phase: Phase;
  ok: boolean;
  ms: number;
  calls: Record<string, number>;
  totalCalls: number;
  error?: string;
}

export interface PluginTargetResult {
  sessions: number;
  /** The plugin script (bundle) and its tarball, bytes. */
  bundleBytes: number;
  tarballBytes?: number;
  /** State file bytes / sessions, after create. */
  stateBytesPerSession?: number;
  phases: PluginPhase[];
  /** Why the path did not run its phases (no bundle, a failed `stack init`): set by runBench. */
  error?: string;
}

const PROJECT = "agb-bench-plugin";
const PLUGIN_DIR = path.join(REPO_ROOT, "dist", "plugin");

function programText(sessions: number, labels: Record<string, string>): string {
  const lines = [
    `name: ${PROJECT}`,
    "runtime: yaml",
    "plugins:",
    "  providers:",
    "    - name: agb",
    `      path: ${JSON.stringify(PLUGIN_DIR)}`,
    "resources:",
  ];
  for (let i = 0; i < sessions; i++) {
    lines.push(`  session-${i}:`, "    type: agb:index:Session", "    properties:", "      imageId: agb-code-space-1", "      labels:");
    for (const [key, value] of Object.entries({ ...labels, index: String(i) })) lines.push(`        ${key}: ${JSON.stringify(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

const COMMAND: Record<Phase, string[]> = {
  create: ["up", "--yes", "--skip-preview"],
  edit: ["up", "--yes", "--skip-preview"],
  noChange: ["up", "--yes", "--skip-preview"],
  refresh: ["refresh", "--yes", "--skip-preview"],
  destroy: ["destroy", "--yes", "--skip-preview"],
};

export async function runPluginTarget(options: {
  sessions: number;
  endpoint: string;
  cliDir: string;
  control: EmulatorControl;
  timeoutMs: number;
}): Promise<PluginTargetResult> {
  const { sessions, endpoint, cliDir, control, timeoutMs } = options;
  const bundle = path.join(PLUGIN_DIR, "pulumi-resource-agb.js");
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run package-plugin\` first`);
  const dir = path.join(BENCH_ROOT, "projects", `${PROJECT}-${sessions}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const stateDir = path.join(BENCH_ROOT, "state-plugin");
  const project = projectIn(dir, cliDir, pulumiEnv(cliDir, stateDir, {}, dir));
  // Watched like every process the benchmark starts, so a Ctrl-C or a kill of the benchmark ends it too.
  const pulumi = async (args: string[]) => {
    let unwatch = () => {};
    const run = await project.pulumi(args, { timeoutMs, onStart: (pid) => (unwatch = watchProcess(pid)) });
    unwatch();
    const out = `${run.stdout}${run.stderr}`;
    // The reason first: the report lists a failure by its first line.
    const why = run.timedOut
      ? `timed out after ${(timeoutMs / 1000).toFixed(0)} s (--action-timeout-min)`
      : (out.split("\n").filter((l) => /error/i.test(l)).pop() ?? `exit ${run.code}`).trim();
    return { ok: run.code === 0 && !run.timedOut, ms: run.ms, out: run.code === 0 && !run.timedOut ? out : `${why}\n${out.slice(-3000)}` };
  };
  const stack = `s${sessions}`;
  const tarball = fs.readdirSync(path.join(REPO_ROOT, "dist")).find((f) => /^pulumi-resource-agb-v.*\.tar\.gz$/.test(f));
  const result: PluginTargetResult = {
    sessions,
    bundleBytes: fs.statSync(bundle).size,
    tarballBytes: tarball ? fs.statSync(path.join(REPO_ROOT, "dist", tarball)).size : undefined,
    phases: [],
  };
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), programText(sessions, BASE_LABELS));
  await pulumi(["stack", "rm", stack, "--yes", "--force"]);
  for (const args of [["stack", "init", stack], ["config", "set", "agb:endpoint", endpoint]]) {
    const step = await pulumi(args);
    if (!step.ok) throw new Error(`pulumi ${args.join(" ")} failed: ${step.out.slice(0, 2000)}`);
  }
  for (const phase of PHASES) {
    if (phase === "edit") fs.writeFileSync(path.join(dir, "Pulumi.yaml"), programText(sessions, { ...BASE_LABELS, ...EDIT_LABELS }));
    await control.reset("stats");
    const run = await pulumi(COMMAND[phase]);
    const calls = await control.stats();
    result.phases.push({
      phase,
      ok: run.ok,
      ms: run.ms,
      calls,
      totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
      ...(run.ok ? {} : { error: run.out }),
    });
    // The later phases would run on a half-made stack and measure nothing comparable (a destroy of nothing "succeeds").
    if (!run.ok) break;
    if (phase === "create") {
      const file = path.join(stateDir, ".pulumi", "stacks", PROJECT, `${stack}.json`);
      if (fs.existsSync(file)) result.stateBytesPerSession = Math.round(fs.statSync(file).size / sessions);
    }
  }
  return result;
}
