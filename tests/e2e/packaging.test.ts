/**
 * `npm pack` gives a tarball that installs into a fresh project and works
 * there under the real CLI: the example program, copied as is, imports the
 * package by name, and the provider process loads the installed package.
 */
import { OPERATIONS } from "../../wire/protocol";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { EmulatorControl } from "../../tools/pulumi-driver/emulatorControl";
import { installPackedPackage } from "../../tools/pulumi-driver/cliProjects";
import { pulumiEnv, REPO_ROOT, WORK_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import { runStackAction } from "../../tools/pulumi-driver/runStackAction";
import type { StackSpec } from "../../tools/pulumi-driver/stackRunner";
import { pulumiCliDir } from "../support/stackFixture";

jest.setTimeout(600_000);

const root = path.join(WORK_ROOT, "packaging");
const project = path.join(root, "fresh-project");
let emulator: RunningEmulator;
let spec: StackSpec;

beforeAll(async () => {
  // The tarball and @pulumi/pulumi go into root/node_modules, which the project folder below resolves from.
  installPackedPackage(root);
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "fresh-project", private: true }));
  fs.copyFileSync(path.join(REPO_ROOT, "dist", "examples", "basic", "index.js"), path.join(project, "index.js"));
  emulator = await startEmulator({ apiKey: "akm-packaging-key" });
  spec = {
    example: "basic",
    programPath: path.join(project, "index.js"),
    workDir: project,
    project: "fresh-project",
    stack: "packed",
    stateDir: path.join(root, "state"),
    cliDir: pulumiCliDir(),
    config: { "agb:endpoint": emulator.url, sessionCount: "2" },
    secretConfig: { "agb:apiKey": "akm-packaging-key" },
  };
});

afterAll(async () => {
  await emulator?.close();
});

it("installs as a real package, not a link to this repository", () => {
  const installed = path.join(root, "node_modules", "pulumi-agb");
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, "dist", "provider", "runtime", "index.js"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "dist", "emulator", "cli.js"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "dist", "tools"))).toBe(false);
});

interface ExportedResource {
  type: string;
  inputs?: { __provider?: string };
  outputs?: { __provider?: string };
}

async function exportedSessions(): Promise<{ text: string; sessions: ExportedResource[] }> {
  const exported = await runStackAction(spec, "export");
  const text = exported.exported ?? "{}";
  const deployment = JSON.parse(text) as { deployment: { resources: ExportedResource[] } };
  return { text, sessions: deployment.deployment.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/agb:Session") };
}

/** `pulumi stack import` of an edited export, as a user would run it. */
function importState(text: string): void {
  const file = path.join(root, "edited-state.json");
  fs.writeFileSync(file, text);
  execFileSync(path.join(spec.cliDir, "pulumi"), ["stack", "import", "--file", file, "--stack", spec.stack, "--non-interactive"], {
    cwd: project,
    env: pulumiEnv(spec.cliDir, spec.stateDir as string, {}, project),
    stdio: "ignore",
  });
}

it("runs the example from the tarball through up and destroy, each resource's provider a module reference", async () => {
  const control = new EmulatorControl(emulator.url);
  const up = await runStackAction(spec, "up");
  expect(up.error).toBeUndefined();
  expect(up.changes.create).toBe(3);
  expect(await control.stats()).toEqual({ [OPERATIONS.createSession.path]: 2 });

  const { text, sessions } = await exportedSessions();
  expect(sessions.length).toBe(2);
  for (const session of sessions) {
    const copies = [session.inputs?.__provider ?? "", session.outputs?.__provider ?? ""];
    for (const copy of copies) {
      expect(copy).toContain('require("pulumi-agb/providers/session")');
      expect(Buffer.byteLength(copy, "utf8")).toBeLessThan(300);
    }
  }
  expect(text).not.toContain("akm-packaging-key");

  const destroy = await runStackAction(spec, "destroy");
  expect(destroy.error).toBeUndefined();
  expect(await control.liveSessions()).toEqual([]);
});

it("state written by version 0.1 (the 2 KB provider form) refreshes, updates and destroys with this version", async () => {
  const control = new EmulatorControl(emulator.url);
  expect((await runStackAction(spec, "up")).error).toBeUndefined();
  const legacy = fs.readFileSync(path.join(REPO_ROOT, "tests", "fixtures", "serialized-provider-v0.1-session.js.txt"), "utf8");
  /** Rewrites every Session's stored provider to the 0.1 text, as state written by that version holds it. */
  const writeLegacyState = async () => {
    const state = JSON.parse((await exportedSessions()).text) as { deployment: { resources: ExportedResource[] } };
    for (const resource of state.deployment.resources) {
      if (resource.type !== "pulumi-nodejs:dynamic/agb:Session") continue;
      resource.inputs = { ...resource.inputs, __provider: legacy };
      resource.outputs = { ...resource.outputs, __provider: legacy };
    }
    importState(JSON.stringify(state));
    expect((await exportedSessions()).sessions.every((s) => s.outputs?.__provider === legacy)).toBe(true);
  };

  await writeLegacyState();
  const refresh = await runStackAction(spec, "refresh");
  expect(refresh.error).toBeUndefined();
  expect(refresh.changes).toEqual({ same: 3 });
  const relabelled = { ...spec, config: { ...spec.config, labels: JSON.stringify({ tier: "gold" }) } };
  const update = await runStackAction(relabelled, "up");
  expect(update.error).toBeUndefined();
  expect(update.changes).toEqual({ update: 2, same: 1 });
  for (const session of await control.liveSessions()) expect(session.labels.tier).toBe("gold");
  // The update stored this version's provider: go back to the 0.1 text, so destroy runs from it (delete uses the stored one).
  await writeLegacyState();
  const destroy = await runStackAction(relabelled, "destroy");
  expect(destroy.error).toBeUndefined();
  expect(await control.liveSessions()).toEqual([]);
});

it("ships the emulator as an npm bin", () => {
  const help = execFileSync(path.join(root, "node_modules", ".bin", "agb-emulator"), ["--help"], { encoding: "utf8" });
  expect(help).toContain("--state-file");
});
