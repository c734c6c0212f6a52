import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { killProcessTree } from "./processTree";
import { REPO_ROOT } from "./pulumiCli";
import type { Action, ActionResult, StackOp, StackSpec } from "./stackRunner";

/** The compiled child that runs one action (build first). */
export const STACK_CLI = path.join(REPO_ROOT, "dist", "tools", "pulumi-driver", "stackCli.js");

export interface RunningAction {
  child: ChildProcess;
  result: Promise<ActionResult>;
  /** SIGKILL to the process group and to every descendant found; resolves when none is left. */
  killTree(): Promise<{ killed: number; survivors: number[] }>;
}

/** The result a child printed on its last line, or a failed one holding what it printed. */
export function parseActionResult(action: string, stdout: string, why: string): ActionResult {
  try {
    return JSON.parse(stdout.trim().split("\n").pop() ?? "") as ActionResult;
  } catch {
    return { action: action as Action, ok: false, changes: {}, outputs: {}, log: stdout, error: why, ms: 0, totalMs: 0 };
  }
}

/**
 * Starts one action in a child process of its own process group, so every run
 * starts a fresh language runtime, as `pulumi up` does, and the whole tree
 * (node + Automation API, the CLI, the dynamic-provider plugin) can be
 * SIGKILLed the way a crashed CI runner or an OOM kill would.
 */
export function startStackAction(spec: StackSpec, op: StackOp | Action): RunningAction {
  const action = typeof op === "string" ? op : op.action;
  const child = spawn(process.execPath, [STACK_CLI, JSON.stringify(spec), typeof op === "string" ? op : JSON.stringify(op)], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const result = new Promise<ActionResult>((resolve) => {
    child.on("close", (code, signal) => resolve(parseActionResult(action, stdout, `child ended (code ${code}, signal ${signal}): ${stderr.slice(-2000)}`)));
  });
  return {
    child,
    result,
    killTree: () => (child.pid ? killProcessTree(child.pid, result) : Promise.resolve({ killed: 0, survivors: [] })),
  };
}

export function runStackAction(spec: StackSpec, op: StackOp | Action): Promise<ActionResult> {
  return startStackAction(spec, op).result;
}
