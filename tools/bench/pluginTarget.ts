/**
 * The benchmark's plugin-path target: the same sessions and phases as the
 * dynamic provider's (examples/basic), declared in Pulumi YAML and served by
 * the `agb` plugin (dist/plugin, `npm run package-plugin`), driven by the
 * CLI's own commands. A YAML program has no loop, so the project is written
 * out with one resource per session; the label edit rewrites it, as a user
 * editing the program would.
 *
 * Hook: runBench calls `runPluginTarget` once per size after the dynamic
 * phases and keeps the result in `size.plugin`; renderPluginSection reports it.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { EmulatorControl } from "../pulumi-driver/emulatorControl";
import { pulumiEnv, REPO_ROOT } from "../pulumi-driver/pulumiCli";
import { BENCH_ROOT } from "./benchOptions";
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

function cli(cliDir: string, dir: string, env: Record<string, string>, args: string[], timeoutMs: number): Promise<{ ok: boolean; ms: number; out: string }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      path.join(cliDir, "pulumi"),
      [...args, "--non-interactive", "--color", "never"],
      { cwd: dir, env, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs },
      (error, stdout, stderr) => resolve({ ok: !error, ms: Date.now() - started, out: `${stdout}${stderr}` }),
    );
  });
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
  const env = pulumiEnv(cliDir, stateDir, {}, dir);
  const stack = `s${sessions}`;
  const tarball = fs.readdirSync(path.join(REPO_ROOT, "dist")).find((f) => /^pulumi-resource-agb-v.*\.tar\.gz$/.test(f));
  const result: PluginTargetResult = {
    sessions,
    bundleBytes: fs.statSync(bundle).size,
    tarballBytes: tarball ? fs.statSync(path.join(REPO_ROOT, "dist", tarball)).size : undefined,
    phases: [],
  };
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), programText(sessions, BASE_LABELS));
  await cli(cliDir, dir, env, ["stack", "rm", stack, "--yes", "--force"], timeoutMs);
  for (const args of [["stack", "init", stack], ["config", "set", "agb:endpoint", endpoint]]) {
    const step = await cli(cliDir, dir, env, args, timeoutMs);
    if (!step.ok) throw new Error(`pulumi ${args.join(" ")} failed: ${step.out.slice(-2000)}`);
  }
  for (const phase of PHASES) {
    if (phase === "edit") fs.writeFileSync(path.join(dir, "Pulumi.yaml"), programText(sessions, { ...BASE_LABELS, ...EDIT_LABELS }));
    await control.reset("stats");
    const run = await cli(cliDir, dir, env, COMMAND[phase], timeoutMs);
    const calls = await control.stats();
    result.phases.push({
      phase,
      ok: run.ok,
      ms: run.ms,
      calls,
      totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
      ...(run.ok ? {} : { error: run.out.slice(-3000) }),
    });
    if (phase === "create") {
      const file = path.join(stateDir, ".pulumi", "stacks", PROJECT, `${stack}.json`);
      if (fs.existsSync(file)) result.stateBytesPerSession = Math.round(fs.statSync(file).size / sessions);
    }
  }
  return result;
}

/** The plugin path beside the dynamic provider's, size by size, for the report. */
export function renderPluginSection(
  sizes: readonly {
    sessions: number;
    ops: Record<string, readonly { phase: Phase; ms: number }[]>;
    state: Record<string, { stateFileBytes?: number } | undefined>;
    plugin?: PluginTargetResult;
  }[],
): string {
  const rows = sizes.filter((s) => s.plugin);
  if (rows.length === 0) return "";
  const out = [
    "## The plugin path (Pulumi YAML, `agb` provider plugin)",
    "",
    "The same sessions and labels declared in Pulumi YAML, served by the `agb` plugin, CLI commands with `--skip-preview`.",
    "",
    "| sessions | phase | plugin s | dynamic s | plugin / dynamic | plugin calls |",
    "|---:|---|---:|---:|---:|---:|",
  ];
  for (const size of rows) {
    for (const p of size.plugin?.phases ?? []) {
      const dynamic = size.ops.ours?.find((o) => o.phase === p.phase);
      out.push(
        `| ${size.sessions} | ${p.phase} | ${(p.ms / 1000).toFixed(1)}${p.ok ? "" : " FAILED"} | ${dynamic ? (dynamic.ms / 1000).toFixed(1) : "-"} | ` +
          `${dynamic && dynamic.ms > 0 ? (p.ms / dynamic.ms).toFixed(2) : "-"} | ${p.totalCalls} |`,
      );
    }
  }
  out.push("", "| sessions | plugin state B/session | dynamic state B/session | plugin bundle B | tarball B |", "|---:|---:|---:|---:|---:|");
  for (const size of rows) {
    const oursState = size.state.ours;
    const dynamic = oursState?.stateFileBytes ? Math.round(oursState.stateFileBytes / size.sessions) : undefined;
    out.push(
      `| ${size.sessions} | ${size.plugin?.stateBytesPerSession ?? "-"} | ${dynamic ?? "-"} | ${size.plugin?.bundleBytes ?? "-"} | ${size.plugin?.tarballBytes ?? "-"} |`,
    );
  }
  return `${out.join("\n")}\n`;
}

if (require.main === module) {
  // node dist/tools/bench/pluginTarget.js <sessions> <endpoint> <cliDir>: the plugin path alone, for a quick check.
  void (async () => {
    const [sessions, endpoint, cliDir] = process.argv.slice(2);
    const result = await runPluginTarget({ sessions: Number(sessions), endpoint, cliDir, control: new EmulatorControl(endpoint), timeoutMs: 30 * 60_000 });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  })();
}
