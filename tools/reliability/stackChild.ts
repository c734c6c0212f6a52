/**
 * One Pulumi operation in its own process (so it can be killed, process tree
 * and all), printing a JSON result as the last line of stdout:
 *   node dist/tools/reliability/stackChild.js '<ChildSpec JSON>' '<ChildOp JSON>'
 */
import fs from "node:fs";
import path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { openStack, recordRun, runOperation } from "../pulumi-driver/stackRunner";
import { pulumiEnv } from "../pulumi-driver/pulumiCli";

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
  return pulumiEnv(spec.cliDir, spec.stateDir, ownPulumiHome(spec));
}

function ownPulumiHome(spec: ChildSpec): Record<string, string> {
  return { PULUMI_HOME: path.join(path.dirname(spec.stateDir), "pulumi-home") };
}

function openChildStack(spec: ChildSpec): Promise<Stack> {
  return openStack({ ...spec, env: ownPulumiHome(spec) });
}

export async function runChildOp(spec: ChildSpec, op: ChildOp): Promise<ChildResult> {
  const result: ChildResult = { ok: true, changes: {}, log: "", ms: 0 };
  return recordRun(result, async (onOutput) => {
    const stack = await openChildStack(spec);
    switch (op.action) {
      case "up":
      case "preview":
      case "destroy":
        result.changes = (await runOperation(stack, op.action, onOutput, { parallel: op.parallel })).changes;
        break;
      case "refresh":
        result.changes = (await runOperation(stack, "refresh", onOutput, { clearPendingCreates: op.clearPendingCreates })).changes;
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
  });
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
