#!/usr/bin/env node
// `npm run demo`: see harness/demo.ts. Pass --real to run against AGB itself (needs AGB_API_KEY).
require("../dist/harness/demo.js");
