#!/usr/bin/env node
// `npm run demo`: see tools/demo/demo.ts. Pass --real to run against AGB itself (needs AGB_API_KEY).
require("../dist/tools/demo/demo.js");
