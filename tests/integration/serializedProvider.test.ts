/* eslint-disable @typescript-eslint/no-require-imports */
import fs from "node:fs";
import path from "node:path";
import { sessionLabelsProvider, sessionProvider } from "../../provider/resources/thinProviders";
import { useEmulator } from "../support/emulatorFixture";
import { liveSessions, PATHS, stats } from "./emulatorHelpers";

type Props = Record<string, unknown>;
type DynamicProvider = {
  configure(req: { config: { get(key: string): string | undefined } }): Promise<void>;
  check(olds: Props, news: Props): Promise<{ inputs?: Props; failures?: Array<{ property: string; reason: string }> }>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes?: boolean }>;
  create(inputs: Props): Promise<{ id: string; outs?: Props }>;
  read(id: string, props: Props): Promise<{ id?: string; props?: Props }>;
  delete(id: string, props: Props): Promise<void>;
};

const ROOT = path.resolve(__dirname, "..", "..");
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

describe("the serialized (thin) providers", () => {
  const emulator = useEmulator({ apiKey: API_KEY });
  const url = () => emulator.current.url;

  beforeAll(() => {
    const runtime = path.join(ROOT, "dist", "provider", "runtime", "index.js");
    if (!fs.existsSync(runtime)) throw new Error(`${runtime} is missing: run \`npx tsc -p .\` before these tests`);
  });

  it.each([
    ["sessionProvider", sessionProvider],
    ["sessionLabelsProvider", sessionLabelsProvider],
  ])("%s serializes to under 2048 bytes, with no endpoint or key in it", async (_name, provider) => {
    const text = await serialize(provider);
    // Pulumi keeps two copies per resource (inputs and outputs): together under 4 KB.
    expect(Buffer.byteLength(text, "utf8")).toBeLessThan(2048);
    expect(text).toContain("pulumi-agb/runtime");
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain("akm-");
    expect(text).not.toContain(url());
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toMatch(/sdk-api\.agb\.cloud/);
    // Only the thin wrappers: no client, no axios, no emulator code captured.
    expect(text).not.toMatch(/axios|AgbClient|Transport|createSessionOnce/);
  });

  it("the compiled (dist) sessionProvider serializes the same way", async () => {
    const dist = require(path.join(ROOT, "dist", "provider", "resources", "thinProviders.js"));
    const text = await serialize(dist.sessionProvider);
    expect(Buffer.byteLength(text, "utf8")).toBeLessThan(2048);
    expect(text).not.toContain("akm-");
  });

  it("a deserialized copy configures, checks, creates, reads and deletes against the emulator", async () => {
    const copy = deserialize(await serialize(sessionProvider));
    const config: Record<string, string> = { "agb:endpoint": url(), "agb:apiKey": API_KEY };
    await copy.configure({ config: { get: (key) => config[key] } });

    const bad = await copy.check({}, { imageId: "" });
    expect(bad.failures?.map((f) => f.property)).toEqual(["imageId"]);

    const { inputs, failures } = await copy.check({}, { imageId: "agb-code-space-1", labels: { env: "dev" } });
    expect(failures ?? []).toEqual([]);
    const created = await copy.create(inputs as Props);
    expect(created.id).toMatch(/^s-/);
    expect(JSON.stringify(created.outs)).not.toContain(API_KEY);
    expect((await liveSessions(url())).map((s) => s.sessionId)).toEqual([created.id]);

    expect((await copy.diff(created.id, created.outs as Props, inputs as Props)).changes).toBe(false);
    expect((await copy.read(created.id, created.outs as Props)).id).toBe(created.id);

    await copy.delete(created.id, created.outs as Props);
    expect(await liveSessions(url())).toHaveLength(0);
    expect(await stats(url())).toMatchObject({ [PATHS.create]: 1, [PATHS.releaseAsync]: 1 });
  });

  it("a deserialized copy with a wrong key fails create with an auth error that hides the key", async () => {
    const copy = deserialize(await serialize(sessionProvider));
    const wrong = "akm-serialized-wrong-9876543210";
    const config: Record<string, string> = { "agb:endpoint": url(), "agb:apiKey": wrong };
    await copy.configure({ config: { get: (key) => config[key] } });
    const { inputs } = await copy.check({}, { imageId: "agb-code-space-1" });
    let failure: unknown;
    try {
      await copy.create(inputs as Props);
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).toContain("HTTP 401");
    expect(String(failure)).not.toContain(wrong);
    expect(await liveSessions(url())).toHaveLength(0);
  });
});
