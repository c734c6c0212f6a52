import { startEmulator, type RunningEmulator } from "../../emulator/createEmulator";
import { recoverPendingCreates, type Deployment } from "../../harness/reliability/recoverPendingCreates";
import { AgbClient } from "../../provider/client/AgbClient";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
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

const LABELS = { project: "demo", "pulumi-stack": "dev" };

function pending(name: string, labels: Record<string, string> = LABELS) {
  return {
    type: "creating",
    resource: {
      urn: `urn:pulumi:dev::p::${SESSION_TYPE}::${name}`,
      type: SESSION_TYPE,
      custom: true,
      inputs: { __provider: "x", imageId: "agb-code-space-1", labels, defaultLabels: {} },
    },
  };
}

function managed(id: string, token: string) {
  return {
    urn: `urn:pulumi:dev::p::${SESSION_TYPE}::kept`,
    type: SESSION_TYPE,
    id,
    outputs: { effectiveLabels: { ...LABELS, [CREATE_TOKEN_LABEL]: token } },
  };
}

describe("recoverPendingCreates", () => {
  it("adopts the session a killed create made, drops the create that made none, ignores managed sessions", async () => {
    const kept = await client.createSession({ imageId: "agb-code-space-1", labels: { ...LABELS, [CREATE_TOKEN_LABEL]: "known" } });
    const orphan = await client.createSession({ imageId: "agb-code-space-1", labels: { ...LABELS, [CREATE_TOKEN_LABEL]: "lost" } });
    await client.createSession({ imageId: "agb-code-space-1", labels: { ...LABELS, extra: "1", [CREATE_TOKEN_LABEL]: "other" } });
    const deployment: Deployment = {
      resources: [managed(kept.sessionId, "known")],
      pending_operations: [pending("a"), pending("b"), { type: "deleting", resource: { urn: "u", type: "t" } }],
    };
    const result = await recoverPendingCreates(deployment, client);
    expect(result.adopted).toEqual([{ urn: expect.stringContaining("::a"), sessionId: orphan.sessionId }]);
    expect(result.dropped).toBe(1);
    expect(result.deployment.pending_operations).toEqual([{ type: "deleting", resource: { urn: "u", type: "t" } }]);
    const added = result.deployment.resources?.find((r) => r.id === orphan.sessionId);
    expect(added?.outputs).toMatchObject({ imageId: "agb-code-space-1", sessionId: orphan.sessionId, __provider: "x" });
  });

  it("adopts nothing when more unknown sessions than pending creates carry the labels", async () => {
    const a = await client.createSession({ imageId: "i", labels: { ...LABELS, [CREATE_TOKEN_LABEL]: "t1" } });
    const b = await client.createSession({ imageId: "i", labels: { ...LABELS, [CREATE_TOKEN_LABEL]: "t2" } });
    const result = await recoverPendingCreates({ resources: [], pending_operations: [pending("a")] }, client);
    expect(result.adopted).toEqual([]);
    expect(result.ambiguous).toEqual([{ labels: LABELS, candidates: expect.arrayContaining([a.sessionId, b.sessionId]) }]);
    expect(result.deployment.pending_operations).toEqual([]);
  });

  it("never adopts a session without a create token (made outside pulumi-agb)", async () => {
    await client.createSession({ imageId: "i", labels: LABELS });
    const result = await recoverPendingCreates({ resources: [], pending_operations: [pending("a")] }, client);
    expect(result.adopted).toEqual([]);
    expect(result.dropped).toBe(1);
  });
});
