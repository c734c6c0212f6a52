/**
 * The user's own path: `pulumi` commands in a folder with a Pulumi.yaml, run
 * through the Node.js language host, with pulumi-agb installed from its packed
 * tarball. The lifecycle of examples/basic step by step, then `pulumi up` and
 * `pulumi destroy` on every example.
 */
import fs from "node:fs";
import path from "node:path";
import { cliProject, expectOk, installPackedPackage, type CliProject } from "../../tools/pulumi-driver/cliProjects";
import { WORK_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import { CREATE_TOKEN_LABEL } from "pulumi-agb";
import { E2E_API_KEY, mutatingCounts, PATHS, plainOccurrences, readTree, takeStepStats } from "./support/e2eSupport";
import { useE2eEmulator } from "./support/useE2eEmulator";

jest.setTimeout(900_000);

const ROOT = path.join(WORK_ROOT, "cli-projects");
const e2e = useE2eEmulator("e2e-cli-projects", []);

beforeAll(() => {
  installPackedPackage(ROOT);
});

async function initStack(project: CliProject, config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
  expectOk(await project.pulumi(["stack", "init", "dev"]), "stack init");
  expectOk(await project.pulumi(["config", "set", "agb:endpoint", e2e.emulator.url]), "config set");
  expectOk(await project.pulumi(["config", "set", "--secret", "agb:apiKey", E2E_API_KEY]), "config set --secret");
  for (const [key, value] of Object.entries(config)) expectOk(await project.pulumi(["config", "set", key, value]), `config set ${key}`);
  for (const [key, value] of Object.entries(secrets)) expectOk(await project.pulumi(["config", "set", "--secret", key, value]), `config set --secret ${key}`);
}

describe("examples/basic through pulumi commands in its folder", () => {
  let project: CliProject;
  const outputs: string[] = [];
  const run = async (args: string[]) => {
    const result = expectOk(await project.pulumi(args), args.join(" "));
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const sessionIds = async (): Promise<string[]> => JSON.parse((await run(["stack", "output", "sessionIds", "--json"])).stdout) as string[];

  beforeAll(async () => {
    project = cliProject(ROOT, "basic", "basic-lifecycle");
    await initStack(project, { sessionCount: "3" });
    await takeStepStats(e2e.control);
  });

  test("pulumi up creates the sessions: 3 CreateSession, through the language host with no PATH warning", async () => {
    const up = await run(["up", "--yes"]);
    expect(up.stdout).toMatch(/\+ 4 created|4 created/);
    expect(`${up.stdout}${up.stderr}`).not.toMatch(/using pulumi-language-nodejs from \$PATH/);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toEqual({
      [PATHS.createSession]: 3,
      [PATHS.setLabel]: 0,
      [PATHS.releaseSessionAsync]: 0,
      [PATHS.releaseSession]: 0,
    });
    const ids = await sessionIds();
    expect((await e2e.control.liveSessions()).map((s) => s.sessionId).sort()).toEqual([...ids].sort());
  });

  test("a label edit previews as an update per key, not a replace, and costs one SetLabel per session", async () => {
    await run(["config", "set", "labels", JSON.stringify({ environment: "prod" })]);
    const preview = await run(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/~ environment\s*: "dev" => "prod"/);
    expect(preview.stdout).toMatch(/3 to update/);
    expect(preview.stdout).not.toMatch(/to replace/);
    expect(await takeStepStats(e2e.control)).toEqual({});
    await run(["up", "--yes"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toMatchObject({ [PATHS.setLabel]: 3, [PATHS.createSession]: 0 });
    for (const session of await e2e.control.liveSessions()) expect(session.labels.environment).toBe("prod");
  });

  test("pulumi up with nothing changed makes no API call", async () => {
    const up = await run(["up", "--yes"]);
    expect(up.stdout).toMatch(/4 unchanged/);
    expect(await takeStepStats(e2e.control)).toEqual({});
  });

  test("drift made outside Pulumi is found by refresh and put back by up with one SetLabel", async () => {
    const [first] = await sessionIds();
    await e2e.client.setLabels(first, { ...(await e2e.client.getLabels(first)), environment: "hand-edited" });
    await takeStepStats(e2e.control);
    const refresh = await run(["refresh", "--yes"]);
    expect(refresh.stdout).toMatch(/1 updated/);
    const preview = await run(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/~ environment\s*: "hand-edited" => "prod"/);
    await takeStepStats(e2e.control);
    await run(["up", "--yes"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toMatchObject({ [PATHS.setLabel]: 1 });
    expect((await e2e.client.getLabels(first)).environment).toBe("prod");
  });

  test("a session released outside Pulumi is dropped by refresh and made again by up", async () => {
    const [, second] = await sessionIds();
    await e2e.client.releaseAndWait(second);
    const refresh = await run(["refresh", "--yes"]);
    expect(refresh.stdout).toMatch(/1 deleted/);
    await takeStepStats(e2e.control);
    await run(["up", "--yes"]);
    expect(mutatingCounts(await takeStepStats(e2e.control))).toMatchObject({ [PATHS.createSession]: 1 });
    expect(await e2e.control.liveSessions()).toHaveLength(3);
  });

  test("destroy releases every session, and the API key is nowhere in plain text", async () => {
    await run(["destroy", "--yes"]);
    expect(await e2e.control.liveSessions()).toEqual([]);
    const exported = await run(["stack", "export"]);
    expect(plainOccurrences(JSON.parse(exported.stdout), E2E_API_KEY)).toEqual([]);
    for (const file of readTree(path.join(ROOT, "state"))) expect(file.text).not.toContain(E2E_API_KEY);
    for (const file of readTree(project.dir).filter((f) => !f.file.includes("node_modules"))) expect(file.text).not.toContain(E2E_API_KEY);
    for (const text of outputs) expect(text).not.toContain(E2E_API_KEY);
  });
});

describe("pulumi up and destroy on every example", () => {
  // Pulumi YAML and Python examples run through the agb plugin: tests/e2e/yamlPlugin.test.ts and
  // tests/e2e/pythonPlugin.test.ts drive them.
  const examples = fs
    .readdirSync(path.join(__dirname, "..", "..", "examples"))
    .filter((example) => !/^runtime:\s*(yaml|python)\s*$/m.test(fs.readFileSync(path.join(__dirname, "..", "..", "examples", example, "Pulumi.yaml"), "utf8")))
    .sort();

  it("ships each example as a project a user can copy: Pulumi.yaml, package.json depending on pulumi-agb, tsconfig.json", () => {
    for (const example of examples) {
      const dir = path.join(__dirname, "..", "..", "examples", example);
      expect(fs.existsSync(path.join(dir, "Pulumi.yaml"))).toBe(true);
      expect(fs.existsSync(path.join(dir, "tsconfig.json"))).toBe(true);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
      expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(["pulumi-agb", "@pulumi/pulumi"]));
    }
  });

  /** What each example needs beyond the endpoint and key: config, and sessions that must exist first. */
  const setups: Record<string, () => Promise<{ config?: Record<string, string>; secrets?: Record<string, string> }>> = {
    "adopt-script-sessions": async () => {
      for (let i = 0; i < 2; i++) await e2e.client.createSession({ imageId: "agb-code-space-1", labels: { batch: "nightly", n: String(i) } });
      return {};
    },
    "adopt-session": async () => ({
      config: { adoptSessionId: (await e2e.client.createSession({ imageId: "agb-code-space-1", labels: { made: "by-script" } })).sessionId },
    }),
    "import-option": async () => ({
      config: { importId: (await e2e.client.createSession({ imageId: "agb-code-space-1", labels: { made: "by-script" } })).sessionId },
    }),
    "secret-label": async () => ({ secrets: { ownerLabel: "lbl-secret-owner" } }),
  };

  it.each(examples)("%s: pulumi up succeeds, a second up changes nothing, pulumi destroy succeeds", async (example) => {
    await e2e.control.reset("sessions");
    const project = cliProject(ROOT, example, `example-${example}`);
    const { config = {}, secrets = {} } = (await setups[example]?.()) ?? {};
    await initStack(project, config, secrets);
    const up = expectOk(await project.pulumi(["up", "--yes"]), `up (${example})`);
    expect(up.stdout).toMatch(/created|updated/);
    const again = expectOk(await project.pulumi(["up", "--yes"]), `second up (${example})`);
    expect(again.stdout).not.toMatch(/to create|created|replaced|to update|updated/);
    expectOk(await project.pulumi(["destroy", "--yes"]), `destroy (${example})`);
    const ours = (await e2e.control.liveSessions()).filter((s) => CREATE_TOKEN_LABEL in s.labels);
    expect(ours).toEqual([]);
  });
});
