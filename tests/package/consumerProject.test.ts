/**
 * Every entry point of the packed tarball type-checks in a consumer project
 * under each TypeScript module resolution mode: `node` (node10, what
 * `pulumi new typescript` writes, with the TypeScript it installs and with this
 * checkout's), `node16`, `nodenext` (CommonJS and ES module consumers) and
 * `bundler`. Library checks stay on (no skipLibCheck), as in a project made by
 * `pulumi new`. The consumer has the oldest @pulumi/pulumi the peer range
 * allows, so the declarations are checked against that floor, and the quick
 * start runs on it under the real CLI. The project lives outside this
 * checkout, whose node_modules would otherwise resolve what the tarball lacks.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliProject, expectOk, installPackedPackage } from "../../tools/pulumi-driver/cliProjects";
import { REPO_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import { CREATE_TOKEN_LABEL } from "pulumi-agb";
import { E2E_API_KEY } from "../e2e/support/e2eSupport";
import { useE2eEmulator } from "../e2e/support/useE2eEmulator";

jest.setTimeout(600_000);

// The folder name holds the package's name on purpose: @pulumi/pulumi before 3.251 looked the package up by the
// first occurrence of its name in the path, missed, and serialized the provider by a file path the package does not export.
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-agb-consumer-"));
const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
};
const PULUMI_FLOOR = /^\^(\d+\.\d+\.\d+)$/.exec(manifest.peerDependencies["@pulumi/pulumi"])?.[1];
/** The TypeScript line `pulumi new typescript` puts in a new project's package.json. */
const PULUMI_NEW_TYPESCRIPT = "^5.0.0";
/** The TypeScript this checkout builds with. */
const TYPESCRIPT_6 = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", "typescript", "package.json"), "utf8")) as { version: string }).version;

/** Uses every entry point, so a module that does not resolve, or resolves to no types, fails the compile. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as agb from "pulumi-agb";
import { startEmulator, type RunningEmulator } from "pulumi-agb/emulator";
import * as runtime from "pulumi-agb/runtime";

type SessionProvider = typeof import("pulumi-agb/providers/session");
type SessionLabelsProvider = typeof import("pulumi-agb/providers/session-labels");

const session = new agb.Session("worker", { imageId: "agb-code-space-1", labels: { project: "demo" } });
export const sessionId: pulumi.Output<string> = session.sessionId;
export const labelled = new agb.SessionLabels("owner", { sessionId: session.sessionId, labels: { owner: "platform" } });
export const emulator: Promise<RunningEmulator> = startEmulator({ apiKey: "akm-consumer" });
export const configure: (config: { get(key: string): string | undefined }) => void = runtime.configure;
export type Providers = [SessionProvider["create"], SessionLabelsProvider["create"]];
`;

interface Mode {
  name: string;
  compilerOptions: Record<string, unknown>;
  /** A package.json type of the consumer ("module" makes index.ts an ES module under node16/nodenext). */
  type?: "module";
  /** `typescript` is the project's own (the line `pulumi new` installs, which the language host compiles with); `typescript6` the current line. */
  typescript: "typescript" | "typescript6";
}

/** As `pulumi new typescript` writes tsconfig.json. */
const PULUMI_NEW_OPTIONS = {
  strict: true,
  outDir: "bin",
  target: "es2020",
  module: "commonjs",
  moduleResolution: "node",
  sourceMap: true,
  experimentalDecorators: true,
  pretty: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

const MODES: Mode[] = [
  // zod's own declarations (which the package's name, through labelPolicySchema) default-import CommonJS
  // modules, so `tsc` in such a project needs esModuleInterop (TypeScript 6 turns it on by default).
  {
    name: "node10, as pulumi new writes it, TypeScript 5",
    compilerOptions: { ...PULUMI_NEW_OPTIONS, esModuleInterop: true },
    typescript: "typescript",
  },
  // TypeScript 6 deprecates node10 resolution; a project that keeps it says so.
  { name: "node10, TypeScript 6", compilerOptions: { ...PULUMI_NEW_OPTIONS, ignoreDeprecations: "6.0" }, typescript: "typescript6" },
  { name: "node16", compilerOptions: { strict: true, target: "es2022", module: "node16", moduleResolution: "node16" }, typescript: "typescript6" },
  { name: "nodenext", compilerOptions: { strict: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext" }, typescript: "typescript6" },
  {
    name: "nodenext, an ES module consumer",
    compilerOptions: { strict: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext" },
    type: "module",
    typescript: "typescript6",
  },
  { name: "bundler", compilerOptions: { strict: true, target: "es2022", module: "esnext", moduleResolution: "bundler" }, typescript: "typescript6" },
];

beforeAll(() => {
  expect(PULUMI_FLOOR).toBeDefined();
  installPackedPackage(ROOT, {
    "@pulumi/pulumi": PULUMI_FLOOR as string,
    // @pulumi/pulumi at the floor accepts TypeScript below 6 only (a peer range): the project has 5, as pulumi new makes it.
    typescript: PULUMI_NEW_TYPESCRIPT,
    typescript6: `npm:typescript@${TYPESCRIPT_6}`,
    "@types/node": "^22.0.0",
  });
});

afterAll(() => {
  fs.rmSync(ROOT, { recursive: true, force: true });
});

function compile(mode: Mode): { code: number; output: string } {
  const dir = path.join(ROOT, mode.name.replace(/[^a-z0-9]+/gi, "-"));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, ...(mode.type ? { type: mode.type } : {}) }));
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...mode.compilerOptions, noEmit: true }, files: ["index.ts"] }));
  fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
  try {
    const tsc = path.join(ROOT, "node_modules", mode.typescript, "bin", "tsc");
    const output = execFileSync(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { encoding: "utf8" });
    return { code: 0, output };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, output: `${failed.stdout}${failed.stderr}` };
  }
}

it("installs @pulumi/pulumi at the floor of the peer range, once, beside the package", () => {
  const installed = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string };
  expect(installed.version).toBe(PULUMI_FLOOR);
  expect(fs.existsSync(path.join(ROOT, "node_modules", "pulumi-agb", "node_modules", "@pulumi", "pulumi"))).toBe(false);
});

it.each(MODES.map((mode) => [mode.name, mode] as const))("%s: every entry point type-checks", (_name, mode) => {
  expect(compile(mode)).toEqual({ code: 0, output: "" });
});

it("the program uses every entry point the package exports", () => {
  const subpaths = Object.keys(manifest.exports)
    .filter((key) => key !== "./package.json")
    .map((key) => (key === "." ? "pulumi-agb" : `pulumi-agb/${key.slice(2)}`));
  for (const subpath of subpaths) expect(PROGRAM).toContain(`"${subpath}"`);
});

it("every entry point loads at run time from a CommonJS consumer", () => {
  const subpaths = Object.keys(manifest.exports).map((key) => (key === "." ? "pulumi-agb" : `pulumi-agb/${key.slice(2)}`));
  const script = `for (const m of ${JSON.stringify(subpaths)}) require(m); console.log("loaded")`;
  expect(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }).trim()).toBe("loaded");
});

describe("the quick start on the oldest @pulumi/pulumi of the peer range", () => {
  const e2e = useE2eEmulator("consumer-floor", []);

  it("pulumi up creates the sessions, each resource's provider a module reference; pulumi destroy releases them", async () => {
    const project = cliProject(ROOT, "basic", "floor-quick-start");
    expectOk(await project.pulumi(["stack", "init", "dev"]), "stack init");
    expectOk(await project.pulumi(["config", "set", "agb:endpoint", e2e.emulator.url]), "config set");
    expectOk(await project.pulumi(["config", "set", "--secret", "agb:apiKey", E2E_API_KEY]), "config set --secret");
    const up = expectOk(await project.pulumi(["up", "--yes"]), "up");
    expect(up.stdout).toMatch(/3 created/);
    expect(await e2e.control.liveSessions()).toHaveLength(2);
    const exported = expectOk(await project.pulumi(["stack", "export"]), "stack export").stdout;
    const resources = (JSON.parse(exported) as { deployment: { resources: { type: string; outputs?: { __provider?: string } }[] } }).deployment.resources;
    const providers = resources.filter((r) => r.type === "pulumi-nodejs:dynamic/agb:Session").map((r) => r.outputs?.__provider ?? "");
    expect(providers).toHaveLength(2);
    for (const provider of providers) expect(provider).toContain('require("pulumi-agb/providers/session")');
    expect(exported).not.toContain(E2E_API_KEY);
    expectOk(await project.pulumi(["destroy", "--yes"]), "destroy");
    expect((await e2e.control.liveSessions()).filter((s) => CREATE_TOKEN_LABEL in s.labels)).toEqual([]);
  });
});
