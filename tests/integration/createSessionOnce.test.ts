import { DEFAULT_CLIENT_OPTIONS } from "../../provider/client/clientOptions";
import { AgbCreateOutcomeUnknownError, AgbNetworkError, AgbValidationError } from "../../provider/client/errors";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { createSessionOnce } from "../../provider/runtime/createSessionOnce";
import { FAST_RETRY, useEmulator } from "../support/emulatorFixture";
import { count, fastClient, liveSessions, PATHS, rejectionOf, scriptFaults } from "./emulatorHelpers";

describe("createSessionOnce (orphan-proof create)", () => {
  const emulator = useEmulator();
  const url = () => emulator.current.url;
  const request = { imageId: "agb-code-space-1", labels: { team: "core" } };

  it("creates one session with the caller's labels plus its token when nothing goes wrong", async () => {
    const { client } = fastClient(url());
    const outcome = await createSessionOnce(client, request);
    expect(outcome).toMatchObject({ recovered: 0, attempts: 1 });
    const live = await liveSessions(url());
    expect(live.map((s) => s.sessionId)).toEqual([outcome.session.sessionId]);
    expect(live[0].labels).toEqual({ team: "core", [CREATE_TOKEN_LABEL]: outcome.token });
    expect(await count(url(), PATHS.list)).toBe(0);
  });

  it("adopts the session whose answer was lost (acted, then the connection dropped)", async () => {
    const { client } = fastClient(url());
    await scriptFaults(url(), [{ path: PATHS.create, kind: "dropAfterAct" }]);
    const outcome = await createSessionOnce(client, request);
    expect(outcome.recovered).toBe(1);
    expect(outcome.attempts).toBe(1);
    const live = await liveSessions(url());
    expect(live).toHaveLength(1);
    expect(live[0].sessionId).toBe(outcome.session.sessionId);
    expect(live[0].labels[CREATE_TOKEN_LABEL]).toBe(outcome.token);
    // The adopted session's details came from getSession, so they are complete.
    expect(outcome.session.resourceUrl).toContain(outcome.session.sessionId);
    expect(await count(url(), PATHS.create)).toBe(1);
    expect(await count(url(), PATHS.list)).toBe(1);
  });

  it("still adopts when the lookup itself is reset once (ListSession is retried)", async () => {
    const { client } = fastClient(url());
    await scriptFaults(url(), [
      { path: PATHS.create, kind: "dropAfterAct" },
      { path: PATHS.list, kind: "reset" },
    ]);
    const outcome = await createSessionOnce(client, request);
    expect(outcome.recovered).toBe(1);
    expect((await liveSessions(url())).map((s) => s.sessionId)).toEqual([outcome.session.sessionId]);
    expect(await count(url(), PATHS.create)).toBe(1);
  });

  it("adopts the session behind a garbled (malformed JSON) create answer", async () => {
    const { client } = fastClient(url());
    await scriptFaults(url(), [{ path: PATHS.create, kind: "malformed" }]);
    const outcome = await createSessionOnce(client, request);
    expect(outcome.recovered).toBe(1);
    expect((await liveSessions(url())).map((s) => s.sessionId)).toEqual([outcome.session.sessionId]);
  });

  it("creates again after a reset that was not acted on: one session, nothing recovered", async () => {
    const { client } = fastClient(url());
    await scriptFaults(url(), [{ path: PATHS.create, kind: "reset" }]);
    const outcome = await createSessionOnce(client, request);
    expect(outcome).toMatchObject({ recovered: 0, attempts: 2 });
    expect((await liveSessions(url())).map((s) => s.sessionId)).toEqual([outcome.session.sessionId]);
    expect(await count(url(), PATHS.create)).toBe(2);
    expect(await count(url(), PATHS.list)).toBe(1);
  });

  it("creates again after a 503 that was not acted on", async () => {
    const { client } = fastClient(url());
    await scriptFaults(url(), [{ path: PATHS.create, kind: "status", status: 503 }]);
    const outcome = await createSessionOnce(client, request);
    expect(outcome).toMatchObject({ recovered: 0, attempts: 2 });
    expect(await liveSessions(url())).toHaveLength(1);
  });

  it("gives up after a bounded number of ambiguous rounds, naming the token, and leaves no session", async () => {
    const { client } = fastClient(url());
    await scriptFaults(
      url(),
      Array.from({ length: 10 }, () => ({ path: PATHS.create, kind: "reset" as const })),
    );
    const error = await rejectionOf(createSessionOnce(client, request));
    expect(error).toBeInstanceOf(AgbCreateOutcomeUnknownError);
    expect((error as AgbCreateOutcomeUnknownError).token).toMatch(/^[0-9a-f-]{36}$/);
    expect((error as Error).message).toContain((error as AgbCreateOutcomeUnknownError).token);
    expect((error as Error).cause).toBeInstanceOf(AgbNetworkError);
    expect(await count(url(), PATHS.create)).toBe(DEFAULT_CLIENT_OPTIONS.retry.maxAttempts);
    expect(await liveSessions(url())).toHaveLength(0);
  });

  it("waits a backoff before each lookup of an unanswered create, as any retry does", async () => {
    const { client, sleeps } = fastClient(url());
    await scriptFaults(url(), [{ path: PATHS.create, kind: "status", status: 503 }]);
    await createSessionOnce(client, request);
    // random() is 0.5 in fastClient: the first round waits half of the first backoff step.
    expect(sleeps).toEqual([Math.floor(0.5 * Math.min(FAST_RETRY.maxDelayMs, FAST_RETRY.baseDelayMs))]);
  });

  it.each(["status", "reset"] as const)(
    "a lost answer followed by six failing lookups (%s): the next round's lookup finds the session, no orphan, no duplicate",
    async (kind) => {
      const { client } = fastClient(url());
      await scriptFaults(url(), [
        { path: PATHS.create, kind: "dropAfterAct" },
        ...Array.from({ length: 6 }, () => ({ path: PATHS.list, kind, status: 502 })),
      ]);
      const outcome = await createSessionOnce(client, request);
      expect(outcome.recovered).toBe(1);
      expect((await liveSessions(url())).map((s) => s.sessionId)).toEqual([outcome.session.sessionId]);
      expect(await count(url(), PATHS.create)).toBe(1);
      expect(await count(url(), PATHS.list)).toBe(7);
    },
  );

  it("keeps a session found by its token even when reading its details fails", async () => {
    const { client } = fastClient(url());
    await scriptFaults(url(), [
      { path: PATHS.create, kind: "dropAfterAct" },
      ...Array.from({ length: 6 }, () => ({ path: PATHS.get, kind: "status" as const, status: 503 })),
    ]);
    const outcome = await createSessionOnce(client, request);
    expect((await liveSessions(url())).map((s) => s.sessionId)).toEqual([outcome.session.sessionId]);
  });

  it("when the lookups keep failing, the outcome is unknown and the token still finds the session made", async () => {
    const { client } = fastClient(url());
    await scriptFaults(url(), [
      { path: PATHS.create, kind: "dropAfterAct" },
      ...Array.from({ length: 100 }, () => ({ path: PATHS.list, kind: "status" as const, status: 503 })),
    ]);
    const error = await rejectionOf(createSessionOnce(client, request));
    expect(error).toBeInstanceOf(AgbCreateOutcomeUnknownError);
    await scriptFaults(url(), []);
    emulator.current.faults.configure({});
    const live = await liveSessions(url());
    expect(live).toHaveLength(1);
    expect(live[0].labels[CREATE_TOKEN_LABEL]).toBe((error as AgbCreateOutcomeUnknownError).token);
    expect(await count(url(), PATHS.create)).toBe(1);
  });

  it("does not look up or retry a create the service refused (400)", async () => {
    const { client } = fastClient(url());
    const error = await rejectionOf(createSessionOnce(client, { imageId: " " }));
    expect(error).not.toBeInstanceOf(AgbValidationError);
    expect((error as { status?: number }).status).toBe(400);
    expect(await count(url(), PATHS.create)).toBe(1);
    expect(await count(url(), PATHS.list)).toBe(0);
  });

  it("gives every create its own token", async () => {
    const { client } = fastClient(url());
    const a = await createSessionOnce(client, request);
    const b = await createSessionOnce(client, request);
    expect(a.token).not.toBe(b.token);
    expect(a.session.sessionId).not.toBe(b.session.sessionId);
  });
});
