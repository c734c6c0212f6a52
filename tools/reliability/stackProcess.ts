/**
 * Runs stackChild.js in its own process group, so a test can SIGKILL the whole
 * tree (node + Automation API, the pulumi CLI, the dynamic-provider plugin)
 * the way a crashed CI runner or an OOM kill would.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { killProcessTree } from "../pulumi-driver/processTree";
import { REPO_ROOT } from "../pulumi-driver/pulumiCli";
import type { ChildOp, ChildResult, ChildSpec } from "./stackChild";

export interface RunningOp {
  child: ChildProcess;
  result: Promise<ChildResult>;
  /** SIGKILL to the process group and to every descendant found; resolves when none is left. */
  killTree(): Promise<{ killed: number; survivors: number[] }>;
}

const CHILD_SCRIPT = path.join(REPO_ROOT, "dist", "tools", "reliability", "stackChild.js");

export function startOp(spec: ChildSpec, op: ChildOp): RunningOp {
  const child = spawn(process.execPath, [CHILD_SCRIPT, JSON.stringify(spec), JSON.stringify(op)], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const result = new Promise<ChildResult>((resolve) => {
    child.on("close", (code, signal) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(last) as ChildResult);
      } catch {
        resolve({ ok: false, changes: {}, error: `child ended (code ${code}, signal ${signal}): ${stderr.slice(-2000)}`, log: stdout, ms: 0 });
      }
    });
  });
  return {
    child,
    result,
    killTree: () => (child.pid ? killProcessTree(child.pid, result) : Promise.resolve({ killed: 0, survivors: [] })),
  };
}

export async function runOp(spec: ChildSpec, op: ChildOp): Promise<ChildResult> {
  return startOp(spec, op).result;
}
