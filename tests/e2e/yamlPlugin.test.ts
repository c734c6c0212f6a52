/**
 * The `agb` provider plugin under the real CLI, from Pulumi YAML, as a user
 * drives it: the plugin installed from its tarball with `pulumi plugin
 * install`, examples/yaml-environment copied into a project folder, `pulumi`
 * commands in that folder. API calls are counted by the emulator.
 */
import fs from "node:fs";
import path from "node:path";
import { cliProject, expectOk, type CliProject, type CliResult } from "../../tools/pulumi-driver/cliProjects";
import { packagePlugin, pluginVersionOf } from "../support/installPluginTarball";
import { WORK_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import { CREATE_TOKEN_LABEL } from "pulumi-agb";
import { E2E_API_KEY, mutatingCounts, PATHS, plainOccurrences, readTree, takeStepStats } from "./support/e2eSupport";
import { useE2eEmulator } from "./support/useE2eEmulator";

jest.setTimeout(900_000);

const ROOT = path.join(WORK_ROOT, "yaml-plugin");
const OWNER_SECRET = "owner-SECRET-label-7781";
const e2e = useE2eEmulator("e2e-yaml-plugin", []);
const NONE = { [PATHS.createSession]: 0, [PATHS.setLabel]: 0, [PATHS.releaseSessionAsync]: 0, [PATHS.releaseSession]: 0 };

let tarball: string;
const outputs: string[] = [];

/** The example as a user's copy: the plugin comes from `pulumi plugin install`, not from a checkout path. */
function withoutPluginsBlock(file: string): void {
  const text = fs.readFileSync(file, "utf8");
  fs.writeFileSync(file, text.replace(/^plugins:\n(?:[ #].*\n|\n)*?(?=^\S)/m, ""));
}

async function run(project: CliProject, args: string[]): Promise<CliResult> {
  const result = expectOk(await project.pulumi(args), args.join(" "));
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function initStack(project: CliProject, config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
  await run(project, ["stack", "init", "dev"]);
  await run(project, ["config", "set", "agb:endpoint", e2e.emulator.url]);
  await run(project, ["config", "set", "--secret", "agb:apiKey", E2E_API_KEY]);
  for (const [key, value] of Object.entries(config)) await run(project, ["config", "set", key, value]);
  for (const [key, value] of Object.entries(secrets)) await run(project, ["config", "set", "--secret", key, value]);
}

beforeAll(async () => {
  fs.rmSync(ROOT, { recursive: true, force: true });
  fs.mkdirSync(ROOT, { recursive: true });
  tarball = packagePlugin();
  const installer = cliProject(ROOT, "yaml-environment", "installer");
  await run(installer, ["plugin", "install", "resource", "agb", pluginVersionOf(tarball), "--file", tarball]);
});

describe("the plugin's package", () => {
  test("is a launcher and one bundled script, small, installed by pulumi plugin install", async () => {
    const project = cliProject(ROOT, "yaml-environment", "install-check");
    const ls = await run(project, ["plugin", "ls", "--json"]);
    const plugins = JSON.parse(ls.stdout) as { name: string; kind: string; version: string }[];
    expect(plugins).toEqual(expect.arrayContaining([expect.objectContaining({ name: "agb", kind: "resource", version: pluginVersionOf(tarball) })]));
    expect(fs.statSync(tarball).size).toBeLessThan(5 * 1024 * 1024);
  });
});

describe("from a checkout", () => {
  test("the example's plugins.providers path (../../dist/plugin) serves the plugin where none is installed", async () => {
    // Two folders below the repository, as examples/yaml-environment is, so its relative path holds.
    // cliProject keeps its state in <root>/state/<name>: an earlier run's stack must not remain.
    const stateDir = path.join(WORK_ROOT, "state", "yaml-checkout-path");
    fs.rmSync(stateDir, { recursive: true, force: true });
    const project = cliProject(WORK_ROOT, "yaml-environment", "yaml-checkout-path");
    project.env.PULUMI_HOME = path.join(ROOT, "empty-pulumi-home");
    await initStack(project, { sharedSessionId: "s-not-needed-for-a-preview" }, { owner: OWNER_SECRET });
    const preview = await run(project, ["preview"]);
    expect(preview.stdout).toMatch(/\+ 4 to create/);
    const plugins = JSON.parse((await run(project, ["plugin", "ls", "--json"])).stdout || "[]") as { name: string }[];
    expect(plugins.map((p) => p.name)).not.toContain("agb");
    fs.rmSync(project.dir, { recursive: true, force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
});

describe("examples/yaml-environment from Pulumi YAML", () => {
  let project: CliProject;
  let sharedId: string;
  let importedId: string;
  const live = async () => (await e2e.control.liveSessions()).filter((s) => CREATE_TOKEN_LABEL in s.labels);
  const output = async (name: string) => JSON.parse((await run(project, ["stack", "output", name, "--json"])).stdout) as string;

  beforeAll(async () => {
    project = cliProject(ROOT, "yaml-environment", "environment");
    withoutPluginsBlock(path.join(project.dir, "Pulumi.yaml"));
    sharedId = (await e2e.client.createSession({ imageId: "agb-code-space-1", labels: { made: "by-script", pool: "shared" } })).sessionId;
    await initStack(project, { sharedSessionId: sharedId }, { owner: OWNER_SECRET });
    await takeStepStats(e2e.control);
  });

  test("pulumi up: one CreateSession per session, the stack's labels on the shared session", async () => {
    const up = await run(project, ["up", "--yes"]);
    expect(up.stdout).toMatch(/4 created/);
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
    await run(project, ["config", "set", "team", "payments"]);
    const preview = await run(project, ["preview", "--diff"]);
    expect(preview.stdout).toMatch(/~ team\s*: "platform" => "payments"/);
    expect(preview.stdout).toMatch(/3 to update/);
    expect(preview.stdout).not.toMatch(/replace/);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    const up = await run(project, ["up", "--yes"]);
    expect(up.stdout).toMatch(/3 updated/);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual({ ...NONE, [PATHS.setLabel]: 3 });
    for (const session of await live()) expect(session.labels.team).toBe("payments");
    expect((await e2e.client.getLabels(sharedId)).team).toBe("payments");
  });

  test("pulumi up with nothing changed: no call but getSessions' ListSession", async () => {
    await takeStepStats(e2e.control);
    const up = await run(project, ["up", "--yes"]);
    expect(up.stdout).toMatch(/4 unchanged/);
    const stats = await takeStepStats(e2e.control);
    expect(Object.keys(stats).filter((p) => p !== PATHS.listSession)).toEqual([]);
  });

  test("drift made outside Pulumi is found by refresh and put back by up with one SetLabel", async () => {
    const web = await output("webSessionId");
    await e2e.client.setLabels(web, { ...(await e2e.client.getLabels(web)), role: "hand-edited" });
    await takeStepStats(e2e.control);
    const refresh = await run(project, ["refresh", "--yes"]);
    expect(refresh.stdout).toMatch(/1 updated/);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    const preview = await run(project, ["preview", "--diff"]);
    expect(preview.stdout).toMatch(/~ role\s*: "hand-edited" => "web"/);
    await run(project, ["up", "--yes"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual({ ...NONE, [PATHS.setLabel]: 1 });
    expect((await e2e.client.getLabels(web)).role).toBe("web");
  });

  test("the secret label is secret in state, outputs and the CLI's output", async () => {
    const exported = JSON.parse((await run(project, ["stack", "export"])).stdout) as unknown;
    expect(plainOccurrences(exported, OWNER_SECRET)).toEqual([]);
    expect(plainOccurrences(exported, E2E_API_KEY)).toEqual([]);
    for (const file of readTree(path.join(ROOT, "state"))) {
      expect(file.text).not.toContain(OWNER_SECRET);
      expect(file.text).not.toContain(E2E_API_KEY);
    }
  });

  test("pulumi import of a session made outside the stack: no create, no release, no label change; the generated YAML is right", async () => {
    const made = await e2e.client.createSession({ imageId: "agb-code-space-1", labels: { made: "outside", owner: "ops" } });
    importedId = made.sessionId;
    await takeStepStats(e2e.control);
    const out = path.join(project.dir, "imported.yaml");
    const imported = await run(project, ["import", "agb:index:Session", "imported", importedId, "--yes", "--protect=false", "--out", out]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    expect(`${imported.stdout}${imported.stderr}`).toMatch(/imageId/);
    const generated = fs.readFileSync(out, "utf8");
    // YAML codegen writes the short token (agb:Session), and the required imageId as "" to fill in.
    expect(generated).toMatch(/^\s+imported:\n\s+type: agb:(index:)?Session\n\s+properties:\n/m);
    expect(generated).toMatch(/imageId: ""/);
    expect(generated).toContain(`adoptSessionId: ${importedId}`);
    expect(generated).toMatch(/made: outside/);
    expect(generated).toMatch(/owner: ops/);
    expect(generated).not.toContain(CREATE_TOKEN_LABEL);
    expect(generated).not.toMatch(/effectiveLabels|defaultLabels|createToken/);
    // The user copies it into the program and states the image: recorded in place, no call, no replacement.
    const resource = generated.slice(generated.indexOf("  imported:")).replace('imageId: ""', "imageId: agb-code-space-1");
    const programFile = path.join(project.dir, "Pulumi.yaml");
    fs.writeFileSync(programFile, fs.readFileSync(programFile, "utf8").replace(/\noutputs:/, `\n${resource.trimEnd()}\n\noutputs:`));
    const preview = await run(project, ["preview", "--diff"]);
    expect(preview.stdout).not.toMatch(/replace/);
    expect(preview.stdout).toMatch(/\+ imageId\s*: "agb-code-space-1"/);
    await run(project, ["up", "--yes"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    const again = await run(project, ["up", "--yes"]);
    expect(again.stdout).toMatch(/5 unchanged/);
    expect(await e2e.client.getLabels(importedId)).toEqual({ made: "outside", owner: "ops" });
  });

  test("destroy releases what the stack holds (the imported session too); SessionLabels removes only its own keys", async () => {
    await takeStepStats(e2e.control);
    await run(project, ["destroy", "--yes"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toMatchObject({ [PATHS.createSession]: 0, [PATHS.setLabel]: 1 });
    expect(await live()).toEqual([]);
    expect((await e2e.control.liveSessions()).map((s) => s.sessionId)).not.toContain(importedId);
    expect(await e2e.client.getLabels(sharedId)).toEqual({ made: "by-script", pool: "shared" });
    expect((await e2e.control.liveSessions()).map((s) => s.sessionId)).toEqual([sharedId]);
    for (const text of outputs) {
      expect(text).not.toContain(OWNER_SECRET);
      expect(text).not.toContain(E2E_API_KEY);
    }
  });
});

describe("engine contract on the plugin path", () => {
  let project: CliProject;
  const program = (body: string) => fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), `name: agb-yaml-contract\nruntime: yaml\n${body}`);

  beforeAll(async () => {
    await e2e.control.reset("sessions");
    project = cliProject(ROOT, "yaml-environment", "contract");
    program("resources: {}\n");
    await initStack(project, {});
    await takeStepStats(e2e.control);
  });

  test("the import resource option takes a session made outside the stack: no write, no replacement; the next up is unchanged", async () => {
    const { sessionId } = await e2e.client.createSession({ imageId: "agb-code-space-1", labels: { made: "outside" } });
    program(
      `resources:\n  brought:\n    type: agb:index:Session\n    properties:\n      imageId: agb-code-space-1\n      labels:\n        made: outside\n` +
        `    options:\n      import: ${sessionId}\n`,
    );
    await takeStepStats(e2e.control);
    // Before: check dropped the adoption because the imported state has no imageId, so diff asked for a replacement the engine refuses.
    const up = await run(project, ["up", "--yes"]);
    expect(up.stdout).toMatch(/1 imported/);
    expect(up.stdout).not.toMatch(/replace/);
    const again = await run(project, ["up", "--yes"]);
    expect(again.stdout).toMatch(/2 unchanged/);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    expect(await e2e.client.getLabels(sessionId)).toEqual({ made: "outside" });
    // Taken into the stack, it is the stack's to release.
    program("resources: {}\n");
    await run(project, ["up", "--yes"]);
    expect((await e2e.control.liveSessions()).map((s) => s.sessionId)).not.toContain(sessionId);
    await takeStepStats(e2e.control);
  });

  test("adoption: dropping adoptSessionId once adopted is no replacement, no call; the adopted session stays", async () => {
    const { sessionId } = await e2e.client.createSession({ imageId: "agb-code-space-1", labels: { made: "by-script" } });
    program(`resources:\n  adopted:\n    type: agb:index:Session\n    properties:\n      imageId: agb-code-space-1\n      adoptSessionId: ${sessionId}\n      labels:\n        made: by-script\n        owner: platform\n`);
    await takeStepStats(e2e.control);
    await run(project, ["up", "--yes"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual({ ...NONE, [PATHS.setLabel]: 1 });
    program(`resources:\n  adopted:\n    type: agb:index:Session\n    properties:\n      imageId: agb-code-space-1\n      labels:\n        made: by-script\n        owner: platform\n`);
    const preview = await run(project, ["preview", "--diff"]);
    expect(preview.stdout).not.toMatch(/replace/);
    const up = await run(project, ["up", "--yes"]);
    expect(up.stdout).not.toMatch(/replaced|created/);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    expect((await e2e.control.liveSessions()).map((s) => s.sessionId)).toContain(sessionId);
  });

  test("an input unknown at preview (another resource's id): a SessionLabels on a new session previews, then lands", async () => {
    program(
      "resources:\n  fresh:\n    type: agb:index:Session\n    properties:\n      imageId: agb-code-space-1\n" +
        "  extra:\n    type: agb:index:SessionLabels\n    properties:\n      sessionId: ${fresh.sessionId}\n      labels:\n        owner: extra\n",
    );
    const preview = await run(project, ["preview", "--diff"]);
    expect(preview.stdout).toMatch(/\+ 2 to create/);
    expect(preview.stdout).toMatch(/- 1 to delete/);
    await run(project, ["up", "--yes"]);
    const fresh = (await e2e.control.liveSessions()).find((s) => CREATE_TOKEN_LABEL in s.labels);
    expect(fresh?.labels.owner).toBe("extra");
  });

  test("pulumi import of a session the stack already holds is refused, naming it and the way forward: no write, state unchanged", async () => {
    const fresh = (await e2e.control.liveSessions()).find((s) => CREATE_TOKEN_LABEL in s.labels);
    const before = JSON.parse((await run(project, ["stack", "export"])).stdout) as { deployment: { resources: unknown[] } };
    await takeStepStats(e2e.control);
    const imported = await project.pulumi(["import", "agb:index:Session", "twin", fresh?.sessionId as string, "--yes", "--protect=false", "--generate-code=false"]);
    outputs.push(imported.stdout, imported.stderr);
    expect(imported.code).not.toBe(0);
    expect(`${imported.stdout}${imported.stderr}`).toContain(`${CREATE_TOKEN_LABEL}=${fresh?.labels[CREATE_TOKEN_LABEL]}`);
    expect(`${imported.stdout}${imported.stderr}`).toContain(`adoptSessionId: ${fresh?.sessionId}`);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    const after = JSON.parse((await run(project, ["stack", "export"])).stdout) as { deployment: { resources: unknown[] } };
    expect(after.deployment.resources).toHaveLength(before.deployment.resources.length);
  });

  test("a label key __proto__ (which decoding the request would drop) is refused at preview, naming the resource and key, before any call", async () => {
    const saved = fs.readFileSync(path.join(project.dir, "Pulumi.yaml"), "utf8");
    program(`resources:\n  odd:\n    type: agb:index:Session\n    properties:\n      imageId: agb-code-space-1\n      labels:\n        __proto__: x\n        team: core\n`);
    await takeStepStats(e2e.control);
    const preview = await project.pulumi(["preview"]);
    outputs.push(preview.stdout, preview.stderr);
    expect(preview.code).not.toBe(0);
    expect(`${preview.stdout}${preview.stderr}`).toMatch(/odd[\s\S]*"__proto__": a label key may not be "__proto__"/);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual(NONE);
    fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), saved);
  });

  test("not found: a session released outside the stack is dropped by refresh, made again by up; destroy of SessionLabels on it succeeds", async () => {
    const fresh = (await e2e.control.liveSessions()).find((s) => CREATE_TOKEN_LABEL in s.labels);
    await e2e.client.releaseAndWait(fresh?.sessionId as string);
    const refresh = await run(project, ["refresh", "--yes"]);
    expect(refresh.stdout).toMatch(/deleted/);
    await takeStepStats(e2e.control);
    await run(project, ["up", "--yes"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toMatchObject({ [PATHS.createSession]: 1 });
    await run(project, ["destroy", "--yes"]);
    expect((await e2e.control.liveSessions()).filter((s) => CREATE_TOKEN_LABEL in s.labels)).toEqual([]);
  });
});
