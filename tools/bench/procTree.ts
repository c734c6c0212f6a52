/** Watches the process tree of one benchmark operation: peak memory and CPU of the provider, the CLI and the program. */
import fs from "node:fs";
import path from "node:path";
import { descendants, readProc, type ProcEntry } from "../pulumi-driver/processTree";

/** /proc counts CPU in clock ticks of 1/100 s. */
const CLOCK_TICK_MS = 10;

export function cmdline(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((s) => s.length > 0);
  } catch {
    return [];
  }
}

/** VmHWM (peak resident set) and VmRSS of a process, in KiB. */
export function memoryKb(pid: number): { hwmKb: number; rssKb: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(text)?.[1] ?? 0);
  return { hwmKb: field("VmHWM"), rssKb: field("VmRSS") };
}

export type ProcKind = "dynamicProvider" | "pulumiCli" | "other";

const ENGINE_COMMANDS = new Set(["up", "update", "refresh", "destroy", "preview"]);

export function classify(argv: string[]): ProcKind {
  // The plugin's launcher runs `node -e "...require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"` first: not the provider.
  if (argv.includes("-e")) return "other";
  if (argv.some((arg) => /@pulumi[/\\]pulumi[/\\]cmd[/\\]dynamic-provider/.test(arg))) return "dynamicProvider";
  // Only the CLI running the operation; `stack select`, `config set-all` and the like are not the engine.
  if (argv.length > 0 && path.basename(argv[0]) === "pulumi" && argv.some((arg) => ENGINE_COMMANDS.has(arg))) return "pulumiCli";
  return "other";
}

/** Peak memory and CPU time of a process tree, by kind of process. */
export interface TreeUsage {
  /** Peak of max(VmHWM, VmRSS) over the dynamic-provider processes seen, KiB. */
  dynamicProviderKb: number;
  dynamicProviderProcesses: number;
  /** The same for the pulumi CLI (the engine). */
  pulumiCliKb: number;
  /** The same for the root process (it runs the Pulumi program, the inline language runtime). */
  programKb: number;
  /** CPU time (user + system) as last sampled, ms; a process's last <100 ms may be missed. */
  dynamicProviderCpuMs: number;
  pulumiCliCpuMs: number;
  programCpuMs: number;
  samples: number;
}

/**
 * Watches one process tree by polling /proc: the peak memory of the dynamic
 * provider, the engine and the program, and every process seen (so that all
 * of them can be ended by pid, even ones reparented after their parent died).
 */
export class ProcTreeMonitor {
  private readonly seen = new Map<number, ProcEntry>();
  private readonly kinds = new Map<number, ProcKind>();
  private readonly cpuTicks = new Map<number, number>();
  private readonly peak: TreeUsage = {
    dynamicProviderKb: 0,
    dynamicProviderProcesses: 0,
    pulumiCliKb: 0,
    programKb: 0,
    dynamicProviderCpuMs: 0,
    pulumiCliCpuMs: 0,
    programCpuMs: 0,
    samples: 0,
  };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly root: number,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): TreeUsage {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    const cpu = { dynamicProvider: 0, pulumiCli: 0, other: 0 };
    for (const [pid, ticks] of this.cpuTicks) {
      if (pid === this.root) this.peak.programCpuMs = ticks * CLOCK_TICK_MS;
      else cpu[this.kinds.get(pid) ?? "other"] += ticks * CLOCK_TICK_MS;
    }
    this.peak.dynamicProviderCpuMs = cpu.dynamicProvider;
    this.peak.pulumiCliCpuMs = cpu.pulumiCli;
    return { ...this.peak };
  }

  /** Processes of this tree still alive (same pid and start time as when seen). */
  alive(): ProcEntry[] {
    const out: ProcEntry[] = [];
    for (const entry of this.seen.values()) {
      const now = readProc(entry.pid);
      if (now && now.starttime === entry.starttime) out.push(entry);
    }
    return out;
  }

  private sample(): void {
    const rootEntry = readProc(this.root);
    if (!rootEntry) return;
    this.seen.set(this.root, rootEntry);
    this.cpuTicks.set(this.root, rootEntry.cpuTicks);
    this.peak.samples++;
    this.record(this.root, "programKb");
    for (const entry of descendants(this.root)) {
      this.cpuTicks.set(entry.pid, entry.cpuTicks);
      if (!this.seen.has(entry.pid)) {
        this.seen.set(entry.pid, entry);
        const kind = classify(cmdline(entry.pid));
        this.kinds.set(entry.pid, kind);
        if (kind === "dynamicProvider") this.peak.dynamicProviderProcesses++;
      }
      // A shell script (pulumi-resource-pulumi-nodejs) becomes node via exec only in
      // some setups; classify again until the process is recognised.
      let kind = this.kinds.get(entry.pid) ?? "other";
      if (kind === "other") {
        kind = classify(cmdline(entry.pid));
        if (kind !== "other") {
          this.kinds.set(entry.pid, kind);
          if (kind === "dynamicProvider") this.peak.dynamicProviderProcesses++;
        }
      }
      if (kind === "dynamicProvider") this.record(entry.pid, "dynamicProviderKb");
      else if (kind === "pulumiCli") this.record(entry.pid, "pulumiCliKb");
    }
  }

  private record(pid: number, key: "dynamicProviderKb" | "pulumiCliKb" | "programKb"): void {
    const mem = memoryKb(pid);
    if (mem) this.peak[key] = Math.max(this.peak[key], mem.hwmKb, mem.rssKb);
  }
}

