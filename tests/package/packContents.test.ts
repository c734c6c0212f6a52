/**
 * `npm pack` ships what a user needs and nothing else: the compiled library,
 * emulator and wire protocol (JavaScript and declarations), package.json,
 * README.md, CHANGELOG.md and LICENSE. No sources, tests, tools, examples or
 * stale build output. Run after a build (npm test builds first).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../tools/pulumi-driver/pulumiCli";

jest.setTimeout(120_000);

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const SHIPPED_FOLDERS = ["provider", "emulator", "wire"];
const DOCUMENTS = ["CHANGELOG.md", "LICENSE", "README.md", "package.json"];

interface Manifest {
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions: Record<string, Record<string, string[]>>;
  license: string;
  repository: { url: string };
  homepage: string;
  bugs: { url: string };
  peerDependencies: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as Manifest;
let files: string[];

beforeAll(() => {
  const out = execFileSync(NPM, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO_ROOT, encoding: "utf8" });
  files = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
});

/** Source files of the shipped folders, as `folder/.../name` without the .ts ending. */
function sourceModules(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (rel.endsWith(".ts") && !rel.endsWith(".d.ts")) out.push(rel.slice(0, -3));
    }
  };
  for (const folder of SHIPPED_FOLDERS) walk(folder);
  return out.sort();
}

it("ships only the compiled shipped folders and the four documents", () => {
  const unexpected = files.filter((file) => !DOCUMENTS.includes(file) && !/^dist\/(provider|emulator|wire)\/.+\.(js|d\.ts)$/.test(file));
  expect(unexpected).toEqual([]);
  for (const document of DOCUMENTS) expect(files).toContain(document);
});

it("ships a .js and a .d.ts for every source module, and nothing without a source (no stale output)", () => {
  const modules = sourceModules();
  const expected = modules.flatMap((m) => [`dist/${m}.d.ts`, `dist/${m}.js`]).sort();
  expect(files.filter((file) => file.startsWith("dist/"))).toEqual(expected);
});

it("ships every file package.json points at: main, types, bins, exports, typesVersions", () => {
  const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
  for (const target of Object.values(manifest.exports)) {
    if (typeof target === "string") targets.push(target);
    else targets.push(target.types, target.default);
  }
  for (const map of Object.values(manifest.typesVersions)) for (const list of Object.values(map)) targets.push(...list);
  const missing = targets.map((t) => path.posix.normalize(t)).filter((t) => !files.includes(t));
  expect(missing).toEqual([]);
});

it("typesVersions maps each subpath export to the declarations exports names", () => {
  const subpaths = Object.entries(manifest.exports).filter(([key]) => key !== "." && key !== "./package.json");
  const mapped = manifest.typesVersions["*"];
  expect(Object.keys(mapped).sort()).toEqual(subpaths.map(([key]) => key.slice(2)).sort());
  for (const [key, target] of subpaths) expect(mapped[key.slice(2)]).toEqual([(target as { types: string }).types]);
});

it("states its license with the full Apache-2.0 text, where it lives, and @pulumi/pulumi as a peer", () => {
  expect(manifest.license).toBe("Apache-2.0");
  const license = fs.readFileSync(path.join(REPO_ROOT, "LICENSE"), "utf8");
  expect(license).toContain("Apache License");
  expect(license).toContain("Version 2.0, January 2004");
  expect(license).toContain("END OF TERMS AND CONDITIONS");
  expect(manifest.repository.url).toMatch(/^git\+https:\/\/github\.com\/.+\.git$/);
  expect(manifest.homepage).toMatch(/^https:\/\//);
  expect(manifest.bugs.url).toMatch(/^https:\/\/.+\/issues$/);
  expect(Object.keys(manifest.dependencies)).not.toContain("@pulumi/pulumi");
  // The tests run on the dev dependency; the floor of the peer range runs in tests/package/consumerProject.test.ts.
  const version = (range: string) => (/^\^(\d+)\.(\d+)\.(\d+)$/.exec(range) ?? []).slice(1).map(Number);
  const [floor, dev] = [version(manifest.peerDependencies["@pulumi/pulumi"]), version(manifest.devDependencies["@pulumi/pulumi"])];
  expect(floor).toHaveLength(3);
  expect(dev[0]).toBe(floor[0]);
  expect(dev[1] * 1e6 + dev[2]).toBeGreaterThanOrEqual(floor[1] * 1e6 + floor[2]);
});
