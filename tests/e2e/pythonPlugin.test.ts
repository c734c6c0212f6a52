/**
 * The `agb` provider plugin under the real CLI, from Python, as a user drives
 * it: `pulumi` from PyPI and the committed sdk/python in a virtualenv, the
 * plugin installed from its tarball with `pulumi plugin install`,
 * examples/python-environment copied into a project folder, `pulumi` commands
 * in that folder through the Python language host. The same lifecycle as the
 * YAML suite; API calls are counted by the emulator.
 */
import fs from "node:fs";
import path from "node:path";
import { expectOk, type CliProject, type CliResult } from "../../tools/pulumi-driver/cliProjects";
import { packagePlugin, pluginVersionOf } from "../support/installPluginTarball";
import { REPO_ROOT, WORK_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import { pythonProject } from "../support/pythonProject";
import { ensurePythonVenv, type PythonVenv } from "../support/ensurePythonVenv";
import { CREATE_TOKEN_LABEL } from "pulumi-agb";
import { E2E_API_KEY, mutatingCounts, PATHS, plainOccurrences, readTree, takeStepStats } from "./support/e2eSupport";
import { useE2eEmulator } from "./support/useE2eEmulator";

jest.setTimeout(900_000);

const ROOT = path.join(WORK_ROOT, "python-plugin");
const EXAMPLE = path.join(REPO_ROOT, "examples", "python-environment");
const OWNER_SECRET = "owner-SECRET-python-label-5093";
const e2e = useE2eEmulator("e2e-python-plugin", []);
const NONE = { [PATHS.createSession]: 0, [PATHS.setLabel]: 0, [PATHS.releaseSessionAsync]: 0, [PATHS.releaseSession]: 0 };

let venv: PythonVenv;
let project: CliProject;
let sharedId: string;
let importedId: string;
const outputs: string[] = [];

async function run(args: string[]): Promise<CliResult> {
  const result = expectOk(await project.pulumi(args), args.join(" "));
  outputs.push(result.stdout, result.stderr);
  return result;
}

const live = async () => (await e2e.control.liveSessions()).filter((s) => CREATE_TOKEN_LABEL in s.labels);
const output = async (name: string) => JSON.parse((await run(["stack", "output", name, "--json"])).stdout) as string;

beforeAll(async () => {
  const started = Date.now();
  venv = await ensurePythonVenv({
    name: "pulumi-agb-sdk",
    requirementFiles: [path.join(__dirname, "python", "requirements-pulumi.txt")],
    localPackages: [path.join(REPO_ROOT, "sdk", "python")],
  });
  process.stdout.write(`pulumi + pulumi_agb virtualenv ${venv.created ? "made" : "reused"} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  fs.rmSync(ROOT, { recursive: true, force: true });
  fs.mkdirSync(ROOT, { recursive: true });
  const tarball = packagePlugin();
  project = pythonProject(ROOT, EXAMPLE, "environment", venv);
  // The example as a user's copy: the plugin comes from `pulumi plugin install`, not from a checkout path.
  const manifest = path.join(project.dir, "Pulumi.yaml");
  fs.writeFileSync(manifest, fs.readFileSync(manifest, "utf8").replace(/^(?:#.*\n)*plugins:\n(?:[ #].*\n|\n)*/m, ""));
  await run(["plugin", "install", "resource", "agb", pluginVersionOf(tarball), "--file", tarball]);
  sharedId = (await e2e.client.createSession({ imageId: "agb-code-space-1", labels: { made: "by-script", pool: "shared" } })).sessionId;
  await run(["stack", "init", "dev"]);
  await run(["config", "set", "agb:endpoint", e2e.emulator.url]);
  await run(["config", "set", "--secret", "agb:apiKey", E2E_API_KEY]);
  await run(["config", "set", "sharedSessionId", sharedId]);
  await run(["config", "set", "--secret", "owner", OWNER_SECRET]);
  await takeStepStats(e2e.control);
});

describe("examples/python-environment from Python", () => {
  test("the SDK in the virtualenv is the committed one, at the package's version", () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    const site = fs.readdirSync(path.join(venv.dir, "lib")).map((v) => path.join(venv.dir, "lib", v, "site-packages"))[0];
    const plugin = JSON.parse(fs.readFileSync(path.join(site, "pulumi_agb", "pulumi-plugin.json"), "utf8")) as { version: string };
    expect(plugin.version).toBe(version);
    expect(fs.readFileSync(path.join(site, "pulumi_agb", "session.py"), "utf8")).toBe(
      fs.readFileSync(path.join(REPO_ROOT, "sdk", "python", "pulumi_agb", "session.py"), "utf8"),
    );
  });

  test("pulumi up: one CreateSession per session, the stack's labels on the shared session", async () => {
    const up = await run(["up", "--yes"]);
    expect(up.stdout).toMatch(/4 created/);
    expect(`${up.stdout}${up.stderr}`).not.toMatch(/from \$PATH/);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual({ ...NONE, [PATHS.createSession]: 2, [PATHS.setLabel]: 1 });
    const web = await output("webSessionId");
    const sessions = await live();
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.sessionId === web)?.labels).toMatchObject({ environment: "dev", team: "platform", role: "web" });
    const worker = sessions.find((s) => s.sessionId !== web);
    expect(worker?.labels).toMatchObject({ role: "worker", owner: OWNER_SECRET, "web-session": web });
    expect(await e2e.client.getLabels(sharedId)).toEqual({ made: "by-script", pool: "shared", environment: "dev", team: "platform" });
  });

  test("a label edit previews as an update, not a replace, even where a label is unknown at preview; one SetLabel per session", async () => {
    await run(["config", "set", "team", "payments"]);
    const preview = await run(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/~ team\s*: "platform" => "payments"/);
    expect(preview.stdout).toMatch(/3 to update/);
    expect(preview.stdout).not.toMatch(/replace/);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    const up = await run(["up", "--yes"]);
    expect(up.stdout).toMatch(/3 updated/);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual({ ...NONE, [PATHS.setLabel]: 3 });
    for (const session of await live()) expect(session.labels.team).toBe("payments");
    expect((await e2e.client.getLabels(sharedId)).team).toBe("payments");
  });

  test("pulumi up with nothing changed: no call but getSessions' ListSession", async () => {
    // The checks above read labels through the emulator too: not this step's calls.
    await takeStepStats(e2e.control);
    const up = await run(["up", "--yes"]);
    expect(up.stdout).toMatch(/4 unchanged/);
    const stats = await takeStepStats(e2e.control);
    expect(Object.keys(stats).filter((p) => p !== PATHS.listSession)).toEqual([]);
    // The program runs twice, for the preview `up` makes first and for the update: one lookup each.
    expect(stats[PATHS.listSession]).toBe(2);
  });

  test("drift made outside Pulumi is found by refresh and put back by up with one SetLabel", async () => {
    const web = await output("webSessionId");
    await e2e.client.setLabels(web, { ...(await e2e.client.getLabels(web)), role: "hand-edited" });
    await takeStepStats(e2e.control);
    const refresh = await run(["refresh", "--yes"]);
    expect(refresh.stdout).toMatch(/1 updated/);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    const preview = await run(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/~ role\s*: "hand-edited" => "web"/);
    await run(["up", "--yes"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual({ ...NONE, [PATHS.setLabel]: 1 });
    expect((await e2e.client.getLabels(web)).role).toBe("web");
  });

  test("pulumi import of a session made outside the stack: no create, no release, no label change; then declared in Python, no call", async () => {
    const made = await e2e.client.createSession({ imageId: "agb-code-space-1", labels: { made: "outside", owner: "ops" } });
    importedId = made.sessionId;
    await takeStepStats(e2e.control);
    // The v3.68.0 Python host cannot write the code (GenerateProgram is not implemented): the user writes it.
    await run(["import", "agb:index:Session", "imported", importedId, "--yes", "--protect=false", "--generate-code=false"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    const state = JSON.parse((await run(["stack", "export"])).stdout) as { deployment: { resources: { urn: string; id?: string }[] } };
    expect(state.deployment.resources.find((r) => r.urn.endsWith("::imported"))?.id).toBe(importedId);
    fs.appendFileSync(
      path.join(project.dir, "__main__.py"),
      `\nagb.Session("imported", image_id="agb-code-space-1", adopt_session_id="${importedId}", labels={"made": "outside", "owner": "ops"})\n`,
    );
    const preview = await run(["preview", "--diff"]);
    expect(preview.stdout).not.toMatch(/replace/);
    await run(["up", "--yes"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    const again = await run(["up", "--yes"]);
    expect(again.stdout).toMatch(/5 unchanged/);
    expect(await e2e.client.getLabels(importedId)).toEqual({ made: "outside", owner: "ops" });
  });

  test("the secret label is secret in state, outputs and the CLI's output", async () => {
    const exported = JSON.parse((await run(["stack", "export"])).stdout) as unknown;
    expect(plainOccurrences(exported, OWNER_SECRET)).toEqual([]);
    expect(plainOccurrences(exported, E2E_API_KEY)).toEqual([]);
    for (const file of readTree(path.join(ROOT, "state"))) {
      expect(file.text).not.toContain(OWNER_SECRET);
      expect(file.text).not.toContain(E2E_API_KEY);
    }
  });

  test("destroy releases what the stack holds (the imported session too); SessionLabels removes only its own keys", async () => {
    await takeStepStats(e2e.control);
    await run(["destroy", "--yes"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toMatchObject({ [PATHS.createSession]: 0, [PATHS.setLabel]: 1 });
    expect(await live()).toEqual([]);
    expect((await e2e.control.liveSessions()).map((s) => s.sessionId)).not.toContain(importedId);
    expect(await e2e.client.getLabels(sharedId)).toEqual({ made: "by-script", pool: "shared" });
    for (const text of outputs) {
      expect(text).not.toContain(OWNER_SECRET);
      expect(text).not.toContain(E2E_API_KEY);
    }
  });
});
