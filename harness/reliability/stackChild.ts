/**
 * One Pulumi operation in its own process (so it can be killed, process tree
 * and all), printing a JSON result as the last line of stdout:
 *   node dist/harness/reliability/stackChild.js '<ChildSpec JSON>' '<ChildOp JSON>'
 */
import fs from "node:fs";
import path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { pulumiEnv, REPO_ROOT } from "../pulumiCli";

export interface ChildSpec {
  project: string;
  stack: string;
  /** Example whose compiled program (dist/examples/<example>/index.js) is the inline program. */
  example: string;
  stateDir: string;
  workDir: string;
  cliDir: string;
  config: Record<string, string>;
}

export type ChildOp =
  | { action: "up" | "preview" | "destroy"; parallel?: number }
  | { action: "refresh"; clearPendingCreates?: boolean }
  /** `pulumi cancel`: removes the lock a killed run left behind. */
  | { action: "cancel" }
  | { action: "export" | "import"; file: string };

export interface ChildResult {
  ok: boolean;
  changes: Record<string, number>;
  error?: string;
  log: string;
  ms: number;
}

/** The environment of a child's CLI runs (state backend, passphrase, its own PULUMI_HOME); also for other tools on that stack. */
export function childEnv(spec: ChildSpec): Record<string, string> {
  return pulumiEnv(spec.cliDir, spec.stateDir, { PULUMI_HOME: path.join(path.dirname(spec.stateDir), "pulumi-home") });
}

async function openStack(spec: ChildSpec): Promise<Stack> {
  fs.mkdirSync(spec.workDir, { recursive: true });
  const programModule = path.join(REPO_ROOT, "dist", "examples", spec.example, "index.js");
  const env = childEnv(spec);
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(spec.cliDir), skipVersionCheck: true });
  const stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName: spec.stack,
      projectName: spec.project,
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      program: async () => require(programModule),
    },
    {
      workDir: spec.workDir,
      envVars: env,
      pulumiCommand,
      projectSettings: { name: spec.project, runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL } },
    },
  );
  await stack.setAllConfig(Object.fromEntries(Object.entries(spec.config).map(([k, value]) => [k, { value }])));
  return stack;
}

function counts(summary: Record<string, number | undefined> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(summary ?? {}).filter(([, n]) => n)) as Record<string, number>;
}

export async function runChildOp(spec: ChildSpec, op: ChildOp): Promise<ChildResult> {
  const started = Date.now();
  const lines: string[] = [];
  const onOutput = (text: string) => lines.push(text);
  const result: ChildResult = { ok: true, changes: {}, log: "", ms: 0 };
  try {
    const stack = await openStack(spec);
    switch (op.action) {
      case "up":
        result.changes = counts((await stack.up({ onOutput, color: "never", parallel: op.parallel })).summary.resourceChanges);
        break;
      case "preview":
        result.changes = counts((await stack.preview({ onOutput, color: "never", parallel: op.parallel })).changeSummary);
        break;
      case "destroy":
        result.changes = counts((await stack.destroy({ onOutput, color: "never", parallel: op.parallel })).summary.resourceChanges);
        break;
      case "refresh":
        result.changes = counts(
          (await stack.refresh({ onOutput, color: "never", clearPendingCreates: op.clearPendingCreates })).summary.resourceChanges,
        );
        break;
      case "cancel":
        await stack.cancel();
        break;
      case "export":
        fs.writeFileSync(op.file, JSON.stringify(await stack.exportStack()));
        break;
      case "import":
        await stack.importStack(JSON.parse(fs.readFileSync(op.file, "utf8")));
        break;
    }
  } catch (error) {
    result.ok = false;
    result.error = error instanceof Error ? error.message : String(error);
  }
  result.log = lines.join("");
  result.ms = Date.now() - started;
  return result;
}

if (require.main === module) {
  const [specText, opText] = process.argv.slice(2);
  runChildOp(JSON.parse(specText) as ChildSpec, JSON.parse(opText) as ChildOp).then(
    (result) => process.stdout.write(`\n${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stdout.write(`\n${JSON.stringify({ ok: false, changes: {}, error: String(error), log: "", ms: 0 })}\n`);
      process.exitCode = 1;
    },
  );
}
