/**
 * A client that no one here wrote: the official AGB Python SDK (agbcloud-sdk
 * 0.12.0 from PyPI, pinned with its dependencies) against the emulator. The SDK
 * is pointed at the emulator its own way (AGB_ENDPOINT, AGB_API_KEY), makes each
 * call as it builds it, and its own result objects are what is checked. Where
 * the two disagree, ../shared/agb-api.md and the SDK's tests decide, and the
 * emulator is what changes.
 *
 * The SDK sleeps a second between the status polls of a release; the script
 * hands each sleep to this test, which advances the emulator's clock instead.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import type { StoredSession } from "../../emulator/EmulatorStore";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { PATHS } from "./emulatorHelpers";
import { ensurePythonVenv, type PythonVenv } from "../support/ensurePythonVenv";

const HERE = path.join(__dirname, "python");
const SCRIPT = path.join(HERE, "official_sdk_conformance.py");
const REQUIREMENTS = path.join(HERE, "requirements-agbcloud-sdk.txt");
const API_KEY = "akm-official-sdk-conformance";
const RUN = "official-sdk";
const DELETING_SECONDS = 2;

interface OperationResult {
  success: boolean;
  request_id: string;
  error_message: string;
  data: Record<string, string> | null;
}
interface SessionResult extends Omit<OperationResult, "data"> {
  session_id: string | null;
  resource_url: string | null;
}
interface ListResult extends Omit<OperationResult, "data"> {
  session_ids: string[];
  next_token: string;
  max_results: number;
  total_count: number;
}
interface GetSessionResult extends Omit<OperationResult, "data"> {
  http_status_code: number;
  code: string;
  session_id: string | null;
  status: string | null;
}
interface DeleteResult extends Omit<OperationResult, "data"> {
  sleeps: number[];
}
interface Results {
  endpoint: string;
  create: SessionResult[];
  get_labels_after_create: OperationResult;
  set_labels: OperationResult;
  get_labels_after_set: OperationResult;
  set_labels_smaller: OperationResult;
  get_labels_after_smaller_set: OperationResult;
  set_labels_empty: OperationResult;
  get_session: GetSessionResult;
  list_suite_page1: ListResult;
  list_suite_page2: ListResult;
  list_suite_page3: ListResult;
  list_suite_page4: ListResult;
  list_team_b: ListResult;
  list_env_prod: ListResult;
  list_nothing: ListResult;
  delete: DeleteResult;
  get_session_after_delete: GetSessionResult;
  status_after_delete: { success: boolean; status: string; code: string; http_status_code: number };
  list_suite_after_delete: ListResult;
  delete_unknown: DeleteResult;
  delete_rest: DeleteResult[];
}

let venv: PythonVenv;
let emulator: RunningEmulator;
let clock = 1_800_000_000_000;
let results: Results;
let stats: Record<string, number>;
let scriptSeconds: number;
/** What the emulator holds once the script is done, by session id. */
const sessionsAtEnd: Record<string, StoredSession> = {};

/** Runs the script; each sleep the SDK asks for moves the emulator's clock instead of the wall clock. */
function runScript<T = Results>(target: RunningEmulator = emulator, mode = "all"): Promise<T> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "agb-official-sdk-"));
  const env: NodeJS.ProcessEnv = { ...process.env, AGB_ENDPOINT: target.url, AGB_API_KEY: API_KEY, DISABLE_COLORS: "1" };
  delete env.AGB_TIMEOUT_MS;
  const child = spawn(venv.python, [SCRIPT, RUN, mode], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let done: T | undefined;
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      const message = JSON.parse(line) as { event: string; seconds?: number; results?: T };
      if (message.event === "sleep") {
        clock += (message.seconds ?? 0) * 1000;
        child.stdin.write("\n");
      } else if (message.event === "done") done = message.results;
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      fs.rmSync(cwd, { recursive: true, force: true });
      if (code === 0 && done) resolve(done);
      else reject(new Error(`the SDK script exited with ${code}:\n${stderr.slice(-6000)}`));
    });
  });
}

beforeAll(async () => {
  venv = await ensurePythonVenv({ name: "agbcloud-sdk-0.12.0", requirementFiles: [REQUIREMENTS] });
  process.stdout.write(
    `official Python SDK virtualenv ${venv.created ? "made" : "reused"}: ${venv.dir} (install took ${venv.installSeconds.toFixed(1)} s)\n`,
  );
  emulator = await startEmulator({ apiKey: API_KEY, now: () => clock, deletingSeconds: DELETING_SECONDS, releasedStatus: "FINISH" });
  const started = Date.now();
  results = await runScript();
  scriptSeconds = (Date.now() - started) / 1000;
  process.stdout.write(`official Python SDK script ran in ${scriptSeconds.toFixed(1)} s\n`);
  stats = emulator.stats();
  for (const session of emulator.store.all()) sessionsAtEnd[session.sessionId] = session;
}, 20 * 60_000);

afterAll(async () => {
  await emulator?.close();
});

describe("the official Python SDK (agbcloud-sdk 0.12.0) against the emulator", () => {
  it("reaches the emulator through AGB_ENDPOINT with an http:// scheme kept as given", () => {
    expect(results.endpoint).toBe(emulator.url);
  });

  it("creates sessions with labels: SessionResult has success, a session id, a request id and a resource URL", () => {
    expect(results.create).toHaveLength(5);
    for (const created of results.create) {
      expect(created).toMatchObject({ success: true, error_message: "" });
      expect(created.session_id).toMatch(/\S/);
      expect(created.request_id).toMatch(/\S/);
      expect(created.resource_url).toMatch(/resourceId=/);
    }
    const first = results.create[0].session_id!;
    // The labels and the idle timeout the SDK sent arrived as sent.
    expect(sessionsAtEnd[first].idleTimeoutSeconds).toBe(600);
    expect(results.get_labels_after_create).toMatchObject({ success: true, data: { suite: RUN, team: "a" } });
    expect(sessionsAtEnd[results.create[4].session_id!].labels).toEqual({ suite: RUN, team: "b" });
    expect(stats[PATHS.create]).toBe(5);
  });

  it("sets and gets labels; a later, smaller set replaces the earlier one", () => {
    expect(results.set_labels).toMatchObject({ success: true, error_message: "" });
    expect(results.set_labels.request_id).toMatch(/\S/);
    expect(results.get_labels_after_set).toMatchObject({ success: true, data: { suite: RUN, team: "a", env: "prod" } });
    expect(results.set_labels_smaller.success).toBe(true);
    expect(results.get_labels_after_smaller_set.data).toEqual({ suite: RUN, env: "prod" });
  });

  it("refuses an empty label set before sending anything (the SDK's own check)", () => {
    expect(results.set_labels_empty).toMatchObject({ success: false, request_id: "" });
    expect(results.set_labels_empty.error_message).toMatch(/empty/);
    expect(stats[PATHS.setLabel]).toBe(2);
    expect(stats[PATHS.getLabel]).toBe(3);
  });

  it("gets a session: GetSessionResult says RUNNING with the envelope's status and code", () => {
    expect(results.get_session).toMatchObject({
      success: true,
      http_status_code: 200,
      session_id: results.create[0].session_id,
      status: "RUNNING",
    });
  });

  it("lists by labels, page by page: the SDK walks nextToken to reach a page, and reports the total", () => {
    const { list_suite_page1: p1, list_suite_page2: p2, list_suite_page3: p3, list_suite_page4: p4 } = results;
    for (const page of [p1, p2, p3]) expect(page).toMatchObject({ success: true, max_results: 2, total_count: 5 });
    expect(p1.session_ids).toHaveLength(2);
    expect(p2.session_ids).toHaveLength(2);
    expect(p3.session_ids).toHaveLength(1);
    expect(p1.next_token).not.toBe("");
    expect(p2.next_token).not.toBe("");
    expect(p3.next_token).toBe("");
    const all = [...p1.session_ids, ...p2.session_ids, ...p3.session_ids];
    expect(new Set(all)).toEqual(new Set(results.create.map((c) => c.session_id)));
    // Page 4 does not exist: the SDK finds no token after page 3 and says so.
    expect(p4).toMatchObject({ success: false, session_ids: [], total_count: 5 });
    expect(p4.error_message).toMatch(/No more pages/);
  });

  it("lists by several labels at once: only sessions carrying every given key and value", () => {
    expect(new Set(results.list_team_b.session_ids)).toEqual(new Set([results.create[3].session_id, results.create[4].session_id]));
    expect(results.list_team_b).toMatchObject({ success: true, next_token: "", max_results: 10, total_count: 2 });
    expect(results.list_env_prod).toMatchObject({ success: true, session_ids: [results.create[0].session_id], total_count: 1 });
    expect(results.list_nothing).toMatchObject({ success: true, session_ids: [], total_count: 0 });
    // page 1 once, page 2 by way of page 1, page 3 by pages 1-2, page 4 by pages 1-3; three filters; one after the release.
    expect(stats[PATHS.list]).toBe(1 + 2 + 3 + 3 + 3 + 1);
  });

  it("releases a session and polls its status once a second until FINISH", () => {
    expect(results.delete).toMatchObject({ success: true, error_message: "" });
    expect(results.delete.request_id).toMatch(/\S/);
    // DELETING at 0 s and 1 s, FINISH at 2 s: two sleeps of the SDK's 1 s interval, three polls.
    expect(results.delete.sleeps).toEqual(Array(DELETING_SECONDS).fill(1));
    expect(results.status_after_delete).toMatchObject({ success: true, status: "FINISH" });
    expect(results.get_session_after_delete).toMatchObject({ success: true, status: "FINISH" });
    expect(results.list_suite_after_delete.session_ids).not.toContain(results.create[0].session_id);
    expect(results.list_suite_after_delete.total_count).toBe(4);
  });

  it("refuses to release a session that never existed, with the not-found code the SDK reports", () => {
    expect(results.delete_unknown).toMatchObject({ success: false, sleeps: [] });
    expect(results.delete_unknown.error_message).toMatch(/^\[InvalidMcpSession\.NotFound\]/);
    expect(results.delete_unknown.request_id).toMatch(/\S/);
  });

  it("releases the rest, each call as the SDK makes it, leaving nothing running", () => {
    expect(results.delete_rest).toHaveLength(4);
    for (const released of results.delete_rest) expect(released).toMatchObject({ success: true, sleeps: [1, 1] });
    expect(Object.values(sessionsAtEnd).every((s) => s.status === "FINISH")).toBe(true);
    expect(stats[PATHS.releaseAsync]).toBe(6);
    // Three polls per release (DELETING, DELETING, FINISH) and the one status read after the first.
    expect(stats[PATHS.info]).toBe(5 * (DELETING_SECONDS + 1) + 1);
  });
});

describe("the official SDK's release against an emulator whose released sessions say DELETED", () => {
  it("keeps polling past DELETED (it stops only at FINISH or not-found) until the session is gone", async () => {
    const tombstoneSeconds = 10;
    const deleted = await startEmulator({ apiKey: API_KEY, now: () => clock, deletingSeconds: 1, releasedStatus: "DELETED", tombstoneSeconds });
    try {
      const run = await runScript<{ create: SessionResult; delete: DeleteResult }>(deleted, "release");
      expect(run.create.success).toBe(true);
      expect(run.delete.success).toBe(true);
      // DELETING at 0 s, DELETED from 1 s to 10 s, not-found after the tombstone's 10 s: 11 sleeps of 1 s.
      expect(run.delete.sleeps).toEqual(Array(tombstoneSeconds + 1).fill(1));
      expect(deleted.stats()[PATHS.info]).toBe(tombstoneSeconds + 2);
    } finally {
      await deleted.close();
    }
  });
});
