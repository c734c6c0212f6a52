import fs from "node:fs";
import path from "node:path";
import { opOf, totalMs, type BenchResults, type OpMeasure } from "./benchResults";
import { GOALS } from "./benchTargets";
import { renderBenchMarkdown } from "./renderBenchMarkdown";
import { timeChartSvg, type Series } from "./svgChart";

/** The three variants and the goal line against session count, for one way of picking a time from a size's operations. */
function seriesFor(r: BenchResults, pick: (list: OpMeasure[]) => number): Series[] {
  const xs = r.sizes.map((x) => x.sessions);
  const ours = r.sizes.map((x) => pick(x.ours) / 1000);
  const engine = r.sizes.map((x) => pick(x.engineOnly) / 1000);
  const floor = r.sizes.map((x) => pick(x.floor) / 1000);
  const base = engine.map((e, i) => e + floor[i]);
  return [
    { label: "pulumi-agb (ours)", xs, ys: ours, color: "#d62728", width: 3 },
    { label: "engine-only (bare dynamic provider)", xs, ys: engine, color: "#1f77b4" },
    { label: "floor (AgbClient script)", xs, ys: floor, color: "#2ca02c" },
    { label: `${GOALS.overEngineOnlyPlusFloor} x (engine-only + floor)`, xs, ys: base.map((b) => b * GOALS.overEngineOnlyPlusFloor), color: "#999999", dashed: true },
  ];
}

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
        { title: "Whole lifecycle (all five operations)", series: seriesFor(r, totalMs) },
        { title: "up (create)", series: seriesFor(r, (list) => opOf(list, "create")?.ms ?? 0) },
        { title: "up (label edit)", series: seriesFor(r, (list) => opOf(list, "edit")?.ms ?? 0) },
      ],
      `Wall time against session count (${r.params.latencyMs} ms API latency, parallelism ${r.params.engineParallelism})`,
    ),
  );
  fs.writeFileSync(md, renderBenchMarkdown(r));
  return [md, svg, json];
}
