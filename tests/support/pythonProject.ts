import fs from "node:fs";
import path from "node:path";
import type { PythonVenv } from "./ensurePythonVenv";
import { projectIn, type CliProject } from "../../tools/pulumi-driver/cliProjects";
import { ensurePulumiCli, pulumiEnv } from "../../tools/pulumi-driver/pulumiCli";

/**
 * A Python Pulumi project under `root`, copied from `source`, run with `venv`.
 * The v3.68.0 Python language host ignores `runtime.options.virtualenv` under
 * CLI 3.274, so the virtualenv is chosen the way an activated shell chooses it:
 * its bin first on PATH and VIRTUAL_ENV set.
 */
export function pythonProject(root: string, source: string, name: string, venv: PythonVenv): CliProject {
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(source, dir, { recursive: true });
  const cliDir = ensurePulumiCli();
  const env = pulumiEnv(cliDir, path.join(root, "state", name), { PULUMI_HOME: path.join(root, "pulumi-home") }, dir);
  env.PATH = [venv.bin, env.PATH].join(path.delimiter);
  env.VIRTUAL_ENV = venv.dir;
  // The program's own folder only: no stray .pyc beside the checked-in sources it was copied from.
  env.PYTHONDONTWRITEBYTECODE = "1";
  return projectIn(dir, cliDir, env);
}
