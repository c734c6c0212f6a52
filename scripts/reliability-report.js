#!/usr/bin/env node
// `npm run report:reliability -- [--out FILE] [a b ...]`: runs the reliability
// suites (tests/reliability/, the jest project `reliability`) and writes their
// report, stamped. Without --out it writes docs/reliability.md, which needs every
// scenario and a clean tree (checked here first, and again when the run ends).
const { spawnSync, execFileSync } = require("node:child_process");
const path = require("node:path");
const { parseArgs } = require("node:util");

const ROOT = path.join(__dirname, "..");
const FILES = {
  a: "dropAfterCreate",
  b: "retriesUnderLoad",
  c: "interruption",
  d: "expiry",
  e: "rateLimit",
  f: "emulatorAbuse",
  g: "badInput",
  h: "soak",
};
const { values, positionals } = parseArgs({ options: { out: { type: "string" } }, allowPositionals: true });
const unknown = positionals.filter((key) => !(key in FILES));
if (unknown.length > 0) {
  console.error(`unknown scenario(s) ${unknown.join(", ")}; known: ${Object.keys(FILES).join(" ")}`);
  process.exit(2);
}
const out = path.resolve(values.out ?? path.join(ROOT, "docs", "reliability.md"));
if (!values.out) {
  if (positionals.length > 0) {
    console.error("a subset of the scenarios cannot rewrite docs/reliability.md: pass --out FILE");
    process.exit(2);
  }
  const { treeState } = require(path.join(ROOT, "dist", "tools", "report", "reportStamp.js"));
  const { dirty } = treeState();
  if (dirty.length > 0) {
    console.error(`refusing to write docs/reliability.md from a dirty tree (commit first, or pass --out FILE): ${dirty.join(", ")}`);
    process.exit(1);
  }
}
const files = positionals.map((key) => `tests/reliability/${FILES[key]}.test.ts`);
const jest = path.join(path.dirname(require.resolve("jest/package.json")), "bin", "jest.js");
execFileSync("bash", [path.join(ROOT, "scripts", "ensure-pulumi.sh")], { stdio: ["ignore", "ignore", "inherit"] });
const run = spawnSync(process.execPath, [jest, "--selectProjects", "reliability", "--runInBand", ...files], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, RELIABILITY_REPORT: out },
});
process.exit(run.status ?? 1);
