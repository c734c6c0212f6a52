/**
 * Runs stackChild.js in its own process group, so a test can SIGKILL the whole
 * tree (node + Automation API, the pulumi CLI, the dynamic-provider plugin)
 * the way a crashed CI runner or an OOM kill would.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../pulumiCli";
import type { ChildOp, ChildResult, ChildSpec } from "./stackChild";

export interface RunningOp {
  child: ChildProcess;
  result: Promise<ChildResult>;
  /** SIGKILL to the process group and to every descendant found; resolves when none is left. */
  killTree(): Promise<{ killed: number; survivors: number[] }>;
}

const CHILD_SCRIPT = path.join(REPO_ROOT, "dist", "harness", "reliability", "stackChild.js");

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
    killTree: async () => {
      const pids = child.pid ? descendants(child.pid) : [];
      if (child.pid) pids.unshift(child.pid);
      let killed = 0;
      if (child.pid) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // the group may already be gone
        }
      }
      // Plugins may have moved to process groups of their own: kill each by id too.
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
          killed++;
        } catch {
          // already gone
        }
      }
      await result;
      let survivors = pids.filter(isAlive);
      for (let i = 0; i < 20 && survivors.length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        survivors = survivors.filter(isAlive);
      }
      return { killed, survivors };
    },
  };
}

export async function runOp(spec: ChildSpec, op: ChildOp): Promise<ChildResult> {
  return startOp(spec, op).result;
}

/** Every process below `root`, from the process table. */
export function descendants(root: number): number[] {
  let table: string;
  try {
    table = execFileSync("ps", ["-e", "-o", "pid=,ppid=,comm="], { encoding: "utf8" });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of table.trim().split("\n")) {
    const [pidText, ppidText, command] = line.trim().split(/\s+/);
    if (command === "ps") continue; // the ps that printed this table
    const [pid, ppid] = [Number(pidText), Number(ppidText)];
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Alive and not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
