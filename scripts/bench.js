// `npm run bench` (after the build): see harness/bench/runBench.ts and docs/benchmark.md.
require("../dist/harness/bench/runBench.js").main();
