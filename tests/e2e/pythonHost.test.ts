/**
 * The Python language host that scripts/ensure-pulumi.sh builds (sdk/v3 v3.68.0's
 * pulumi-language-python, with pulumi-language-python-exec beside it) runs a
 * Python program under the real CLI, with `pulumi` from PyPI in a virtualenv
 * and a local file backend. No AGB resources: this is the ground a Python
 * program of pulumi-agb stands on.
 */
import fs from "node:fs";
import path from "node:path";
import { expectOk, type CliProject } from "../../tools/pulumi-driver/cliProjects";
import { ensurePulumiCli, WORK_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import { pythonProject } from "../support/pythonProject";
import { ensurePythonVenv, type PythonVenv } from "../support/ensurePythonVenv";

jest.setTimeout(900_000);

const ROOT = path.join(WORK_ROOT, "python-host");
const PROGRAM = path.join(__dirname, "programs", "python-hello");
const REQUIREMENTS = path.join(__dirname, "python", "requirements-pulumi.txt");
const SECRET = "py-host-secret-6b1f0c";

let venv: PythonVenv;
let project: CliProject;
const outputs: string[] = [];
const run = async (args: string[]) => {
  const result = expectOk(await project.pulumi(args), args.join(" "));
  outputs.push(result.stdout, result.stderr);
  return result;
};

beforeAll(async () => {
  venv = await ensurePythonVenv({ name: "pulumi-3.272.0", requirementFiles: [REQUIREMENTS] });
  process.stdout.write(`pulumi virtualenv ${venv.created ? "made" : "reused"} (install took ${venv.installSeconds.toFixed(1)} s)\n`);
  fs.rmSync(ROOT, { recursive: true, force: true });
  project = pythonProject(ROOT, PROGRAM, "hello", venv);
  await run(["stack", "init", "dev"]);
  await run(["config", "set", "name", "agb"]);
  await run(["config", "set", "--secret", "secret", SECRET]);
});

describe("a Python program under the real CLI", () => {
  test("the host and its exec script sit beside the CLI that ensure-pulumi prints", () => {
    const cliDir = ensurePulumiCli();
    for (const name of ["pulumi-language-python", "pulumi-language-python-exec"]) {
      expect(fs.statSync(path.join(cliDir, name)).mode & 0o111).not.toBe(0);
    }
  });

  test("pulumi up runs it in the virtualenv and records its outputs, with no host found on PATH", async () => {
    const up = await run(["up", "--yes"]);
    expect(`${up.stdout}${up.stderr}`).not.toMatch(/from \$PATH/);
    // Asked for in plaintext on purpose, so kept out of the outputs checked for leaks below.
    const shown = expectOk(await project.pulumi(["stack", "output", "--json", "--show-secrets"]), "stack output --show-secrets");
    const stack = JSON.parse(shown.stdout) as Record<string, string>;
    expect(stack.greeting).toBe("hello, agb");
    expect(fs.realpathSync(stack.python)).toBe(fs.realpathSync(venv.dir));
    expect(stack.secretEcho).toBe(SECRET);
  });

  test("a second up changes nothing; the secret output never shows in plaintext", async () => {
    const again = await run(["up", "--yes"]);
    expect(again.stdout).not.toMatch(/[+~-] \d+ (created|updated|deleted)/);
    const plain = JSON.parse((await run(["stack", "output", "--json"])).stdout) as Record<string, string>;
    expect(plain.secretEcho).toBe("[secret]");
    const state = (await run(["stack", "export"])).stdout;
    expect(state).toContain("greeting");
    expect(`${outputs.join("\n")}\n${state}`).not.toContain(SECRET);
  });

  test("pulumi destroy removes the stack's outputs", async () => {
    await run(["destroy", "--yes"]);
    const stack = JSON.parse((await run(["stack", "output", "--json"])).stdout) as Record<string, string>;
    expect(stack).toEqual({});
  });
});
