/**
 * Writes docs/benchmark.* again from a run's benchmark.json, judging the goals
 * anew, without running anything: for changes to the report itself.
 *   node dist/tools/bench/renderBenchReport.js [docs/benchmark.json] [outDir]
 */
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../pulumi-driver/pulumiCli";
import type { BenchResults } from "./benchResults";
import { evaluateGoals } from "./benchGoals";
import { writeReport } from "./writeReport";

const [jsonFile = path.join(REPO_ROOT, "docs", "benchmark.json"), outDir = path.dirname(jsonFile)] = process.argv.slice(2);
const results = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as BenchResults;
results.goals = evaluateGoals(results);
for (const file of writeReport(results, outDir)) process.stdout.write(`wrote ${file}\n`);
