/**
 * The stamp every published report carries (commit, clean tree, versions, the
 * machine's load while it ran) and the rule that keeps docs/ honest: a report
 * is written there only from a clean tree whose HEAD did not move during the run.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../pulumi-driver/pulumiCli";

/** The reports' own outputs: rewriting one does not make the code they measure dirty. */
const REPORT_FILES = ["docs/benchmark.md", "docs/benchmark.json", "docs/reliability.md"];

export interface ReportStamp {
  commit: string;
  /** No change outside the reports' own files, at the start and at the end, and HEAD unchanged. */
  cleanTree: boolean;
  /** What made the tree dirty, when it was. */
  dirty: string[];
  node: string;
  pulumiCli: string;
  cpus: number;
  startedAt: string;
  finishedAt: string;
  /** 1-minute load average sampled every 5 s during the run, and the 1/5/15-minute figures at the start and the end. */
  loadAverage: { start: number[]; end: number[]; max1m: number; mean1m: number; samples: number };
}

function git(args: string[]): string {
  // trimEnd only: a porcelain line starts with a space when only the work tree differs.
  return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trimEnd();
}

/** HEAD and the paths that differ from it (untracked included, reports' outputs excepted). */
export function treeState(): { commit: string; dirty: string[] } {
  try {
    const dirty = git(["status", "--porcelain", "--untracked-files=all"])
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => line.slice(3))
      .filter((file) => !REPORT_FILES.includes(file));
    return { commit: git(["rev-parse", "HEAD"]), dirty };
  } catch (error) {
    return { commit: "unknown", dirty: [`git failed: ${String(error)}`] };
  }
}

export function pulumiCliVersion(cliDir: string): string {
  try {
    return execFileSync(path.join(cliDir, "pulumi"), ["version"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const round = (n: number) => Number(n.toFixed(2));

/** Starts stamping a run: call `finish` when it ends. */
export function startStamp(cliDir: string): { finish(): ReportStamp } {
  const before = treeState();
  const startedAt = new Date().toISOString();
  const start = os.loadavg().map(round);
  const samples = [start[0]];
  const timer = setInterval(() => samples.push(round(os.loadavg()[0])), 5000);
  timer.unref();
  return {
    finish() {
      clearInterval(timer);
      const after = treeState();
      const moved = after.commit !== before.commit ? [`HEAD moved during the run: ${before.commit} -> ${after.commit}`] : [];
      const dirty = [...new Set([...before.dirty, ...after.dirty, ...moved])];
      samples.push(round(os.loadavg()[0]));
      return {
        commit: before.commit,
        cleanTree: dirty.length === 0,
        dirty,
        node: process.version,
        pulumiCli: pulumiCliVersion(cliDir),
        cpus: os.cpus().length,
        startedAt,
        finishedAt: new Date().toISOString(),
        loadAverage: {
          start,
          end: os.loadavg().map(round),
          max1m: Math.max(...samples),
          mean1m: round(samples.reduce((a, b) => a + b, 0) / samples.length),
          samples: samples.length,
        },
      };
    },
  };
}

/** True when `file` is under the repository's docs/. */
export function isInDocs(file: string): boolean {
  const relative = path.relative(path.join(REPO_ROOT, "docs"), path.resolve(file));
  return !relative.startsWith("..") && !path.isAbsolute(relative);
}

/** Throws when a report would go into docs/ from a dirty tree (the dirty paths named); anywhere else is allowed. */
export function refuseDirtyDocs(file: string, dirty: string[]): void {
  if (isInDocs(file) && dirty.length > 0) {
    throw new Error(
      `refusing to write ${path.relative(REPO_ROOT, file)} from a dirty tree (commit first, or write elsewhere with --out): ` +
        dirty.slice(0, 10).join(", "),
    );
  }
}

/** The stamp as markdown list items. */
export function stampLines(s: ReportStamp): string[] {
  return [
    `- commit \`${s.commit.slice(0, 12)}\`, tree ${s.cleanTree ? "clean" : `**dirty** (${s.dirty.slice(0, 5).join(", ")})`}`,
    `- Node.js ${s.node}, Pulumi CLI ${s.pulumiCli}, ${s.cpus} CPUs`,
    `- run from ${s.startedAt} to ${s.finishedAt}`,
    `- load average (1 min) during the run: mean ${s.loadAverage.mean1m}, max ${s.loadAverage.max1m} over ${s.loadAverage.samples} samples; ` +
      `1/5/15 min ${s.loadAverage.start.join(" / ")} at the start, ${s.loadAverage.end.join(" / ")} at the end`,
  ];
}
