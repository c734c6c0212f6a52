// `npm run bench` (after the build): see tools/bench/runBench.ts and docs/benchmark.md.
require("../dist/tools/bench/runBench.js").main();
