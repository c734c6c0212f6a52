/**
 * What the benchmark runs each operation on: a list of stacks of the same
 * shape (sessionCount resources with imageId and labels), each installed in a
 * project of its own. Another way to run the provider is another entry here.
 */
import fs from "node:fs";
import path from "node:path";
import { installPackageCopy } from "../pulumi-driver/installPackageCopy";
import { REPO_ROOT } from "../pulumi-driver/pulumiCli";

export interface BenchTarget {
  /** Key in benchmark.json and the report's column. */
  key: string;
  title: string;
  /** The report's sentence on what it is. */
  about: string;
  /** Whether it talks to the emulator (its API calls are judged). */
  callsApi: boolean;
  /** Installs the project in `workDir` (build first); returns the program's path. */
  prepare(workDir: string): string;
}

const DIST = path.join(REPO_ROOT, "dist");

/** A project with this package installed as npm installs it and `program` copied in as index.js. */
function projectWith(workDir: string, program: string): string {
  installPackageCopy(workDir);
  const programPath = path.join(workDir, "index.js");
  fs.copyFileSync(program, programPath);
  return programPath;
}

export const OURS: BenchTarget = {
  key: "ours",
  title: "pulumi-agb",
  about:
    "`examples/basic` (`sessionCount` `Session` resources) against the emulator, in a project where `pulumi-agb` is installed under " +
    "`node_modules` as npm installs it (a copy, not a link to the checkout), so the serialized provider is the module reference users get.",
  callsApi: true,
  prepare: (workDir) => projectWith(workDir, path.join(DIST, "examples", "basic", "index.js")),
};

export const FLOOR: BenchTarget = {
  key: "floor",
  title: "floor",
  about:
    "`tools/bench/floorProgram.ts`: a no-op dynamic provider (`floorProvider.ts`) installed as a package of its own, so serialized by module " +
    "reference like ours, with no outputs and no API call: the least the engine can do per resource. The goals are ratios to it.",
  callsApi: false,
  prepare(workDir) {
    const programPath = projectWith(workDir, path.join(DIST, "tools", "bench", "floorProgram.js"));
    const module = path.join(workDir, "node_modules", "agb-bench-floor");
    fs.mkdirSync(module, { recursive: true });
    fs.writeFileSync(path.join(module, "package.json"), JSON.stringify({ name: "agb-bench-floor", version: "1.0.0", main: "index.js" }));
    fs.copyFileSync(path.join(DIST, "tools", "bench", "floorProvider.js"), path.join(module, "index.js"));
    return programPath;
  },
};

export const BY_HAND: BenchTarget = {
  key: "byHand",
  title: "by hand",
  about:
    "`tools/bench/byHandProgram.ts`: what a user writes by hand, a no-op dynamic provider declared in the program with the same outputs as " +
    "ours, which Pulumi serializes by closure (the text of every method) into each resource's state.",
  callsApi: false,
  prepare: (workDir) => projectWith(workDir, path.join(DIST, "tools", "bench", "byHandProgram.js")),
};

/** Every target, in the report's column order. */
export const BENCH_TARGETS: readonly BenchTarget[] = [OURS, FLOOR, BY_HAND];
