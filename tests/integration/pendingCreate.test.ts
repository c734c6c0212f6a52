/**
 * A create whose answer was lost and whose lookups kept failing: the Session
 * provider keeps the resource under a placeholder id that carries the create
 * token, and every later step finds, keeps or releases what the token names.
 */
import { AgbCreateOutcomeUnknownError } from "../../provider/client/errors";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { pendingIdFor, pendingTokenOf } from "../../provider/runtime/pendingCreate";
import { SessionInitError } from "../../provider/runtime/providerError";
import { configureRuntime } from "../../provider/runtime/runtimeState";
import { sessionProviderImpl as provider } from "../../provider/runtime/sessionProviderImpl";
import { FAST_CLOCK, FAST_RETRY, useEmulator } from "../support/emulatorFixture";
import { count, liveSessions, PATHS, rejectionOf, scriptFaults } from "./emulatorHelpers";

type Props = Record<string, unknown>;

const FAST_PROVIDER_CLIENT = { retry: FAST_RETRY, clock: FAST_CLOCK };

describe("a create of unknown outcome", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;
  beforeEach(() => {
    const config: Record<string, string> = { "agb:endpoint": url() };
    configureRuntime({ get: (key) => config[key] }, FAST_PROVIDER_CLIENT);
  });

  /** check + create while the create's answer is lost and every lookup fails: the init error the engine records. */
  async function pendingCreate(): Promise<{ error: SessionInitError; inputs: Props }> {
    const checked = await provider.check({}, { imageId: "agb-code-space-1", labels: { env: "dev" } });
    const inputs = { ...(checked.inputs as Props), __provider: "serialized-provider-text" };
    await scriptFaults(url(), [
      { path: PATHS.create, kind: "dropAfterAct" },
      ...Array.from({ length: 200 }, () => ({ path: PATHS.list, kind: "status" as const, status: 503 })),
    ]);
    const error = await rejectionOf(provider.create(inputs));
    await scriptFaults(url(), []);
    expect(error).toBeInstanceOf(SessionInitError);
    return { error: error as SessionInitError, inputs };
  }

  it("is kept in state under a placeholder id naming its token, with the serialized provider in its outputs", async () => {
    const { error, inputs } = await pendingCreate();
    expect(error.id).toBe(pendingIdFor(inputs.createToken as string));
    expect(pendingTokenOf(error.id)).toBe(inputs.createToken);
    expect(error.properties).toMatchObject({ __provider: "serialized-provider-text", createToken: inputs.createToken, status: "UNKNOWN" });
    expect(error.property).toBe("sessionId");
    expect(error.message).toContain(inputs.createToken as string);
    expect(error.message).toMatch(/pulumi refresh/);
    expect(error.cause).toBeInstanceOf(AgbCreateOutcomeUnknownError);
    // The session was made all the same: the token names it.
    const live = await liveSessions(url());
    expect(live.map((s) => s.labels[CREATE_TOKEN_LABEL])).toEqual([inputs.createToken]);
  });

  it("refresh turns it into the session its token finds, with the real id", async () => {
    const { error } = await pendingCreate();
    const [session] = await liveSessions(url());
    const read = await provider.read(error.id, error.properties);
    expect(read.id).toBe(session.sessionId);
    expect(read.props).toMatchObject({ sessionId: session.sessionId, labels: { env: "dev" } });
  });

  it("refresh keeps it pending when the token finds nothing", async () => {
    const { error } = await pendingCreate();
    const [session] = await liveSessions(url());
    emulator.current.store.release(session.sessionId);
    expect(await provider.read(error.id, error.properties)).toEqual({ id: error.id, props: error.properties });
  });

  it("the next up replaces it delete-first, and check keeps its token for the new create", async () => {
    const { error, inputs } = await pendingCreate();
    const diff = await provider.diff(error.id, error.properties, inputs);
    expect(diff).toMatchObject({ changes: true, deleteBeforeReplace: true });
    expect(diff.replaces?.length).toBeGreaterThan(0);
    const next = await provider.check(inputs, { imageId: "agb-code-space-1", labels: { env: "dev" } });
    expect((next.inputs as Props).createToken).toBe(inputs.createToken);
  });

  it("deleting it releases whatever its token finds; then the create makes exactly one live session", async () => {
    const { error, inputs } = await pendingCreate();
    await provider.delete(error.id, error.properties);
    expect(await liveSessions(url())).toHaveLength(0);
    const created = await provider.create(inputs);
    const live = await liveSessions(url());
    expect(live.map((s) => s.sessionId)).toEqual([created.id]);
    expect(await count(url(), PATHS.create)).toBe(2);
  });

  it("deleting it when the token finds nothing makes no release call", async () => {
    const { error } = await pendingCreate();
    for (const session of await liveSessions(url())) emulator.current.store.release(session.sessionId);
    await provider.delete(error.id, error.properties);
    expect(await count(url(), PATHS.releaseAsync)).toBe(0);
  });
});
