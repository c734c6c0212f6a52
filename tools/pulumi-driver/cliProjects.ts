/**
 * Pulumi.yaml projects driven the way users drive them: `pulumi` commands in a
 * folder, through the Node.js language host, with the package installed from
 * its packed tarball. One folder holds node_modules (installed once); each
 * project is a subfolder with its own Pulumi.yaml, package.json and tsconfig.json,
 * copied from examples/.
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { descendants, endProcesses, readProc } from "./processTree";
import { ensurePulumiCli, pulumiEnv, REPO_ROOT } from "./pulumiCli";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** Ended by `timeoutMs` (the CLI and every process under it). */
  timedOut: boolean;
}

export interface CliProject {
  dir: string;
  env: Record<string, string>;
  /**
   * Runs `pulumi <args>` in the project folder (non-interactive, no colour). `timeoutMs` ends the CLI and
   * its plugins and language hosts (SIGTERM, then SIGKILL); `onStart` gets the CLI's pid.
   */
  pulumi(args: string[], options?: { input?: string; timeoutMs?: number; onStart?: (pid: number) => void }): Promise<CliResult>;
}

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * Packs this package (build first) and installs the tarball, @pulumi/pulumi at
 * this checkout's version and the TypeScript the language host compiles with,
 * into `root/node_modules`. `dependencies` adds packages or overrides those
 * versions (a consumer on the oldest @pulumi/pulumi the package supports).
 * Returns the tarball's path.
 */
export function installPackedPackage(root: string, dependencies: Record<string, string> = {}): string {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const packed = execFileSync(NPM, ["pack", "--silent", "--ignore-scripts", "--pack-destination", root], { cwd: REPO_ROOT, encoding: "utf8" })
    .trim()
    .split("\n")
    .pop() as string;
  const tarball = path.join(root, packed);
  const version = (name: string) =>
    (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  fs.writeFileSync(
    path.join(root, "package.json"),
    `${JSON.stringify(
      {
        name: "pulumi-agb-cli-projects",
        private: true,
        dependencies: {
          "pulumi-agb": `file:${tarball}`,
          "@pulumi/pulumi": version("@pulumi/pulumi"),
          // What the language host compiles a TypeScript program with (peers of @pulumi/pulumi).
          typescript: version("typescript"),
          "ts-node": "^10.9.2",
          ...dependencies,
        },
      },
      null,
      2,
    )}\n`,
  );
  execFileSync(NPM, ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: root, stdio: "ignore" });
  return tarball;
}

/** A project folder under `root` made from examples/<example>, with its own local state backend. */
export function cliProject(root: string, example: string, name: string = example): CliProject {
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(REPO_ROOT, "examples", example), dir, { recursive: true });
  return projectFolder(dir, path.join(root, "state", name), path.join(root, "pulumi-home"));
}

/** `pulumi` commands in an existing folder holding a Pulumi.yaml, with state under `stateDir`. */
export function projectFolder(dir: string, stateDir: string, pulumiHome: string): CliProject {
  const cliDir = ensurePulumiCli();
  const env = pulumiEnv(cliDir, stateDir, { PULUMI_HOME: pulumiHome }, dir);
  return projectIn(dir, cliDir, env);
}

/** `pulumi` commands in the project folder `dir`, with the CLI of `cliDir` and environment `env`. */
export function projectIn(dir: string, cliDir: string, env: Record<string, string>): CliProject {
  return {
    dir,
    env,
    pulumi: (args, options = {}) =>
      new Promise((resolve) => {
        const started = Date.now();
        let timedOut = false;
        const child = execFile(
          path.join(cliDir, "pulumi"),
          [...args, "--non-interactive", "--color", "never"],
          { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 },
          (error, stdout, stderr) => {
            clearTimeout(timer);
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            resolve({ code, stdout, stderr, ms: Date.now() - started, timedOut });
          },
        );
        // The whole tree, found before anything is signalled: a language host outlives a CLI ended alone.
        const timer =
          options.timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                timedOut = true;
                const root = child.pid === undefined ? undefined : readProc(child.pid);
                void endProcesses([...(root ? [root] : []), ...(child.pid === undefined ? [] : descendants(child.pid))]);
              }, options.timeoutMs);
        if (child.pid !== undefined) options.onStart?.(child.pid);
        if (options.input !== undefined) child.stdin?.end(options.input);
        else child.stdin?.end();
      }),
  };
}

/** Fails with the CLI's output when a command did not succeed. */
export function expectOk(result: CliResult, what: string): CliResult {
  if (result.code !== 0) throw new Error(`pulumi ${what} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result;
}
