// Builds the `agb` resource provider plugin: a launcher and one bundled script
// in dist/plugin (the folder a Pulumi.yaml's `plugins.providers` path can name
// from a checkout), and the tarball `pulumi plugin install resource agb <version>
// --file <tarball>` installs. Prints the tarball's path as its last line.
// Run after `npm run build` (the package-plugin npm script does both).
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..");
const { version } = require(path.join(root, "package.json"));
const { pluginSchema } = require(path.join(root, "dist", "codegen", "pluginSchema.js"));

const outDir = path.join(root, "dist", "plugin");
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });

const schema = JSON.stringify(pluginSchema(root, version));
esbuild.buildSync({
  entryPoints: [path.join(root, "provider", "plugin", "main.ts")],
  outfile: path.join(outDir, "pulumi-resource-agb.js"),
  bundle: true,
  platform: "node",
  target: "node22",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  // @npmcli/run-script (reached through @pulumi/pulumi, never called by a provider) resolves node-gyp by path.
  logOverride: { "require-resolve-not-external": "silent" },
  define: { AGB_PLUGIN_VERSION: JSON.stringify(version), AGB_PLUGIN_SCHEMA: JSON.stringify(schema) },
});

// The CLI runs `pulumi-resource-agb`: a launcher, since the plugin needs Node.js (>= 22) on PATH.
const launcher = path.join(outDir, "pulumi-resource-agb");
fs.writeFileSync(launcher, '#!/bin/sh\nexec node "$(dirname "$(readlink -f "$0")")/pulumi-resource-agb.js" "$@"\n', { mode: 0o755 });
fs.writeFileSync(path.join(outDir, "schema.json"), schema);

const tarball = path.join(root, "dist", `pulumi-resource-agb-v${version}-linux-amd64.tar.gz`);
execFileSync("tar", ["-czf", tarball, "-C", outDir, "pulumi-resource-agb", "pulumi-resource-agb.js"]);
console.log(tarball);
