/**
 * `npm pack` gives a tarball that installs into a fresh project and works
 * there under the real CLI: the example program, copied as is, imports the
 * package by name, and the provider process loads the installed package.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { EmulatorControl } from "../../harness/emulatorControl";
import { REPO_ROOT, WORK_ROOT } from "../../harness/pulumiCli";
import { runStackAction } from "../../harness/runStackAction";
import type { StackSpec } from "../../harness/stackRunner";
import { pulumiCliDir } from "../support/stackFixture";

jest.setTimeout(600_000);

const root = path.join(WORK_ROOT, "packaging");
const project = path.join(root, "fresh-project");
let emulator: RunningEmulator;
let spec: StackSpec;

beforeAll(async () => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(project, { recursive: true });
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const packed = execFileSync(npm, ["pack", "--silent", "--ignore-scripts", "--pack-destination", root], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop() as string;
  const pulumiVersion = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
  ).version as string;
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "fresh-project", private: true }));
  fs.copyFileSync(path.join(REPO_ROOT, "dist", "examples", "basic", "index.js"), path.join(project, "index.js"));
  execFileSync(
    npm,
    ["install", "--prefer-offline", "--no-audit", "--no-fund", path.join(root, packed), `@pulumi/pulumi@${pulumiVersion}`],
    { cwd: project, stdio: "ignore" },
  );
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
  const installed = path.join(project, "node_modules", "pulumi-agb");
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, "dist", "provider", "runtime", "index.js"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "dist", "emulator", "cli.js"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "dist", "harness"))).toBe(false);
});

it("runs the example from the tarball through up and destroy", async () => {
  const control = new EmulatorControl(emulator.url);
  const up = await runStackAction(spec, "up");
  expect(up.error).toBeUndefined();
  expect(up.changes.create).toBe(3);
  expect(await control.stats()).toEqual({ "/mcp/createSession": 2 });

  const exported = await runStackAction(spec, "export");
  const deployment = JSON.parse(exported.exported ?? "{}") as {
    deployment: { resources: Array<{ type: string; inputs?: { __provider?: string }; outputs?: { __provider?: string } }> };
  };
  const sessions = deployment.deployment.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/agb:Session");
  expect(sessions.length).toBe(2);
  for (const session of sessions) {
    const copies = [session.inputs?.__provider ?? "", session.outputs?.__provider ?? ""];
    for (const copy of copies) expect(copy).toContain('require("pulumi-agb/runtime")');
    // Pulumi stores the provider in both inputs and outputs: the two together stay under 4 KB.
    expect(Buffer.byteLength(copies.join(""), "utf8")).toBeLessThan(4096);
  }
  expect(exported.exported).not.toContain("akm-packaging-key");

  const destroy = await runStackAction(spec, "destroy");
  expect(destroy.error).toBeUndefined();
  expect(await control.liveSessions()).toEqual([]);
});

it("ships the emulator as an npm bin", () => {
  const help = execFileSync(path.join(project, "node_modules", ".bin", "agb-emulator"), ["--help"], { encoding: "utf8" });
  expect(help).toContain("--state-file");
});
