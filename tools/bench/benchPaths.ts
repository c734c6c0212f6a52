import path from "node:path";
import { REPO_ROOT, WORK_ROOT } from "../pulumi-driver/pulumiCli";

/** Where the benchmark keeps its stacks, state and scratch output. */
export const BENCH_ROOT = path.join(WORK_ROOT, "bench");
/** The compiled script the benchmark runs each operation in, as a child process. */
export const ACTION_SCRIPT = path.join(REPO_ROOT, "dist", "tools", "bench", "benchAction.js");
