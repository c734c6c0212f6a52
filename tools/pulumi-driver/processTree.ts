/**
 * The process tree of a run, from /proc: who descends from whom, and ending a
 * whole tree the way a crashed CI runner or an OOM kill would. Shared by the
 * benchmark, the reliability report and the end-to-end tests.
 */
import { setTimeout as sleep } from "node:timers/promises";
import fs from "node:fs";

/** A process as /proc describes it; `starttime` tells a reused pid apart. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  starttime: string;
  /** utime + stime so far, in clock ticks (1/100 s on Linux). */
  cpuTicks: number;
}

export function readProc(pid: number): ProcEntry | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return undefined; // exited, not yet reaped
  return { pid, ppid: Number(fields[1]), starttime: fields[19], cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

export function allProcs(): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readProc(Number(name));
    if (entry) out.push(entry);
  }
  return out;
}

/** The live descendants of `root` (not root itself). */
export function descendants(root: number, procs: ProcEntry[] = allProcs()): ProcEntry[] {
  const children = new Map<number, ProcEntry[]>();
  for (const p of procs) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const out: ProcEntry[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** Ends processes by pid (SIGTERM, then SIGKILL after `graceMs`); skips reused pids. */
export async function endProcesses(entries: ProcEntry[], graceMs = 2000): Promise<number> {
  const stillSame = (e: ProcEntry) => readProc(e.pid)?.starttime === e.starttime;
  let signalled = 0;
  for (const entry of entries) {
    if (!stillSame(entry)) continue;
    try {
      process.kill(entry.pid, "SIGTERM");
      signalled++;
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && entries.some(stillSame)) await sleep(100);
  for (const entry of entries) {
    if (!stillSame(entry)) continue;
    try {
      process.kill(entry.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return signalled;
}

/** Alive and not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  return readProc(pid) !== undefined;
}

/**
 * SIGKILL to the process group led by `pid` and to every descendant found
 * (plugins may sit in groups of their own); waits for `ended`, then up to 5 s
 * for the rest to go. Resolves with how many were signalled and who survived.
 */
export async function killProcessTree(pid: number, ended: Promise<unknown>): Promise<{ killed: number; survivors: number[] }> {
  const pids = [pid, ...descendants(pid).map((p) => p.pid)];
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group may already be gone
  }
  let killed = 0;
  for (const target of pids) {
    try {
      process.kill(target, "SIGKILL");
      killed++;
    } catch {
      // already gone
    }
  }
  await ended;
  let survivors = pids.filter(isAlive);
  for (let i = 0; i < 20 && survivors.length > 0; i++) {
    await sleep(250);
    survivors = survivors.filter(isAlive);
  }
  return { killed, survivors };
}
