import fs from "node:fs";
import path from "node:path";
import type { BenchResults } from "./benchResults";
import { renderBenchMarkdown } from "./renderBenchMarkdown";

/** Writes benchmark.md and benchmark.json into `outDir`; returns their paths. */
export function writeReport(r: BenchResults, outDir: string): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, "benchmark.json");
  const md = path.join(outDir, "benchmark.md");
  fs.writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  fs.writeFileSync(md, renderBenchMarkdown(r));
  return [md, json];
}
