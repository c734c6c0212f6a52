/**
 * The quick start at the root of a clone, as the README gives it: after
 * `npm install` (whose `prepare` script builds), `pulumi stack init dev`,
 * `pulumi config set agb:endpoint`, `pulumi config set --secret agb:apiKey` and
 * `pulumi up` create examples/basic's sessions through the Node.js language
 * host; `pulumi destroy` releases them. The clone is a copy of the files git
 * tracks or would track (no dist/, no node_modules), installed from scratch.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expectOk, projectFolder, type CliProject } from "../../tools/pulumi-driver/cliProjects";
import { REPO_ROOT, WORK_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import { CREATE_TOKEN_LABEL } from "pulumi-agb";
import { E2E_API_KEY, mutatingCounts, PATHS, takeStepStats } from "./support/e2eSupport";
import { useE2eEmulator } from "./support/useE2eEmulator";

jest.setTimeout(900_000);

const ROOT = path.join(WORK_ROOT, "root-project");
const CLONE = path.join(ROOT, "clone");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const e2e = useE2eEmulator("e2e-root-project", []);
let project: CliProject;

/** Copies what a clone of this checkout holds: tracked files and new files git does not ignore. */
function copyCheckout(to: string): void {
  const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: REPO_ROOT, encoding: "utf8" });
  for (const file of listed.split("\0").filter(Boolean)) {
    const from = path.join(REPO_ROOT, file);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(from, path.join(to, file));
  }
}

beforeAll(() => {
  fs.rmSync(ROOT, { recursive: true, force: true });
  copyCheckout(CLONE);
  expect(fs.existsSync(path.join(CLONE, "dist"))).toBe(false);
  execFileSync(NPM, ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: CLONE, stdio: "ignore" });
  project = projectFolder(CLONE, path.join(ROOT, "state"), path.join(ROOT, "pulumi-home"));
});

it("npm install builds the program the root Pulumi.yaml runs", () => {
  const pulumiYaml = fs.readFileSync(path.join(CLONE, "Pulumi.yaml"), "utf8");
  const main = /^main:\s*(\S+)\s*$/m.exec(pulumiYaml)?.[1] as string;
  expect(main).toBeDefined();
  expect(fs.existsSync(path.join(CLONE, main))).toBe(true);
});

it("pulumi stack init, config set, up: the quick start's sessions exist", async () => {
  expectOk(await project.pulumi(["stack", "init", "dev"]), "stack init dev");
  expectOk(await project.pulumi(["config", "set", "agb:endpoint", e2e.emulator.url]), "config set agb:endpoint");
  expectOk(await project.pulumi(["config", "set", "--secret", "agb:apiKey", E2E_API_KEY]), "config set --secret agb:apiKey");
  await takeStepStats(e2e.control);
  const up = expectOk(await project.pulumi(["up", "--yes"]), "up");
  expect(up.stdout).toMatch(/3 created/);
  expect(`${up.stdout}${up.stderr}`).not.toContain(E2E_API_KEY);
  expect(mutatingCounts(await takeStepStats(e2e.control))).toMatchObject({ [PATHS.createSession]: 2 });
  const ids = JSON.parse(expectOk(await project.pulumi(["stack", "output", "sessionIds", "--json"]), "stack output").stdout) as string[];
  const live = await e2e.control.liveSessions();
  expect(live.map((s) => s.sessionId).sort()).toEqual([...ids].sort());
  for (const session of live) expect(session.labels).toMatchObject({ project: "demo", environment: "dev" });
});

it("pulumi destroy releases them", async () => {
  expectOk(await project.pulumi(["destroy", "--yes"]), "destroy");
  expect((await e2e.control.liveSessions()).filter((s) => CREATE_TOKEN_LABEL in s.labels)).toEqual([]);
});
