import { OPERATIONS } from "../../../wire/protocol";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pulumiEnv, REPO_ROOT, WORK_ROOT } from "../../../tools/pulumi-driver/pulumiCli";
import { MUTATING_PATHS, type EmulatorControl } from "../../../tools/pulumi-driver/emulatorControl";
import type { ActionResult } from "../../../tools/pulumi-driver/stackRunner";
import { SESSION_TYPE } from "../../../provider/resources/Session";
import { pulumiCliDir, type StackFixture } from "../../support/stackFixture";

/** The emulator's API paths, as its stats report them. */
export const PATHS = {
  createSession: OPERATIONS.createSession.path,
  getSession: OPERATIONS.getSession.path,
  getSessionInfo: OPERATIONS.getSessionInfo.path,
  setLabel: OPERATIONS.setLabel.path,
  getLabel: OPERATIONS.getLabel.path,
  listSession: OPERATIONS.listSession.path,
  releaseSessionAsync: OPERATIONS.releaseSessionAsync.path,
  releaseSession: OPERATIONS.releaseSession.path,
} as const;

/** Call counts of the step just run; resets them for the next step. */
export async function takeStepStats(control: EmulatorControl): Promise<Record<string, number>> {
  const stats = await control.stats();
  await control.reset("stats");
  return stats;
}

/** Runs an action that must succeed and keeps its result, so a suite can search every CLI output at the end. */
export async function runRecorded(
  stack: StackFixture,
  results: ActionResult[],
  action: Parameters<StackFixture["runOk"]>[0],
): Promise<ActionResult> {
  const result = await stack.runOk(action);
  results.push(result);
  return result;
}

/** A distinctive API key: any occurrence of it in state or output is a leak. */
export const E2E_API_KEY = "akm-e2e-SECRET-123";

/** Calls per path, with every mutating path present (0 when not called). */
export function mutatingCounts(stats: Record<string, number>): Record<string, number> {
  return Object.fromEntries(MUTATING_PATHS.map((p) => [p, stats[p] ?? 0]));
}

export function totalCalls(stats: Record<string, number>): number {
  return Object.values(stats).reduce((sum, n) => sum + n, 0);
}

/** Where a suite's state lives and where its project's files are (StackFixture's defaults). */
export function suitePaths(suite: string, project: string): { stateDir: string; workDir: string } {
  return { stateDir: path.join(WORK_ROOT, `state-${suite}`), workDir: path.join(WORK_ROOT, "projects", project) };
}

/** Removes what a previous run of this suite left behind (its own state and project directories only). */
export function cleanSuite(suite: string, project: string): void {
  const { stateDir, workDir } = suitePaths(suite, project);
  fs.rmSync(stateDir, { recursive: true, force: true });
  fs.rmSync(workDir, { recursive: true, force: true });
}

/** The text of every file under a directory (state files, backups, history). */
export function readTree(dir: string): { file: string; text: string }[] {
  if (!fs.existsSync(dir)) return [];
  const out: { file: string; text: string }[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ file, text: fs.readFileSync(file, "utf8") });
  }
  return out;
}

/** Files under `dir` whose text contains `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  return readTree(dir)
    .filter((f) => f.text.includes(needle))
    .map((f) => path.relative(dir, f.file));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the Pulumi CLI itself in a suite's project directory, with the same
 * environment the stack driver gives it (local state, passphrase, plugins on PATH).
 * For commands the driver has no action for: a plain `stack export` (without
 * --show-secrets) and `pulumi import`.
 */
export function pulumiCli(
  suite: string,
  project: string,
  args: string[],
  extra: { env?: Record<string, string>; pathPrepend?: string } = {},
): Promise<CliResult> {
  const cliDir = pulumiCliDir();
  const { stateDir, workDir } = suitePaths(suite, project);
  const env = pulumiEnv(cliDir, stateDir, extra.env);
  if (extra.pathPrepend) env.PATH = [extra.pathPrepend, env.PATH].join(path.delimiter);
  return new Promise((resolve) => {
    execFile(
      path.join(cliDir, "pulumi"),
      [...args, "--non-interactive", "--color", "never"],
      { cwd: workDir, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** The Session resources of a `pulumi stack export` text. */
export function sessionResources(exported: string | undefined): StateResource[] {
  const deployment = JSON.parse(exported ?? "{}") as { deployment?: { resources?: StateResource[] } };
  return (deployment.deployment?.resources ?? []).filter((r) => r.type === SESSION_TYPE);
}

/** The signature key Pulumi uses to mark a secret value in serialized state. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretEnvelope(value: unknown): value is { plaintext?: string; ciphertext?: string } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** The value of a property that may be a secret envelope (from an export with --show-secrets). */
export function unwrap<T>(value: unknown): T {
  if (isSecretEnvelope(value)) return JSON.parse(value.plaintext ?? "null") as T;
  return value as T;
}

/**
 * Paths (like "outputs.labels.owner") where `needle` occurs outside a secret
 * envelope in a parsed export: the value is stored in plain text there.
 */
export function plainOccurrences(value: unknown, needle: string, at = ""): string[] {
  if (isSecretEnvelope(value)) return [];
  if (typeof value === "string") return value.includes(needle) ? [at || "(root)"] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => plainOccurrences(v, needle, `${at}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => plainOccurrences(v, needle, at ? `${at}.${k}` : k));
  }
  return [];
}

/**
 * A stand-in for the Node.js language host, which cannot be built here, so that
 * `pulumi import` gets past plugin discovery and reaches the provider. It serves
 * only the Automation API's LanguageServer with an empty program; it never runs
 * a Pulumi program. Returns the directory to put first on PATH.
 */
export function writeLanguageHostShim(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "pulumi-language-nodejs");
  const script = `#!${process.execPath}
const path = require("path");
const root = ${JSON.stringify(REPO_ROOT)};
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [root] }));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const langrpc = require(path.join(pulumiDir, "proto", "language_grpc_pb.js"));
const { LanguageServer } = require(path.join(pulumiDir, "automation", "server.js"));
const server = new grpc.Server();
server.addService(langrpc.LanguageRuntimeService, new LanguageServer(async () => ({})));
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) { console.error(String(err)); process.exit(1); }
  process.stdout.write(port + "\\n");
});
`;
  fs.writeFileSync(file, script, { mode: 0o755 });
  return dir;
}
