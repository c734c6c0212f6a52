/**
 * Runs the package's real `agb-recover-pending` bin (dist/provider/recovery/cli.js)
 * the way a user would: in the stack's project directory, with the `pulumi` and
 * the dynamic-provider plugin on PATH from the given environment (see pulumiEnv).
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "../../tools/pulumi-driver/pulumiCli";

export const RECOVER_PENDING_CLI = path.join(REPO_ROOT, "dist", "provider", "recovery", "cli.js");

/** The figures of the CLI's summary line. */
export interface RecoverSummary {
  pendingCreates: number;
  found: number;
  dropped: number;
  released: number;
  /** `urn -> sessionId` lines that follow the summary. */
  adopted: Array<{ urn: string; sessionId: string }>;
}

export interface RecoverRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** Undefined when the summary line is missing (the CLI failed before it). */
  summary?: RecoverSummary;
}

const SUMMARY =
  /^pending creates: (\d+); sessions found and written into state: (\d+); made no session \([^)]*\): (\d+); duplicates released: (\d+)/m;

export function parseRecoverSummary(stdout: string): RecoverSummary | undefined {
  const match = SUMMARY.exec(stdout);
  if (!match) return undefined;
  const adopted = [...stdout.matchAll(/^ {2}(\S+) -> (\S+)$/gm)].map(([, urn, sessionId]) => ({ urn, sessionId }));
  return {
    pendingCreates: Number(match[1]),
    found: Number(match[2]),
    dropped: Number(match[3]),
    released: Number(match[4]),
    adopted,
  };
}

export function runRecoverPending(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<RecoverRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [RECOVER_PENDING_CLI, ...args],
      { cwd: options.cwd, env: options.env, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started, summary: parseRecoverSummary(stdout) });
      },
    );
  });
}
