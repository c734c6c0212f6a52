import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * The nearest directory above this file holding package.json: the repository
 * both when compiled (dist/tools/pulumi-driver) and when loaded from source by ts-jest
 * (tools/pulumi-driver/), where a fixed path would point elsewhere.
 */
export const REPO_ROOT = findRepoRoot(__dirname);
/** Scratch space for stacks, state and logs; ignored by git. */
export const WORK_ROOT = path.join(REPO_ROOT, ".work");

/**
 * The directory holding `pulumi`: from PATH, or built from Go modules by
 * scripts/ensure-pulumi.sh (cached outside the repository).
 */
export function ensurePulumiCli(): string {
  const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = out.trim().split("\n");
  return lines[lines.length - 1];
}

/**
 * Environment for the CLI and the providers it starts: the CLI and the
 * dynamic-provider plugin (shipped inside @pulumi/pulumi) on PATH, a local
 * file backend and a passphrase secrets provider, so no account is needed.
 */
export function pulumiEnv(
  cliDir: string,
  stateDir: string,
  extra: Record<string, string> = {},
  projectDir: string = REPO_ROOT,
): Record<string, string> {
  fs.mkdirSync(stateDir, { recursive: true });
  const pluginDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir, REPO_ROOT] }));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("AGB_")) env[key] = value;
  }
  return {
    ...env,
    PATH: [cliDir, pluginDir, process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "pulumi-agb-local-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: path.join(WORK_ROOT, "pulumi-home"),
    ...extra,
  };
}

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, "..", "..");
  }
}
