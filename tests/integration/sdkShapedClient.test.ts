/**
 * A client written by hand from /work/shared/agb-api.md, shaped like the
 * official SDKs (raw fetch, no project code): the emulator must serve it
 * unchanged, so what works against the emulator works against AGB.
 */
import { useEmulator } from "../support/emulatorFixture";

const API_KEY = "akm-sdk-shaped-0123456789";
const STRICT_VALUE_LENGTH = 64;

interface Envelope {
  success: boolean;
  code?: string;
  message?: string;
  requestId?: string;
  httpStatusCode?: number;
  data?: unknown;
  nextToken?: string;
  maxResults?: number;
  count?: number;
}

class SdkShapedClient {
  constructor(
    private readonly endpoint: string,
    private readonly apiKey: string,
  ) {}

  private async call(method: "GET" | "POST", path: string, query: Record<string, string>, body?: unknown) {
    const url = new URL(path, this.endpoint);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${this.apiKey}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const envelope = JSON.parse(text) as Envelope;
    const requestId = envelope.requestId ?? response.headers.get("x-request-id") ?? undefined;
    return { ok: response.status < 400 && envelope.success === true, status: response.status, envelope, requestId };
  }

  async createSession(imageId: string, labels: Record<string, string>, timeout: number) {
    const sdkStats = JSON.stringify({ source: "sdk", sdk_language: "typescript", sdk_version: "0.12.0" });
    const answer = await this.call("POST", "/mcp/createSession", { imageId, sdkStats }, {
      labels: JSON.stringify(labels),
      timeout,
      mcpPolicyId: "",
    });
    const data = answer.envelope.data as { sessionId?: string; success?: boolean; errMsg?: string; resourceUrl?: string };
    if (!answer.ok || data.success === false || !data.sessionId) throw new Error(`create failed: ${JSON.stringify(answer.envelope)}`);
    return { ...data, sessionId: data.sessionId, requestId: answer.requestId };
  }

  async setLabel(sessionId: string, labels: Record<string, string>) {
    return this.call("POST", "/sdk/SetLabel", { sessionId, Labels: JSON.stringify(labels) });
  }

  async getLabel(sessionId: string): Promise<Record<string, string>> {
    const answer = await this.call("GET", "/sdk/GetLabel", { sessionId });
    if (!answer.ok) throw new Error(`GetLabel failed: ${JSON.stringify(answer.envelope)}`);
    const raw = (answer.envelope.data as { labels?: string } | null)?.labels;
    try {
      return raw ? (JSON.parse(raw) as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  async listSession(labels: Record<string, string>, maxResults = 10): Promise<{ ids: string[]; pages: number; count?: number }> {
    const ids: string[] = [];
    let nextToken = "";
    let pages = 0;
    let count: number | undefined;
    do {
      const query: Record<string, string> = { labels: JSON.stringify(labels), maxResults: String(maxResults) };
      if (nextToken) query.nextToken = nextToken;
      const answer = await this.call("GET", "/sdk/ListSession", query);
      if (!answer.ok) throw new Error(`ListSession failed: ${JSON.stringify(answer.envelope)}`);
      pages++;
      for (const item of (answer.envelope.data as Array<{ sessionId: string; sessionStatus: string }>) ?? []) ids.push(item.sessionId);
      nextToken = answer.envelope.nextToken ?? "";
      count = answer.envelope.count;
    } while (nextToken);
    return { ids, pages, count };
  }

  async getSession(sessionId: string) {
    return this.call("POST", "/mcp/getSession", {}, { sessionId });
  }

  async refresh(sessionId: string) {
    return this.call("POST", "/mcp/refreshSessionIdleTime", { sessionId }, {});
  }

  /** releaseSessionAsync, then poll getSessionInfo until not-found or a released status (DELETING, DELETED, FINISH). */
  async delete(sessionId: string): Promise<number> {
    const released = await this.call("POST", "/mcp/releaseSessionAsync", {}, { sessionId });
    if (!released.ok) throw new Error(`release failed: ${JSON.stringify(released.envelope)}`);
    for (let polls = 1; polls <= 300; polls++) {
      const info = await this.call("POST", "/mcp/getSessionInfo", {}, { sessionId });
      const text = `${info.envelope.code ?? ""} ${info.envelope.message ?? ""}`;
      if (!info.ok && /not ?found/i.test(text)) return polls;
      const data = info.envelope.data as { status?: string; Status?: string } | undefined;
      if (["DELETING", "DELETED", "FINISH"].includes(data?.status ?? data?.Status ?? "")) return polls;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error("not released");
  }
}

describe("an SDK-shaped client, built by hand from the wire protocol", () => {
  const emulator = useEmulator({ apiKey: API_KEY, labelLimits: { maxValueLength: STRICT_VALUE_LENGTH } });
  const sdk = () => new SdkShapedClient(emulator.current.url, API_KEY);

  it("creates, labels, lists, keeps alive and deletes sessions", async () => {
    const client = sdk();
    const session = await client.createSession("agb-code-space-1", { project: "demo", environment: "testing" }, 300);
    expect(session.sessionId).toBeTruthy();
    expect(session.requestId).toBeTruthy();
    expect(emulator.current.store.describe(session.sessionId)).toMatchObject({
      imageId: "agb-code-space-1",
      idleTimeoutSeconds: 300,
      labels: { project: "demo", environment: "testing" },
    });

    expect(await client.getLabel(session.sessionId)).toEqual({ project: "demo", environment: "testing" });
    const set = await client.setLabel(session.sessionId, { project: "demo", environment: "staging", owner: "qa" });
    expect(set.ok).toBe(true);
    expect(await client.getLabel(session.sessionId)).toEqual({ project: "demo", environment: "staging", owner: "qa" });

    const got = await client.getSession(session.sessionId);
    expect(got.envelope).toMatchObject({ success: true, data: { sessionId: session.sessionId, status: "RUNNING" } });
    expect((await client.refresh(session.sessionId)).ok).toBe(true);

    expect(await client.delete(session.sessionId)).toBe(1);
    const after = await client.getLabel(session.sessionId).catch((error: Error) => error.message);
    expect(after).toContain("InvalidMcpSession.NotFound");
  });

  it("pages ListSession with the lower-case labels filter and nextToken", async () => {
    const client = sdk();
    const mine: string[] = [];
    for (let i = 0; i < 23; i++) mine.push((await client.createSession("agb-code-space-1", { project: "listing", i: String(i) }, 300)).sessionId);
    await client.createSession("agb-code-space-1", { project: "elsewhere" }, 300);
    const listed = await client.listSession({ project: "listing" });
    expect(listed.pages).toBe(3);
    expect(listed.count).toBe(23);
    expect(listed.ids.sort()).toEqual(mine.sort());
    expect((await client.listSession({ project: "listing", i: "7" })).ids).toEqual([mine.find((id) => emulator.current.store.describe(id)?.labels.i === "7")]);
  });

  it("sees a SetLabel refused by a stricter service (--label-limits) as a failure envelope", async () => {
    const client = sdk();
    const { sessionId } = await client.createSession("agb-code-space-1", { project: "demo" }, 300);
    const answer = await client.setLabel(sessionId, { project: "x".repeat(STRICT_VALUE_LENGTH + 1) });
    expect(answer.ok).toBe(false);
    expect(answer.envelope).toMatchObject({ success: false, httpStatusCode: 400 });
    expect(await client.getLabel(sessionId)).toEqual({ project: "demo" });
  });

  it("a wrong key is refused with 401 on every operation", async () => {
    const client = new SdkShapedClient(emulator.current.url, "akm-not-the-key");
    const answer = await client.getSession("s-any");
    expect(answer.status).toBe(401);
    expect(answer.envelope).toMatchObject({ success: false, code: "InvalidApiKey" });
    expect((await client.setLabel("s-any", { a: "b" })).status).toBe(401);
  });
});
