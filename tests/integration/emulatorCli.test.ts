import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PATHS, raw } from "./emulatorHelpers";

const CLI = path.resolve(__dirname, "..", "..", "dist", "emulator", "cli.js");
const URL_LINE = /http:\/\/127\.0\.0\.1:(\d+)/;

interface Cli {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

const started: ChildProcess[] = [];

/** Starts `node dist/emulator/cli.js ARGS` and waits for its listening line. */
async function startCli(args: string[]): Promise<Cli> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 10 s; stderr: ${stderr}`)), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = URL_LINE.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  return { child, url, exited, stderr: () => stderr };
}

async function stop(cli: Cli, signal: NodeJS.Signals): Promise<number | null> {
  cli.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit 5 s after ${signal}`)), 5_000);
  });
  try {
    return (await Promise.race([cli.exited, timeout])).code;
  } finally {
    clearTimeout(timer);
  }
}

afterAll(() => {
  // Only the processes this suite started, by their own handles.
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -p .\` before these tests`);
});

describe("agb-emulator CLI", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("prints its URL, answers, and exits 0 on %s", async (signal) => {
    const cli = await startCli(["--port", "0"]);
    expect(Number(URL_LINE.exec(cli.url)?.[1])).toBeGreaterThan(0);
    expect((await raw(cli.url, "GET", "/_emulator/health")).json).toMatchObject({ ok: true });
    const created = await raw(cli.url, "POST", PATHS.create, { query: { imageId: "agb-code-space-1" }, body: "{}" });
    expect(created.json.success).toBe(true);
    expect(await stop(cli, signal)).toBe(0);
  });

  it("keeps sessions in --state-file across a restart", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agb-emulator-state-"));
    const stateFile = path.join(dir, "state.json");
    try {
      const first = await startCli(["--port", "0", "--state-file", stateFile, "--deleting-seconds", "0"]);
      const created = await raw(first.url, "POST", PATHS.create, {
        query: { imageId: "agb-code-space-1" },
        body: JSON.stringify({ labels: JSON.stringify({ project: "demo" }) }),
      });
      const sessionId = (created.json.data as { sessionId: string }).sessionId;
      const released = await raw(first.url, "POST", PATHS.create, { query: { imageId: "agb-code-space-1" }, body: "{}" });
      const releasedId = (released.json.data as { sessionId: string }).sessionId;
      await raw(first.url, "POST", PATHS.releaseAsync, { body: JSON.stringify({ sessionId: releasedId }) });
      expect(await stop(first, "SIGTERM")).toBe(0);
      expect(fs.existsSync(stateFile)).toBe(true);

      const second = await startCli(["--port", "0", "--state-file", stateFile]);
      const got = await raw(second.url, "POST", PATHS.get, { body: JSON.stringify({ sessionId }) });
      expect(got.json).toMatchObject({ success: true, data: { sessionId, status: "RUNNING" } });
      const labels = await raw(second.url, "GET", PATHS.getLabel, { query: { sessionId } });
      expect(JSON.parse((labels.json.data as { labels: string }).labels)).toEqual({ project: "demo" });
      const info = await raw(second.url, "POST", PATHS.info, { body: JSON.stringify({ sessionId: releasedId }) });
      expect(info.json).toMatchObject({ data: { status: "FINISH" } });
      expect(await stop(second, "SIGINT")).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("enforces --api-key", async () => {
    const key = "akm-cli-key-0123456789";
    const cli = await startCli(["--port", "0", "--api-key", key]);
    const none = await raw(cli.url, "POST", PATHS.create, { query: { imageId: "agb-code-space-1" }, body: "{}" });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ success: false, code: "InvalidApiKey", httpStatusCode: 401 });
    const wrong = await raw(cli.url, "POST", PATHS.create, {
      query: { imageId: "agb-code-space-1" },
      body: "{}",
      headers: { authorization: "Bearer akm-not-the-key" },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain(key);
    const right = await raw(cli.url, "POST", PATHS.create, {
      query: { imageId: "agb-code-space-1" },
      body: "{}",
      headers: { authorization: `Bearer ${key}` },
    });
    expect(right.json.success).toBe(true);
    expect(cli.stderr()).not.toContain(key);
    expect(await stop(cli, "SIGTERM")).toBe(0);
  });

  it("expires idle sessions on a sped-up clock (--time-scale, --idle-timeout)", async () => {
    const cli = await startCli(["--port", "0", "--time-scale", "1000", "--idle-timeout", "1"]);
    const created = await raw(cli.url, "POST", PATHS.create, { query: { imageId: "agb-code-space-1" }, body: "{}" });
    const sessionId = (created.json.data as { sessionId: string }).sessionId;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const got = await raw(cli.url, "GET", PATHS.getLabel, { query: { sessionId } });
    expect(got.json).toMatchObject({ success: false, code: "InvalidMcpSession.NotFound" });
    expect(await stop(cli, "SIGTERM")).toBe(0);
  });

  it("plays a stricter, differently shaped service by flags (--label-limits, --release-answer, --released-status)", async () => {
    const cli = await startCli([
      "--port", "0", "--label-limits", "labels=2,value=4", "--release-answer", "body-pascal",
      "--released-status", "DELETED", "--deleting-seconds", "0",
    ]);
    const tooMany = await raw(cli.url, "POST", PATHS.create, {
      query: { imageId: "agb-code-space-1" },
      body: JSON.stringify({ labels: JSON.stringify({ a: "1", b: "2", c: "3" }) }),
    });
    expect(tooMany.json).toMatchObject({ success: false, code: "InvalidParameter.Labels", message: expect.stringContaining("at most 2") });
    const created = await raw(cli.url, "POST", PATHS.create, { query: { imageId: "agb-code-space-1" }, body: "{}" });
    const sessionId = (created.json.data as { sessionId: string }).sessionId;
    const longValue = await raw(cli.url, "POST", PATHS.setLabel, { query: { sessionId, Labels: JSON.stringify({ a: "12345" }) } });
    expect(longValue.json).toMatchObject({ success: false, code: "InvalidParameter.Labels" });
    const release = await raw(cli.url, "POST", PATHS.releaseAsync, { body: JSON.stringify({ sessionId }) });
    expect(release.json).toMatchObject({ body: { Success: true, RequestId: expect.any(String), HttpStatusCode: 200 } });
    expect(release.json).not.toHaveProperty("success");
    const info = await raw(cli.url, "POST", PATHS.info, { body: JSON.stringify({ sessionId }) });
    expect(info.json).toMatchObject({ data: { status: "DELETED" } });
    expect(await stop(cli, "SIGTERM")).toBe(0);
  });

  it("answers a missing session in the shape --missing-session-answer names", async () => {
    const cli = await startCli(["--port", "0", "--missing-session-answer", "http-404"]);
    const answer = await raw(cli.url, "POST", PATHS.get, { body: JSON.stringify({ sessionId: "s-none" }) });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ success: false, code: "InvalidMcpSession.NotFound" });
    expect(await stop(cli, "SIGTERM")).toBe(0);
  });

  it("refuses a bad flag with exit code 2 and usage", async () => {
    const child = spawn(process.execPath, [CLI, "--label-semantics", "sometimes"], { stdio: ["ignore", "pipe", "pipe"] });
    started.push(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain("usage: agb-emulator");
  });
});
