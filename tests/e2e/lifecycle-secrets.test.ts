/**
 * Secrets under the real CLI (examples/secret-label): a label value given as
 * `pulumi.secret(...)` and the API key never show in plain text in state
 * files, exports or CLI output, and the effectiveLabels output (which holds
 * every label) stays secret after up, update and refresh.
 * Run `npx tsc -p .` first.
 */
import { mutatingCalls } from "../../tools/pulumi-driver/emulatorControl";
import type { ActionResult } from "../../tools/pulumi-driver/stackRunner";
import { StackFixture } from "../support/stackFixture";
import { useE2eEmulator } from "./support/useE2eEmulator";
import {
  E2E_API_KEY,
  filesContaining,
  isSecretEnvelope,
  mutatingCounts,
  PATHS,
  plainOccurrences,
  pulumiCli,
  sessionResources,
  suitePaths,
  unwrap,
  type StateResource,
  runRecorded,
  takeStepStats,
} from "./support/e2eSupport";

jest.setTimeout(300_000);

const SUITE = "e2e-lifecycle-secrets";
const PROJECT = "agb-e2e-secret-label";
const e2e = useE2eEmulator(SUITE, [PROJECT]);
const SECRET_LABEL = "lbl-SECRET-456";
const ROGUE_LABEL = "lbl-ROGUE-789";

let stack: StackFixture;
let sessionId = "";
const results: ActionResult[] = [];

const run = (action: Parameters<StackFixture["runOk"]>[0]) => runRecorded(stack, results, action);

const stepStats = () => takeStepStats(e2e.control);

/** The one Session in state, decrypted (`pulumi stack export --show-secrets`): secrets stay wrapped in envelopes. */
async function decryptedSession(): Promise<StateResource> {
  const exported = await pulumiCli(SUITE, PROJECT, ["stack", "export", "--show-secrets", "--stack", "secret-label"]);
  expect(exported.code).toBe(0);
  const [resource] = sessionResources(exported.stdout);
  return resource;
}

/**
 * No secret in plain text anywhere: the driver's export (outside secret
 * envelopes, whether or not it decrypts), a plain `pulumi stack export`, the
 * state files (with backups and history) and every CLI output so far.
 */
async function expectNoPlaintext(values: string[]): Promise<void> {
  const driverExport = await run("export");
  const parsed: unknown = JSON.parse(driverExport.exported ?? "{}");
  const plainExport = await pulumiCli(SUITE, PROJECT, ["stack", "export", "--stack", "secret-label"]);
  expect(plainExport.code).toBe(0);
  expect(plainExport.stdout).toContain(sessionId);
  const { stateDir } = suitePaths(SUITE, PROJECT);
  expect(filesContaining(stateDir, sessionId).length).toBeGreaterThan(0);
  for (const value of [...values, E2E_API_KEY]) {
    expect(plainOccurrences(parsed, value)).toEqual([]);
    expect(plainExport.stdout).not.toContain(value);
    expect(filesContaining(stateDir, value)).toEqual([]);
    for (const result of results) expect(result.log).not.toContain(value);
  }
}

beforeAll(async () => {
  stack = new StackFixture({
    suite: SUITE,
    project: PROJECT,
    example: "secret-label",
    stack: "secret-label",
    config: { "agb:endpoint": e2e.emulator.url },
    secretConfig: { "agb:apiKey": E2E_API_KEY, ownerLabel: SECRET_LABEL },
  });
});


test("up with a secret label value: the session carries it, every output holding it is secret", async () => {
  const up = await run("up");
  const stats = await stepStats();
  expect(up.changes).toEqual({ create: 2 });
  expect(mutatingCounts(stats)).toMatchObject({ [PATHS.createSession]: 1, [PATHS.setLabel]: 0 });
  sessionId = up.outputs.sessionId as string;
  expect(up.outputs).toMatchObject({ labels: "[secret]", effectiveLabels: "[secret]" });

  const [live] = await e2e.control.liveSessions();
  expect(live.sessionId).toBe(sessionId);
  expect(live.labels).toMatchObject({ team: "platform", owner: SECRET_LABEL });

  const resource = await decryptedSession();
  expect(isSecretEnvelope((resource.outputs.labels as Record<string, unknown>).owner)).toBe(true);
  expect(isSecretEnvelope(resource.outputs.effectiveLabels)).toBe(true);
  expect(unwrap<Record<string, string>>(resource.outputs.effectiveLabels)).toMatchObject({ owner: SECRET_LABEL });
  await expectNoPlaintext([SECRET_LABEL]);
});

test("a preview and an up of another label's edit show the secret masked, never in plain text", async () => {
  stack.setConfig({ team: "infra" });
  const preview = await run("preview");
  expect(preview.changes).toEqual({ update: 1, same: 1 });
  expect(preview.log).toContain("[secret]");
  expect(preview.log).not.toContain(SECRET_LABEL);
  await e2e.control.reset("stats");

  const up = await run("up");
  const stats = await stepStats();
  expect(up.changes).toEqual({ update: 1, same: 1 });
  expect(mutatingCounts(stats)).toMatchObject({ [PATHS.createSession]: 0, [PATHS.setLabel]: 1 });
  expect(up.outputs).toMatchObject({ labels: "[secret]", effectiveLabels: "[secret]" });
  const resource = await decryptedSession();
  expect(isSecretEnvelope(resource.outputs.effectiveLabels)).toBe(true);
  expect(unwrap<Record<string, string>>(resource.outputs.effectiveLabels)).toMatchObject({
    team: "infra",
    owner: SECRET_LABEL,
  });
  await expectNoPlaintext([SECRET_LABEL]);
});

test("refresh after the secret label drifted out of band records the new value as a secret", async () => {
  const before = await e2e.client.getLabels(sessionId);
  await e2e.client.setLabels(sessionId, { ...before, owner: ROGUE_LABEL });
  await e2e.control.reset("stats");

  const refresh = await run("refresh");
  const stats = await stepStats();
  expect(refresh.changes).toEqual({ update: 1, same: 1 });
  expect(mutatingCalls(stats)).toBe(0);

  const resource = await decryptedSession();
  const labels = resource.outputs.labels as Record<string, unknown>;
  expect(isSecretEnvelope(labels.owner)).toBe(true);
  expect(unwrap<string>(labels.owner)).toBe(ROGUE_LABEL);
  expect(isSecretEnvelope(resource.outputs.effectiveLabels)).toBe(true);
  expect(unwrap<Record<string, string>>(resource.outputs.effectiveLabels)).toMatchObject({ owner: ROGUE_LABEL });
  await expectNoPlaintext([SECRET_LABEL, ROGUE_LABEL]);
});

test("the next up restores the declared secret value with one SetLabel, still secret", async () => {
  const preview = await run("preview");
  expect(preview.changes).toEqual({ update: 1, same: 1 });
  await e2e.control.reset("stats");

  const up = await run("up");
  const stats = await stepStats();
  expect(up.changes).toEqual({ update: 1, same: 1 });
  expect(mutatingCounts(stats)).toEqual({
    [PATHS.createSession]: 0,
    [PATHS.setLabel]: 1,
    [PATHS.releaseSessionAsync]: 0,
    [PATHS.releaseSession]: 0,
  });
  expect((await e2e.control.liveSessions())[0].labels).toMatchObject({ owner: SECRET_LABEL, team: "infra" });
  const resource = await decryptedSession();
  expect(isSecretEnvelope(resource.outputs.effectiveLabels)).toBe(true);
  await expectNoPlaintext([SECRET_LABEL, ROGUE_LABEL]);
});

test("destroy releases the session", async () => {
  const destroy = await run("destroy");
  const stats = await stepStats();
  expect(destroy.changes).toEqual({ delete: 2 });
  expect(mutatingCounts(stats)).toMatchObject({ [PATHS.releaseSessionAsync]: 1, [PATHS.createSession]: 0 });
  expect(await e2e.control.liveSessions()).toEqual([]);
  for (const value of [SECRET_LABEL, ROGUE_LABEL, E2E_API_KEY]) expect(destroy.log).not.toContain(value);
});
