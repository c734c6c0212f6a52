#!/usr/bin/env node
// Writes docs/reliability.md: every reliability scenario against local emulators
// with the real Pulumi CLI. Build first (`npx tsc -p .`). Arguments: scenario
// letters (a-g) to run only some, written to .work/reliability/partial.md.
const path = require("node:path");

const { main } = require(path.join(__dirname, "..", "dist", "tools", "reliability", "report.js"));

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
