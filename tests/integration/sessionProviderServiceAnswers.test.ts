/**
 * The Session provider's methods, in process over HTTP to the emulator, on
 * answers that are not a success: only a session really gone is dropped by
 * read; a wrong base path fails read and delete at once, naming agb:endpoint;
 * a duplicate that cannot be released never loses the kept session; and the
 * resource URL's auth code never reaches the outputs.
 */
import { AgbClient } from "../../provider/client/AgbClient";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { ProviderError, SessionInitError } from "../../provider/runtime/providerError";
import { configureRuntime } from "../../provider/runtime/runtimeState";
import { sessionProviderImpl as provider } from "../../provider/runtime/sessionProviderImpl";
import { MISSING_SESSION_ANSWERS } from "../../emulator/missingSessionAnswer";
import { useEmulator } from "../support/emulatorFixture";
import { count, PATHS, rejectionOf, scriptFaults } from "./emulatorHelpers";

type Props = Record<string, unknown>;

function configure(endpoint: string): void {
  const config: Record<string, string> = { "agb:endpoint": endpoint };
  configureRuntime({ get: (key) => config[key] }, { retry: { baseDelayMs: 1, maxDelayMs: 2 }, releasePollIntervalMs: 1 });
}

async function create(news: Props): Promise<{ id: string; inputs: Props; outs: Props }> {
  const result = await provider.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  const inputs = result.inputs as Props;
  const { id, outs } = await provider.create(inputs);
  return { id, inputs, outs: outs as Props };
}

describe("Session provider on answers that are not a success", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;
  beforeEach(() => configure(url()));

  it("stores resourceUrl without its auth code, and a refresh of an unchanged session reads the same outputs", async () => {
    const { id, outs } = await create({ imageId: "agb-code-space-1", labels: { env: "dev" } });
    expect(outs.resourceUrl).toBe(`${url()}/_emulator/sessions/${id}?resourceId=${String(outs.resourceId)}`);
    const first = await provider.read(id, outs);
    const second = await provider.read(id, first.props as Props);
    expect(first.props).toEqual(second.props);
    expect(JSON.stringify([outs, first, second])).not.toMatch(/authcode/i);
  });

  it("read drops a session really gone", async () => {
    const { id, outs } = await create({ imageId: "agb-code-space-1" });
    emulator.current.store.expire(id);
    expect(await provider.read(id, outs)).toEqual({ id: "", props: {} });
  });

  it("read and delete on a wrong base path fail at once naming agb:endpoint, keep the resource, release nothing", async () => {
    const { id, outs } = await create({ imageId: "agb-code-space-1" });
    configure(`${url()}/wrong`);
    const started = Date.now();
    const readError = await rejectionOf(provider.read(id, outs));
    expect(readError).toBeInstanceOf(ProviderError);
    expect((readError as ProviderError).property).toBe("agb:endpoint");
    expect((readError as Error).message).toContain(`${url()}/wrong`);
    expect((readError as Error).message).toContain("code NotFound.Operation");
    const deleteError = await rejectionOf(provider.delete(id, outs));
    expect((deleteError as ProviderError).property).toBe("agb:endpoint");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(emulator.current.store.describe(id)?.status).toBe("RUNNING");
  });

  it("a create that finds a duplicate it cannot release keeps the session in state and names the duplicate", async () => {
    const token = "0f8c2a6e-0000-4000-8000-000000000001";
    // What a create the service carried out twice leaves: two sessions with one token.
    const client = new AgbClient({ endpoint: url() });
    const first = await client.createSession({ imageId: "agb-code-space-1", labels: { [CREATE_TOKEN_LABEL]: token } });
    await scriptFaults(url(), [
      { path: PATHS.create, kind: "dropAfterAct" },
      { path: PATHS.releaseAsync, kind: "status", status: 403, code: "Forbidden", message: "release refused" },
    ]);
    const checked = await provider.check({}, { imageId: "agb-code-space-1" });
    const inputs = { ...(checked.inputs as Props), createToken: token };
    const error = await rejectionOf(provider.create(inputs));
    expect(error).toBeInstanceOf(SessionInitError);
    const e = error as SessionInitError;
    const live = emulator.current.store.all().filter((s) => s.status === "RUNNING").map((s) => s.sessionId);
    expect(live).toHaveLength(2);
    expect(live).toContain(e.id);
    const duplicate = live.find((s) => s !== e.id) as string;
    expect(e.message).toContain(duplicate);
    expect(e.message).toContain(token);
    expect(e.properties).toMatchObject({ sessionId: e.id, effectiveLabels: { [CREATE_TOKEN_LABEL]: token } });
    expect([first.sessionId, duplicate]).toContain(e.id);
    expect(await count(url(), PATHS.releaseAsync)).toBe(1);
  });
});

describe.each(MISSING_SESSION_ANSWERS)("a session gone, answered as %s", (shape) => {
  const emulator = useEmulator({ missingSessionAnswer: shape });
  const url = () => emulator.current.url;
  beforeEach(() => configure(url()));

  it("read drops it and delete counts it as released", async () => {
    const { id, outs } = await create({ imageId: "agb-code-space-1" });
    emulator.current.store.expire(id);
    expect(await provider.read(id, outs)).toEqual({ id: "", props: {} });
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
  });
});
