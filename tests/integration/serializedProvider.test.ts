/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * What Pulumi stores as `__provider` in every resource, twice: its size is the
 * state's size. Installed as users install it, each provider serializes to a
 * module reference of a few hundred bytes; linked (this checkout), to thin
 * methods that load the installed runtime; and state written by version 0.1
 * (the 2 KB form) still works with this version's runtime.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { WORK_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import sessionProvider from "../../provider/resources/providers/session";
import sessionLabelsProvider from "../../provider/resources/providers/sessionLabels";
import { installPackageCopy } from "../../tools/pulumi-driver/installPackageCopy";
import { useEmulator } from "../support/emulatorFixture";
import { liveSessions, PATHS, stats } from "./emulatorHelpers";

type Props = Record<string, unknown>;
type DynamicProvider = {
  configure(req: { config: { get(key: string): string | undefined } }): Promise<void>;
  check(olds: Props, news: Props): Promise<{ inputs?: Props; failures?: Array<{ property: string; reason: string }> }>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes?: boolean }>;
  create(inputs: Props): Promise<{ id: string; outs?: Props }>;
  read(id: string, props: Props): Promise<{ id?: string; props?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs?: Props }>;
  delete(id: string, props: Props): Promise<void>;
};

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "tests", "fixtures");
const API_KEY = "akm-serialized-secret-0123456789";

/** Serializes a provider exactly as @pulumi/pulumi's dynamic.Resource does for `__provider`. */
async function serialize(provider: unknown): Promise<string> {
  const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const serialized = await serializeFunction(() => provider, { allowSecrets: true });
  return serialized.text as string;
}

/** Deserializes as the dynamic-provider host does: requireFromString(text).handler(). */
function deserialize(text: string): DynamicProvider {
  const requireFromString = require("require-from-string");
  return requireFromString(text).handler() as DynamicProvider;
}

/** Runs a script with plain Node in a project directory (jest's module registry hides require.cache from the serializer). */
function nodeIn(cwd: string, script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-e", script], { cwd }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

async function lifecycle(copy: DynamicProvider, url: string): Promise<void> {
  const config: Record<string, string> = { "agb:endpoint": url, "agb:apiKey": API_KEY };
  await copy.configure({ config: { get: (key) => config[key] } });
  const bad = await copy.check({}, { imageId: "" });
  expect(bad.failures?.map((f) => f.property)).toEqual(["imageId"]);
  const { inputs, failures } = await copy.check({}, { imageId: "agb-code-space-1", labels: { env: "dev" } });
  expect(failures ?? []).toEqual([]);
  const created = await copy.create(inputs as Props);
  expect(created.id).toMatch(/^s-/);
  expect(JSON.stringify(created.outs)).not.toContain(API_KEY);
  expect((await liveSessions(url)).map((s) => s.sessionId)).toEqual([created.id]);
  expect((await copy.diff(created.id, created.outs as Props, inputs as Props)).changes).toBe(false);
  expect((await copy.read(created.id, created.outs as Props)).id).toBe(created.id);
  const next = await copy.check(inputs as Props, { imageId: "agb-code-space-1", labels: { env: "prod" } });
  await copy.update(created.id, created.outs as Props, next.inputs as Props);
  await copy.delete(created.id, created.outs as Props);
  expect(await liveSessions(url)).toHaveLength(0);
}

describe("the serialized providers", () => {
  const emulator = useEmulator({ apiKey: API_KEY });
  const url = () => emulator.current.url;

  beforeAll(() => {
    const runtime = path.join(ROOT, "dist", "provider", "runtime", "index.js");
    if (!fs.existsSync(runtime)) throw new Error(`${runtime} is missing: run \`npm run build\` before these tests`);
  });

  describe("installed under node_modules, as users install the package", () => {
    const projectDir = path.join(WORK_ROOT, "serialized-provider-install");
    beforeAll(() => {
      installPackageCopy(projectDir);
      // The deserialized provider is loaded as the dynamic-provider host loads it, which needs this helper.
      const helper = path.join(projectDir, "node_modules", "require-from-string");
      fs.rmSync(helper, { recursive: true, force: true });
      fs.symlinkSync(path.join(ROOT, "node_modules", "require-from-string"), helper, "dir");
    });

    it.each([
      ["pulumi-agb/providers/session", 300],
      ["pulumi-agb/providers/session-labels", 300],
    ])("%s serializes to a module reference under %i bytes, its text pinned", async (specifier, limit) => {
      const text = await nodeIn(
        projectDir,
        `const provider = require(${JSON.stringify(specifier)}); ` +
          'require("@pulumi/pulumi/runtime/closure/serializeClosure").serializeFunction(() => provider, { allowSecrets: true })' +
          ".then((s) => process.stdout.write(s.text));",
      );
      expect(Buffer.byteLength(text, "utf8")).toBeLessThan(limit);
      expect(text).toContain(`require("${specifier}")`);
      // The whole text, so that any change to what state holds forever is a deliberate one.
      expect(text.replace(/\s+/g, " ").trim()).toBe(
        `exports.handler = __f0; const provider = require("${specifier}"); function __f0() { return (function() { ` +
          "with({ this: undefined, arguments: undefined }) { return () => provider; } }).apply(undefined, undefined).apply(this, arguments); }",
      );
    });

    it("the module reference deserializes in the installed project and runs a whole lifecycle against the emulator", async () => {
      const script = `
        const requireFromString = require("require-from-string");
        const text = 'exports.handler = () => require("pulumi-agb/providers/session");';
        const provider = requireFromString(text).handler();
        const config = { "agb:endpoint": ${JSON.stringify(url())}, "agb:apiKey": ${JSON.stringify(API_KEY)} };
        (async () => {
          await provider.configure({ config: { get: (k) => config[k] } });
          const { inputs } = await provider.check({}, { imageId: "agb-code-space-1", labels: { env: "dev" } });
          const created = await provider.create(inputs);
          await provider.delete(created.id, created.outs);
          process.stdout.write(created.id);
        })().catch((e) => { console.error(e); process.exit(1); });`;
      const id = await nodeIn(projectDir, script);
      expect(id).toMatch(/^s-/);
      expect(await stats(url())).toMatchObject({ [PATHS.create]: 1, [PATHS.releaseAsync]: 1 });
    });
  });

  describe("linked (this checkout): the methods by value", () => {
    it.each([
      ["session", sessionProvider],
      ["session-labels", sessionLabelsProvider],
    ])("%s serializes small, with no endpoint, key or client code in it", async (_name, provider) => {
      const text = await serialize(provider);
      expect(Buffer.byteLength(text, "utf8")).toBeLessThan(2048);
      expect(text).toContain("pulumi-agb/runtime");
      expect(text).not.toContain("akm-");
      expect(text).not.toContain("127.0.0.1");
      expect(text).not.toMatch(/sdk-api\.agb\.cloud/);
      expect(text).not.toMatch(/axios|AgbClient|Transport|createSessionOnce/);
    });

    it("a deserialized copy runs a whole lifecycle against the emulator", async () => {
      await lifecycle(deserialize(await serialize(sessionProvider)), url());
    });
  });

  describe("state written by version 0.1 (each method's text, about 2 KB)", () => {
    it.each(["session", "session-labels"])("the recorded %s provider is the 2 KB form that calls pulumi-agb/runtime", (name) => {
      const text = fs.readFileSync(path.join(FIXTURES, `serialized-provider-v0.1-${name}.js.txt`), "utf8");
      expect(Buffer.byteLength(text, "utf8")).toBeGreaterThan(1900);
      expect(text).toContain('require("pulumi-agb/runtime")');
    });

    it("still configures, checks, creates, reads, updates and deletes with this version's runtime", async () => {
      const text = fs.readFileSync(path.join(FIXTURES, "serialized-provider-v0.1-session.js.txt"), "utf8");
      await lifecycle(deserialize(text), url());
    });

    it("a wrong key fails with an auth error that hides the key", async () => {
      const copy = deserialize(fs.readFileSync(path.join(FIXTURES, "serialized-provider-v0.1-session.js.txt"), "utf8"));
      const wrong = "akm-serialized-wrong-9876543210";
      const config: Record<string, string> = { "agb:endpoint": url(), "agb:apiKey": wrong };
      await copy.configure({ config: { get: (key) => config[key] } });
      const { inputs } = await copy.check({}, { imageId: "agb-code-space-1" });
      const failure = await copy.create(inputs as Props).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(String(failure)).toContain("HTTP 401");
      expect(String(failure)).not.toContain(wrong);
      expect(await liveSessions(url())).toHaveLength(0);
    });
  });
});
