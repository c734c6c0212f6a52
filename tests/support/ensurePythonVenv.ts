import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";

export interface PythonVenv {
  /** The virtualenv's folder. */
  dir: string;
  /** Its `bin` folder: first on PATH, with VIRTUAL_ENV=dir, is how a Pulumi Python program uses it. */
  bin: string;
  python: string;
  /** True when this call made it; false when an earlier run's copy was reused. */
  created: boolean;
  /** Seconds the creation took (this call's, or the run that made it). */
  installSeconds: number;
}

export interface VenvSpec {
  /** A short name for the cache folder, e.g. "agbcloud-sdk-0.12.0". */
  name: string;
  /** pip requirement files, installed in order; their content is part of the cache key. */
  requirementFiles: string[];
  /**
   * Package folders installed after the requirements (e.g. sdk/python), with no further
   * dependencies; their files are part of the cache key, so a regenerated SDK is installed afresh.
   */
  localPackages?: string[];
  /** The interpreter that makes the virtualenv (default: PULUMI_AGB_PYTHON, else python3). */
  basePython?: string;
}

class VenvError extends Error {
  override name = "VenvError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const COMPLETE = "pulumi-agb-venv.json";
/** What Python and pip leave beside sources: not part of a package. */
const SKIPPED = /^(__pycache__|build|dist|.*\.egg-info)$/;
const LOCK_STALE_MS = 30 * 60_000;

/** The cache root shared with scripts/ensure-pulumi.sh. */
function cacheRoot(): string {
  return (
    process.env.PULUMI_AGB_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-agb")
  );
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", (error) => reject(new VenvError(`${command} ${args.join(" ")} could not start`, { cause: error })));
    child.once("exit", (code) =>
      code === 0 ? resolve(output) : reject(new VenvError(`${command} ${args.join(" ")} exited with ${code}:\n${output.slice(-4000)}`)),
    );
  });
}

/**
 * A virtualenv with pinned requirements, under the cache (outside the checkout),
 * made on first use and reused while the requirements and the interpreter stay
 * the same. Runs that start together wait on one lock instead of racing pip.
 */
export async function ensurePythonVenv(spec: VenvSpec): Promise<PythonVenv> {
  const basePython = spec.basePython ?? process.env.PULUMI_AGB_PYTHON ?? "python3";
  const version = (await run(basePython, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"])).trim();
  const hash = createHash("sha256").update(version);
  for (const file of spec.requirementFiles) hash.update("\0").update(fs.readFileSync(file));
  for (const dir of spec.localPackages ?? []) {
    for (const file of packageFiles(dir)) hash.update("\0").update(path.relative(dir, file)).update("\0").update(fs.readFileSync(file));
  }
  const dir = path.join(cacheRoot(), "python", `${spec.name}-py${version}-${hash.digest("hex").slice(0, 12)}`);
  const bin = path.join(dir, "bin");
  const python = path.join(bin, "python");
  const marker = path.join(dir, COMPLETE);
  const reuse = (): PythonVenv | undefined => {
    if (!fs.existsSync(marker)) return undefined;
    const { installSeconds } = JSON.parse(fs.readFileSync(marker, "utf8")) as { installSeconds: number };
    return { dir, bin, python, created: false, installSeconds };
  };

  const ready = reuse();
  if (ready) return ready;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  await takeLock(lock);
  try {
    const madeMeanwhile = reuse();
    if (madeMeanwhile) return madeMeanwhile;
    // A folder without the marker is a run that died half-way: start again.
    fs.rmSync(dir, { recursive: true, force: true });
    const started = Date.now();
    // Made at its final path: a moved virtualenv keeps the old path in its scripts.
    await run(basePython, ["-m", "venv", dir]);
    const pipEnv = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };
    for (const file of spec.requirementFiles) {
      await run(python, ["-m", "pip", "install", "--quiet", "--requirement", file], pipEnv);
    }
    for (const source of spec.localPackages ?? []) {
      // Built from a copy: pip builds in the source tree and would leave build/ and *.egg-info in it.
      const copy = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-agb-pkg-"));
      try {
        fs.cpSync(source, copy, { recursive: true, filter: (file) => !SKIPPED.test(path.basename(file)) });
        await run(python, ["-m", "pip", "install", "--quiet", "--no-deps", copy], pipEnv);
      } finally {
        fs.rmSync(copy, { recursive: true, force: true });
      }
    }
    const installSeconds = (Date.now() - started) / 1000;
    fs.writeFileSync(marker, JSON.stringify({ installSeconds, python: version, madeAt: new Date().toISOString() }) + "\n");
    return { dir, bin, python, created: true, installSeconds };
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

async function takeLock(lock: string): Promise<void> {
  for (;;) {
    try {
      fs.mkdirSync(lock);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new VenvError(`cannot lock ${lock}`, { cause: error });
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > LOCK_STALE_MS) fs.rmSync(lock, { recursive: true, force: true });
      // Another run is installing the same virtualenv: wait for it rather than race pip.
      else await delay(1000);
    }
  }
}

/** The files of a package folder, sorted, without what Python and pip leave beside them. */
function packageFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...packageFiles(full));
    else files.push(full);
  }
  return files.sort();
}
