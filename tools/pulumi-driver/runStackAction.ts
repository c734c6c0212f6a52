import { execFile } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "./pulumiCli";
import type { Action, ActionResult, StackSpec } from "./stackRunner";

/**
 * Runs one action in a child process (dist/tools/pulumi-driver/stackCli.js), so every run
 * starts a fresh language runtime, as `pulumi up` does.
 */
export function runStackAction(spec: StackSpec, action: Action): Promise<ActionResult> {
  const script = path.join(REPO_ROOT, "dist", "tools", "pulumi-driver", "stackCli.js");
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, JSON.stringify(spec), action],
      { maxBuffer: 256 * 1024 * 1024, cwd: REPO_ROOT },
      (error, stdout, stderr) => {
        const lastLine = stdout.trim().split("\n").pop() ?? "";
        try {
          resolve(JSON.parse(lastLine) as ActionResult);
        } catch {
          resolve({
            action,
            ok: false,
            changes: {},
            outputs: {},
            log: `${stdout}\n${stderr}`,
            error: error?.message ?? "the stack runner printed no result",
            ms: 0,
          });
        }
      },
    );
  });
}
