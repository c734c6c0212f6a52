// Makes `require("pulumi-agb")` resolve inside this repository (examples, tests,
// the demo and the provider process), the way it does in a user's project.
const fs = require("node:fs");
const path = require("node:path");
const link = path.join(__dirname, "..", "node_modules", "pulumi-agb");
try {
  const stat = fs.lstatSync(link);
  if (stat.isSymbolicLink() && fs.readlinkSync(link) === "..") process.exit(0);
  fs.rmSync(link, { recursive: true, force: true });
} catch {
  // not there yet
}
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.symlinkSync("..", link, "dir");
