import { spawn, type ChildProcess } from "node:child_process";
import { endProcesses, readProc, type ProcEntry } from "../pulumi-driver/processTree";
import { ProcTreeMonitor, type TreeUsage } from "./procTree";

/**
 * Every process the benchmark starts, so none outlives it: each child runs in
 * its own process group and its whole tree is watched through /proc; cleanup
 * ends them by pid (never by name).
 */
const tracked = new Set<ProcTreeMonitor>();
const children = new Set<ChildProcess>();

export interface ChildRun {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  memory: TreeUsage;
  /** Processes of the tree still alive after the child exited, ended by the benchmark. */
  leftovers: number;
}

/** Runs a node script to completion while sampling its process tree's memory. */
export async function runNodeChild(script: string, args: string[], options: { cwd: string; timeoutMs: number }): Promise<ChildRun> {
  const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  const monitor = new ProcTreeMonitor(child.pid as number);
  tracked.add(monitor);
  monitor.start();
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.length > 8 * 1024 * 1024) stdout = stdout.slice(-4 * 1024 * 1024);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 64 * 1024) stderr = stderr.slice(-32 * 1024);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void endProcesses(monitor.alive());
  }, options.timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on("exit", (c, s) => resolve([c, s]));
    child.on("error", () => resolve([null, null]));
  });
  clearTimeout(timer);
  children.delete(child);
  const memory = monitor.stop();
  const leftovers = monitor.alive();
  if (leftovers.length > 0) await endProcesses(leftovers);
  tracked.delete(monitor);
  return { stdout, stderr, code, signal, timedOut, memory, leftovers: leftovers.length };
}

/**
 * Counts a process the benchmark started elsewhere (the emulator) among those
 * `endAll` and `killAllSync` end, whatever happens. Returns the way to stop
 * counting it once it has been stopped.
 */
export function watchProcess(pid: number): () => void {
  const monitor = new ProcTreeMonitor(pid, 1000);
  tracked.add(monitor);
  monitor.start();
  return () => {
    monitor.stop();
    tracked.delete(monitor);
  };
}

/** Ends every process the benchmark started that is still alive. */
export async function endAll(): Promise<number> {
  const entries: ProcEntry[] = [];
  for (const monitor of tracked) {
    monitor.stop();
    entries.push(...monitor.alive());
  }
  tracked.clear();
  children.clear();
  return entries.length > 0 ? endProcesses(entries) : 0;
}

/** Last resort on process exit (synchronous): SIGKILL whatever is left, by pid. */
export function killAllSync(): void {
  for (const monitor of tracked) {
    for (const entry of monitor.alive()) {
      if (readProc(entry.pid)?.starttime !== entry.starttime) continue;
      try {
        process.kill(entry.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
}
