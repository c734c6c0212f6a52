// Writes sdk/python from the agb plugin's schema with codegen/sdkgen, or with --check
// fails (exit 1, listing the files) when the committed sdk/python differs from
// what the schema generates. Run after `npm run build` (the gen-sdk and check-sdk
// npm scripts do both). The schema is the one `npm run package-plugin` serves.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync, spawnSync } = require("node:child_process");

const root = path.resolve(__dirname, "..");
const { version } = require(path.join(root, "package.json"));
const { pluginSchema } = require(path.join(root, "dist", "codegen", "pluginSchema.js"));

const check = process.argv.includes("--check");
const sdkgen = execFileSync("bash", [path.join(root, "scripts", "ensure-sdkgen.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
  .trim()
  .split("\n")
  .pop();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "agb-schema-"));
try {
  const schemaFile = path.join(scratch, "schema.json");
  fs.writeFileSync(schemaFile, JSON.stringify(pluginSchema(root, version)));
  const args = ["-schema", schemaFile, "-version", version, "-out", path.join(root, "sdk", "python")];
  const result = spawnSync(sdkgen, check ? [...args, "-check"] : args, { stdio: "inherit" });
  process.exitCode = result.status ?? 1;
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
