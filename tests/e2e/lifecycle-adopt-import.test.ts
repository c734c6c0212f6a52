/**
 * Bringing an existing session under a stack, under the real CLI:
 * - `adoptSessionId` (examples/adopt-session) works: no create, one SetLabel,
 *   then no changes; destroy releases the adopted session.
 * - the `import` resource option (examples/import-option) adopts: the Session
 *   constructor passes it on as adoptSessionId, so the engine's own import step
 *   (which reads the resource without any state and fails for a Node.js dynamic
 *   resource, pulumi/pulumi#16175) never runs.
 * - `pulumi import` on the command line still fails that way, before any call to
 *   the service; the test gets it to the provider with a stand-in language host
 *   that answers only plugin discovery.
 * Run `npx tsc -p .` first.
 */
import path from "node:path";
import { WORK_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import { StackFixture } from "../support/stackFixture";
import { useE2eEmulator } from "./support/useE2eEmulator";
import {
  E2E_API_KEY,
  mutatingCounts,
  PATHS,
  pulumiCli,
  sessionResources,
  totalCalls,
  writeLanguageHostShim,
  takeStepStats,
} from "./support/e2eSupport";

jest.setTimeout(300_000);

const SUITE = "e2e-lifecycle-adopt-import";
const ADOPT_PROJECT = "agb-e2e-adopt-session";
const IMPORT_PROJECT = "agb-e2e-import-option";
const e2e = useE2eEmulator(SUITE, [ADOPT_PROJECT, IMPORT_PROJECT]);
const IMPORT_ERROR = "code must be a string, not undefined";


const stepStats = () => takeStepStats(e2e.control);



describe("adoption by adoptSessionId", () => {
  let stack: StackFixture;
  let adoptedId = "";

  beforeAll(async () => {
    adoptedId = (await e2e.client.createSession({ imageId: "agb-code-space-1", labels: { owner: "script", stray: "x" } }))
      .sessionId;
    stack = new StackFixture({
      suite: SUITE,
      project: ADOPT_PROJECT,
      example: "adopt-session",
      stack: "adopt",
      config: {
        "agb:endpoint": e2e.emulator.url,
        adoptSessionId: adoptedId,
        labels: JSON.stringify({ owner: "pulumi", team: "core" }),
      },
      secretConfig: { "agb:apiKey": E2E_API_KEY },
    });
    await e2e.control.reset("stats");
  });

  test("up adopts the session: no createSession, one SetLabel to the declared labels", async () => {
    const up = await stack.runOk("up");
    const stats = await stepStats();
    expect(up.changes).toEqual({ create: 2 });
    expect(up.outputs).toMatchObject({ sessionId: adoptedId, adopted: true });
    expect(mutatingCounts(stats)).toEqual({
      [PATHS.createSession]: 0,
      [PATHS.setLabel]: 1,
      [PATHS.releaseSessionAsync]: 0,
      [PATHS.releaseSession]: 0,
    });
    const live = await e2e.control.liveSessions();
    expect(live.map((s) => s.sessionId)).toEqual([adoptedId]);
    expect(live[0].labels).toEqual({ owner: "pulumi", team: "core" });
  });

  test("a second preview and up show no changes and make no call", async () => {
    const preview = await stack.runOk("preview");
    expect(preview.changes).toEqual({ same: 2 });
    const up = await stack.runOk("up");
    expect(up.changes).toEqual({ same: 2 });
    expect(totalCalls(await stepStats())).toBe(0);
  });

  test("destroy releases an adopted session like any other (retainOnDelete would keep it)", async () => {
    const destroy = await stack.runOk("destroy");
    const stats = await stepStats();
    expect(destroy.changes).toEqual({ delete: 2 });
    expect(mutatingCounts(stats)).toMatchObject({ [PATHS.releaseSessionAsync]: 1, [PATHS.createSession]: 0 });
    expect(await e2e.control.liveSessions()).toEqual([]);
  });
});

describe("the import resource option (adopts) and pulumi import (not supported for dynamic resources)", () => {
  let stack: StackFixture;
  let existingId = "";
  const existingLabels = { owner: "someone-else" };

  beforeAll(async () => {
    existingId = (await e2e.client.createSession({ imageId: "agb-code-space-1", labels: existingLabels })).sessionId;
    stack = new StackFixture({
      suite: SUITE,
      project: IMPORT_PROJECT,
      example: "import-option",
      stack: "import-option",
      config: { "agb:endpoint": e2e.emulator.url, importId: existingId },
      secretConfig: { "agb:apiKey": E2E_API_KEY },
    });
    await e2e.control.reset("stats");
  });

  test("the import option adopts the session: one getSession, one GetLabel, one SetLabel, no create", async () => {
    const preview = await stack.runOk("preview");
    expect(preview.changes).toMatchObject({ create: 2 });
    expect(await stepStats()).toEqual({});

    const up = await stack.runOk("up");
    expect(up.changes).toEqual({ create: 2 });
    expect(up.outputs.sessionId).toBe(existingId);
    expect(await stepStats()).toEqual({ [PATHS.getSession]: 1, [PATHS.getLabel]: 1, [PATHS.setLabel]: 1 });
    const live = await e2e.control.liveSessions();
    expect(live.map((s) => s.sessionId)).toEqual([existingId]);
    expect(live[0].labels).toEqual({ owner: "pulumi" });
  });

  test("removing the import option afterwards changes nothing: no replace, no API call", async () => {
    stack.setConfig({ dropImport: "true" });
    const preview = await stack.runOk("preview");
    expect(preview.changes).toEqual({ same: 2 });
    const up = await stack.runOk("up");
    expect(up.changes).toEqual({ same: 2 });
    expect(up.outputs.sessionId).toBe(existingId);
    expect(await stepStats()).toEqual({});
    const [resource] = sessionResources((await stack.runOk("export")).exported);
    expect(resource.id).toBe(existingId);
  });

  test(`pulumi import on the command line still fails ("${IMPORT_ERROR}", pulumi/pulumi#16175), before any service call`, async () => {
    const shim = writeLanguageHostShim(path.join(WORK_ROOT, `${SUITE}-language-host`));
    const result = await pulumiCli(
      SUITE,
      IMPORT_PROJECT,
      [
        "import",
        "pulumi-nodejs:dynamic/agb:Session",
        "cli-imported",
        existingId,
        "--yes",
        "--skip-preview",
        "--generate-code=false",
        "--protect=false",
        "--stack",
        "import-option",
      ],
      { pathPrepend: shim },
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain(`pulumi-nodejs:dynamic/agb:Session (cli-imported):\n    error: ${IMPORT_ERROR}`);
    expect(await stepStats()).toEqual({});
    expect(sessionResources((await stack.runOk("export")).exported).map((r) => r.id)).toEqual([existingId]);
  });

  test("destroy releases the imported session like any other", async () => {
    const destroy = await stack.runOk("destroy");
    expect(destroy.changes).toEqual({ delete: 2 });
    expect(mutatingCounts(await stepStats())).toMatchObject({ [PATHS.releaseSessionAsync]: 1 });
    expect(await e2e.control.liveSessions()).toEqual([]);
  });
});
