// The emulator's CLI is an npm bin: it must be executable after every build.
const fs = require("node:fs");
const path = require("node:path");
const cli = path.join(__dirname, "..", "dist", "emulator", "cli.js");
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
