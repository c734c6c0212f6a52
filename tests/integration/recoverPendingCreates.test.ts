import { OPERATIONS } from "../../wire/protocol";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { AgbClient } from "../../provider/client/AgbClient";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import { recoverPendingCreates, type Deployment } from "../../provider/recovery/recoverPendingCreates";
import { SESSION_TYPE } from "../../provider/resources/Session";

let emulator: RunningEmulator;
let client: AgbClient;

beforeEach(async () => {
  emulator = await startEmulator();
  client = new AgbClient({ endpoint: emulator.url });
});
afterEach(async () => {
  await emulator?.close();
});

const LABELS = { project: "demo" };

function pending(name: string, createToken?: string) {
  return {
    type: "creating",
    resource: {
      urn: `urn:pulumi:dev::p::${SESSION_TYPE}::${name}`,
      type: SESSION_TYPE,
      custom: true,
      inputs: { __provider: "x", imageId: "agb-code-space-1", labels: LABELS, defaultLabels: {}, createToken },
    },
  };
}

const make = (token: string, labels: Record<string, string> = LABELS) =>
  client.createSession({ imageId: "agb-code-space-1", labels: { ...labels, [CREATE_TOKEN_LABEL]: token } });

describe("recoverPendingCreates", () => {
  it("writes the session a killed create made into state, by its token, and drops creates that made none", async () => {
    const orphan = await make("lost");
    await make("someone-else");
    const deleting = { type: "deleting", resource: { urn: "u", type: "t" } };
    const deployment: Deployment = { resources: [], pending_operations: [pending("a", "lost"), pending("b", "never-made"), deleting] };

    const result = await recoverPendingCreates(deployment, client);

    expect(result.adopted).toEqual([{ urn: expect.stringContaining("::a"), sessionId: orphan.sessionId }]);
    expect(result.dropped).toEqual([expect.stringContaining("::b")]);
    expect(result.deployment.pending_operations).toEqual([deleting]);
    const added = result.deployment.resources?.find((r) => r.id === orphan.sessionId);
    expect(added?.outputs).toMatchObject({
      __provider: "x",
      sessionId: orphan.sessionId,
      effectiveLabels: { ...LABELS, [CREATE_TOKEN_LABEL]: "lost" },
    });
    expect(emulator.stats()[OPERATIONS.listSession.path]).toBe(2);
  });

  it("keeps one session and releases the rest when a token was used twice", async () => {
    const first = await make("twice");
    const second = await make("twice");
    const result = await recoverPendingCreates({ pending_operations: [pending("a", "twice")] }, client);
    expect(result.adopted).toHaveLength(1);
    expect(result.released).toHaveLength(1);
    expect([first.sessionId, second.sessionId]).toContain(result.adopted[0].sessionId);
    expect(emulator.store.liveCount()).toBe(1);
  });

  it("marks the resource a found replacement replaces for deletion, so one URN is live once", async () => {
    const made = await make("replacement");
    const old = { urn: pending("a").resource.urn, type: SESSION_TYPE, id: "s-old", custom: true, outputs: {} };
    const other = { urn: pending("b").resource.urn, type: SESSION_TYPE, id: "s-other", custom: true, outputs: {} };
    const deployment: Deployment = { resources: [old, other], pending_operations: [pending("a", "replacement")] };
    const result = await recoverPendingCreates(deployment, client);
    expect(result.deployment.resources?.map((r) => [r.id, r.delete ?? false])).toEqual([
      ["s-old", true],
      ["s-other", false],
      [made.sessionId, false],
    ]);
  });

  it("releases no duplicate in a dry run", async () => {
    const first = await make("twice");
    const second = await make("twice");
    const result = await recoverPendingCreates({ pending_operations: [pending("a", "twice")] }, client, { dryRun: true });
    expect(result.adopted).toHaveLength(1);
    expect(result.duplicates).toHaveLength(1);
    expect(result.released).toEqual([]);
    expect([first.sessionId, second.sessionId]).toContain(result.duplicates[0]);
    expect(emulator.store.liveCount()).toBe(2);
    expect(emulator.stats()[OPERATIONS.releaseSessionAsync.path]).toBeUndefined();
  });

  it("adopts nothing for a pending create without a token, whatever its labels match", async () => {
    await make("t1");
    const result = await recoverPendingCreates({ resources: [], pending_operations: [pending("a")] }, client);
    expect(result.adopted).toEqual([]);
    expect(result.dropped).toHaveLength(1);
    expect(emulator.stats()[OPERATIONS.listSession.path]).toBeUndefined();
  });
});
