/**
 * Every process the benchmark starts, watched through /proc (the walking is
 * tools/pulumi-driver/processTree.ts): the peak memory and the CPU of the
 * dynamic provider, the engine and the program of each operation, and every
 * process seen, so that none outlives the benchmark. Each child runs in its own
 * process group; cleanup ends processes by pid, never by name.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { descendants, endProcesses, readProc, type ProcEntry } from "../pulumi-driver/processTree";

/** /proc counts CPU in clock ticks of 1/100 s. */
const CLOCK_TICK_MS = 10;
const ENGINE_COMMANDS = new Set(["up", "update", "refresh", "destroy", "preview"]);

type ProcKind = "dynamicProvider" | "pulumiCli" | "other";

function classify(pid: number): ProcKind {
  let argv: string[];
  try {
    argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((s) => s.length > 0);
  } catch {
    return "other";
  }
  // The plugin's launcher runs `node -e "...require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"` first: not the provider.
  if (argv.includes("-e")) return "other";
  if (argv.some((arg) => /@pulumi[/\\]pulumi[/\\]cmd[/\\]dynamic-provider/.test(arg))) return "dynamicProvider";
  // Only the CLI running the operation; `stack select`, `config set-all` and the like are not the engine.
  if (argv.length > 0 && path.basename(argv[0]) === "pulumi" && argv.some((arg) => ENGINE_COMMANDS.has(arg))) return "pulumiCli";
  return "other";
}

/** max(VmHWM, VmRSS) of a process, KiB. */
function memoryKb(pid: number): number {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(text)?.[1] ?? 0);
    return Math.max(field("VmHWM"), field("VmRSS"));
  } catch {
    return 0;
  }
}

/** Peak memory (KiB) and CPU time (user + system, ms, as last sampled) of a process tree, by kind of process. */
export interface TreeUsage {
  dynamicProviderKb: number;
  dynamicProviderProcesses: number;
  pulumiCliKb: number;
  /** The root process: it runs the Pulumi program (the inline language runtime). */
  programKb: number;
  dynamicProviderCpuMs: number;
  pulumiCliCpuMs: number;
  programCpuMs: number;
  samples: number;
}

/** Polls one process tree: peak memory and CPU by kind, and every process seen (ended by pid even once reparented). */
class TreeMonitor {
  private readonly seen = new Map<number, ProcEntry & { kind: ProcKind }>();
  private readonly usage: TreeUsage = {
    dynamicProviderKb: 0,
    dynamicProviderProcesses: 0,
    pulumiCliKb: 0,
    programKb: 0,
    dynamicProviderCpuMs: 0,
    pulumiCliCpuMs: 0,
    programCpuMs: 0,
    samples: 0,
  };
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly root: number,
    intervalMs: number,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): TreeUsage {
    clearInterval(this.timer);
    this.sample();
    return { ...this.usage };
  }

  /** Processes of this tree still alive (same pid and start time as when seen). */
  alive(): ProcEntry[] {
    return [...this.seen.values()].filter((e) => readProc(e.pid)?.starttime === e.starttime);
  }

  private sample(): void {
    const root = readProc(this.root);
    if (!root) return;
    this.usage.samples++;
    this.usage.programKb = Math.max(this.usage.programKb, memoryKb(this.root));
    this.usage.programCpuMs = root.cpuTicks * CLOCK_TICK_MS;
    this.seen.set(this.root, { ...root, kind: "other" });
    for (const entry of descendants(this.root)) {
      const known = this.seen.get(entry.pid);
      // The plugin's shell launcher becomes node by exec only in some setups: classify again until recognised.
      const kind = known && known.kind !== "other" ? known.kind : classify(entry.pid);
      if (kind === "dynamicProvider" && known?.kind !== "dynamicProvider") this.usage.dynamicProviderProcesses++;
      this.seen.set(entry.pid, { ...entry, kind });
      if (kind === "dynamicProvider") this.usage.dynamicProviderKb = Math.max(this.usage.dynamicProviderKb, memoryKb(entry.pid));
      if (kind === "pulumiCli") this.usage.pulumiCliKb = Math.max(this.usage.pulumiCliKb, memoryKb(entry.pid));
    }
    const cpu = (kind: ProcKind) =>
      [...this.seen.values()].filter((e) => e.pid !== this.root && e.kind === kind).reduce((n, e) => n + e.cpuTicks * CLOCK_TICK_MS, 0);
    this.usage.dynamicProviderCpuMs = cpu("dynamicProvider");
    this.usage.pulumiCliCpuMs = cpu("pulumiCli");
  }
}

const tracked = new Set<TreeMonitor>();

export interface ChildRun {
  stdout: string;
  stderr: string;
  code: number | null;
  timedOut: boolean;
  memory: TreeUsage;
  /** Processes of the tree still alive after the child exited, ended by the benchmark. */
  leftovers: number;
}

/** Runs a node script to completion in its own process group while sampling its process tree. */
export async function runNodeChild(script: string, args: string[], options: { cwd: string; timeoutMs: number }): Promise<ChildRun> {
  const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const monitor = new TreeMonitor(child.pid as number, 100);
  tracked.add(monitor);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-32 * 1024);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void endProcesses(monitor.alive());
  }, options.timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.on("close", (c) => resolve(c));
    child.on("error", () => resolve(null));
  });
  clearTimeout(timer);
  const memory = monitor.stop();
  const leftovers = monitor.alive();
  if (leftovers.length > 0) await endProcesses(leftovers);
  tracked.delete(monitor);
  return { stdout, stderr, code, timedOut, memory, leftovers: leftovers.length };
}

/** Counts a process started elsewhere (the emulator) among those `endAll` ends; returns the way to stop counting it. */
export function watchProcess(pid: number): () => void {
  const monitor = new TreeMonitor(pid, 1000);
  tracked.add(monitor);
  return () => {
    monitor.stop();
    tracked.delete(monitor);
  };
}

/** Ends every process the benchmark started that is still alive; with `sync`, at once by SIGKILL (on process exit). */
export async function endAll(sync = false): Promise<number> {
  const entries = [...tracked].flatMap((monitor) => {
    monitor.stop();
    return monitor.alive();
  });
  tracked.clear();
  if (sync) {
    for (const entry of entries) {
      try {
        process.kill(entry.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    return entries.length;
  }
  return entries.length > 0 ? endProcesses(entries) : 0;
}
