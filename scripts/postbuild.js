// The package's CLIs are npm bins: they must be executable after every build.
const fs = require("node:fs");
const path = require("node:path");
for (const cli of [["emulator", "cli.js"], ["provider", "recovery", "cli.js"]]) {
  const file = path.join(__dirname, "..", "dist", ...cli);
  if (fs.existsSync(file)) fs.chmodSync(file, 0o755);
}
