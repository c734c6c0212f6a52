/**
 * The README stays a page a user reads in two minutes and its links hold: the
 * two fresh-clone commands are there and run scripts that exist, every relative
 * link in the README and docs/ points at a file, and every figure in the
 * capabilities table comes from a generated report in docs/.
 */
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

it("holds the two fresh-clone commands, each running a script package.json has", () => {
  expect(readme).toContain("`npm install && npm run demo`");
  expect(readme).toContain("`npm install && npm test && npm run test:reliability`");
  expect(scripts.demo).toBeDefined();
  expect(scripts.test).toBeDefined();
  expect(scripts["test:reliability"]).toBeDefined();
});

it("every relative link in the README and docs/ points at a file", () => {
  const pages = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  const broken: string[] = [];
  for (const page of pages) {
    const text = fs.readFileSync(path.join(ROOT, page), "utf8");
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1].split("#")[0];
      if (!target || /^[a-z]+:/i.test(target)) continue;
      if (!fs.existsSync(path.join(ROOT, path.dirname(page), target))) broken.push(`${page}: ${match[1]}`);
    }
  }
  expect(broken).toEqual([]);
});

it("every figure in the capabilities table is in docs/benchmark.md or docs/reliability.md", () => {
  const table = readme.slice(readme.indexOf("## Capabilities"), readme.indexOf("\n## ", readme.indexOf("## Capabilities") + 1) >>> 0);
  const reports = ["benchmark.md", "reliability.md"].map((f) => fs.readFileSync(path.join(ROOT, "docs", f), "utf8")).join("\n");
  const prose = table.replace(/`[^`]*`/g, "").replace(/\]\([^)]*\)/g, "]");
  const figures = [...prose.matchAll(/\d[\d,]*(?:\.\d+)?x?/g)].map((m) => m[0]);
  expect(figures.length).toBeGreaterThan(0);
  expect(figures.filter((figure) => !reports.includes(figure))).toEqual([]);
});
