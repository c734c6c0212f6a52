import fs from "node:fs";
import path from "node:path";
import { opOf, totalMs, type BenchResults, type OpMeasure, type SizeResult } from "./benchResults";
import { GOALS } from "./benchGoals";
import { FLOOR } from "./benchTargets";
import { renderBenchMarkdown } from "./renderBenchMarkdown";
import { timeChartSvg, type Series } from "./svgChart";

const COLORS = ["#d62728", "#2ca02c", "#1f77b4", "#9467bd", "#ff7f0e"];

/** Each target and the goal line against session count, for one way of picking a time from a size's operations. */
function seriesFor(r: BenchResults, pick: (size: SizeResult, target: string) => number): Series[] {
  const xs = r.sizes.map((x) => x.sessions);
  const floor = r.sizes.map((x) => pick(x, FLOOR.key) / 1000);
  return [
    ...r.targets.map((t, i) => ({ label: t.title, xs, ys: r.sizes.map((x) => pick(x, t.key) / 1000), color: COLORS[i % COLORS.length], width: i === 0 ? 3 : 2 })),
    { label: `${GOALS.changeOverFloor} x floor`, xs, ys: floor.map((f) => f * GOALS.changeOverFloor), color: "#999999", dashed: true },
  ];
}

const phaseMs = (phase: OpMeasure["phase"]) => (size: SizeResult, target: string) => opOf(size, target, phase)?.ms ?? 0;

/** Writes benchmark.md, benchmark-time.svg and benchmark.json into `outDir`; returns their paths. */
export function writeReport(r: BenchResults, outDir: string): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, "benchmark.json");
  const md = path.join(outDir, "benchmark.md");
  const svg = path.join(outDir, "benchmark-time.svg");
  fs.writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  fs.writeFileSync(
    svg,
    timeChartSvg(
      [
        { title: "Whole lifecycle (all five operations)", series: seriesFor(r, (size, target) => totalMs(size.ops[target])) },
        { title: "up (create)", series: seriesFor(r, phaseMs("create")) },
        { title: "up (label edit)", series: seriesFor(r, phaseMs("edit")) },
      ],
      `Wall time against session count (${r.params.latencyMs} ms API latency, parallelism ${r.params.engineParallelism})`,
    ),
  );
  fs.writeFileSync(md, renderBenchMarkdown(r));
  return [md, svg, json];
}
