import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type * as automation from "@pulumi/pulumi/automation";
import { pulumiEnv, REPO_ROOT, WORK_ROOT } from "./pulumiCli";

export interface StackSpec {
  /** Example program directory under examples/ (compiled into dist/examples). */
  example: string;
  /** A program module to run instead of the example (e.g. in a project made from the packed tarball). */
  programPath?: string;
  /** Project directory; defaults to .work/projects/<project>. The provider process runs here. */
  workDir?: string;
  project?: string;
  stack: string;
  /** Plain stack config, namespaced keys (e.g. "agb:endpoint"). */
  config?: Record<string, string>;
  /** Secret stack config. */
  secretConfig?: Record<string, string>;
  /** Where state lives; defaults to .work/state. */
  stateDir?: string;
  cliDir: string;
  env?: Record<string, string>;
}

export type Action = "up" | "preview" | "refresh" | "destroy" | "export" | "import" | "outputs" | "cancel";

/** An action with its options; a bare action name takes the defaults. */
export interface StackOp {
  action: Action;
  /** The engine's --parallel; its default when absent. */
  parallel?: number;
  /** refresh only: drop pending creates from state (what a user does after a killed run, without agb-recover-pending). */
  clearPendingCreates?: boolean;
  /** import only: the `pulumi stack export` text to import. */
  state?: string;
}

export interface ActionResult {
  action: Action;
  ok: boolean;
  /** Resource operation counts, e.g. { create: 3, update: 1, same: 2 }. */
  changes: Record<string, number>;
  outputs: Record<string, unknown>;
  /** Everything the CLI printed. */
  log: string;
  error?: string;
  /** `pulumi stack export` text, for action "export". */
  exported?: string;
  /** The action alone; opening the stack and setting its config (a few CLI calls) are in `totalMs` only. */
  ms: number;
  totalMs: number;
}

/**
 * Runs one CLI action on an example stack. The example's module is the inline
 * program (Automation API), loaded fresh each run so it sees the current
 * config; the engine, the CLI, the dynamic-provider plugin and the emulator
 * are all real.
 */
export async function runAction(spec: StackSpec, opOrAction: StackOp | Action): Promise<ActionResult> {
  const op = typeof opOrAction === "string" ? { action: opOrAction } : opOrAction;
  const result: ActionResult = { action: op.action, ok: true, changes: {}, outputs: {}, log: "", ms: 0, totalMs: 0 };
  const startedTotal = Date.now();
  const lines: string[] = [];
  const common = { onOutput: (text: string) => lines.push(text), color: "never" as const };
  try {
    const stack = await openStack(spec);
    const started = Date.now();
    switch (op.action) {
      case "up": {
        const up = await stack.up({ ...common, parallel: op.parallel });
        result.changes = countChanges(up.summary.resourceChanges);
        result.outputs = plainOutputs(up.outputs);
        break;
      }
      case "preview":
        result.changes = countChanges((await stack.preview({ ...common, parallel: op.parallel, diff: true })).changeSummary);
        break;
      case "refresh":
        result.changes = countChanges((await stack.refresh({ ...common, clearPendingCreates: op.clearPendingCreates })).summary.resourceChanges);
        break;
      case "destroy":
        result.changes = countChanges((await stack.destroy({ ...common, parallel: op.parallel })).summary.resourceChanges);
        break;
      case "export":
        // What a user sees from `pulumi stack export`. (The Automation API's
        // exportStack passes --show-secrets, which would decrypt secrets.)
        result.exported = execFileSync(path.join(spec.cliDir, "pulumi"), ["stack", "export", "--stack", spec.stack], {
          cwd: stack.workspace.workDir,
          env: { ...process.env, ...stack.workspace.envVars },
          encoding: "utf8",
          maxBuffer: 512 * 1024 * 1024,
        });
        break;
      case "import":
        await stack.importStack(JSON.parse(op.state ?? "null"));
        break;
      case "outputs":
        result.outputs = plainOutputs(await stack.outputs());
        break;
      case "cancel":
        // Removes the lock a killed run left behind.
        await stack.cancel();
        break;
    }
    result.ms = Date.now() - started;
  } catch (error) {
    result.ok = false;
    result.error = error instanceof Error ? error.message : String(error);
  }
  result.log = lines.join("");
  result.totalMs = Date.now() - startedTotal;
  result.ms ||= result.totalMs;
  return result;
}

/**
 * The Automation API of the project that owns the program: a program must
 * register its resources through the same @pulumi/pulumi copy that runs it.
 */
function automationFor(workDir: string): typeof automation {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve("@pulumi/pulumi/automation", { paths: [workDir, REPO_ROOT] }));
}

/** The project name, project directory and CLI environment of a spec, defaults filled in; also for other tools run on that stack. */
export function stackEnv(spec: StackSpec): { project: string; workDir: string; env: Record<string, string> } {
  const project = spec.project ?? `agb-${spec.example.replace(/[^a-z0-9]+/gi, "-")}`;
  const workDir = spec.workDir ?? path.join(WORK_ROOT, "projects", project);
  fs.mkdirSync(workDir, { recursive: true });
  return { project, workDir, env: pulumiEnv(spec.cliDir, spec.stateDir ?? path.join(WORK_ROOT, "state"), spec.env, workDir) };
}

/** Creates or selects the stack of an example program, with its config set. */
export async function openStack(spec: StackSpec): Promise<automation.Stack> {
  const { project, workDir, env } = stackEnv(spec);
  const programModule = spec.programPath ?? path.join(REPO_ROOT, "dist", "examples", spec.example, "index.js");
  const { LocalWorkspace, PulumiCommand } = automationFor(workDir);
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(spec.cliDir), skipVersionCheck: true });
  const stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName: spec.stack,
      projectName: project,
      program: async () => {
        // A fresh load each run, so the program sees the config of this run.
        delete require.cache[require.resolve(programModule)];
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(programModule);
      },
    },
    {
      workDir,
      envVars: env,
      pulumiCommand,
      projectSettings: { name: project, runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL } },
    },
  );
  const config: Record<string, { value: string; secret?: boolean }> = {};
  for (const [key, value] of Object.entries(spec.config ?? {})) config[key] = { value };
  for (const [key, value] of Object.entries(spec.secretConfig ?? {})) config[key] = { value, secret: true };
  if (Object.keys(config).length > 0) await stack.setAllConfig(config);
  return stack;
}

function countChanges(summary: Record<string, number | undefined> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, count] of Object.entries(summary ?? {})) if (count) out[kind] = count;
  return out;
}

function plainOutputs(outputs: Record<string, { value: unknown; secret: boolean }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}
