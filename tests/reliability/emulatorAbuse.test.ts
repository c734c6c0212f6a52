import { OPERATIONS } from "../../wire/protocol";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { runAbuseLoad, send, sendRaw } from "../../tools/reliability/emulatorAbuse";
import { MALFORMED_REQUESTS, RAW_MALFORMED_REQUESTS } from "../fixtures/malformedRequests";

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.close();
});

describe("malformed requests get an error envelope", () => {
  it.each(MALFORMED_REQUESTS.map((r) => [r.name, r] as const))("%s", async (_name, request) => {
    const answer = await send(emulator.url, request);
    expect(answer).toMatchObject({ kind: "error-envelope", status: request.status, code: request.code });
  });

  it.each(RAW_MALFORMED_REQUESTS.map((r) => [r.name, r] as const))("raw: %s", async (_name, request) => {
    const answer = await sendRaw(emulator.url, request.raw);
    expect(answer).toMatchObject({ kind: "error-envelope", status: request.status, code: request.code });
  });

  it("HEAD (no body allowed) still gets the error status", async () => {
    const answer = await send(emulator.url, { method: "HEAD", target: `${OPERATIONS.getLabel.path}?sessionId=s-1` });
    expect(answer.status).toBe(405);
  });

  it("still answers a real call afterwards", async () => {
    const answer = await send(emulator.url, {
      method: "POST",
      target: `${OPERATIONS.createSession.path}?imageId=agb-code-space-1`,
      body: JSON.stringify({ labels: JSON.stringify({ after: "abuse" }) }),
    });
    expect(answer.kind).toBe("success");
    expect(answer.sessionId).toMatch(/^s-/);
  });
});

describe("200 concurrent clients for 3 s", () => {
  it("every answer is a success or an error envelope and the emulator still answers", async () => {
    const result = await runAbuseLoad(emulator.url, { clients: 200, durationMs: 3_000, seed: 11 });
    expect(result.defects).toEqual([]);
    expect(result.byKind["not-envelope"]).toBe(0);
    expect(result.byKind["connection-error"]).toBe(0);
    expect(result.byKind.success).toBeGreaterThan(0);
    expect(result.byKind["error-envelope"]).toBeGreaterThan(0);
    expect(result.requests).toBeGreaterThan(200);
    expect(result.healthyAfter).toBe(true);
  }, 30_000);
});
