/**
 * Ignored labels (`agb:ignoreLabelKeys`, `agb:ignoreLabelPrefixes`) under the
 * real CLI: labels another system adds to a session are never drift (refresh
 * and preview show no change) and survive the stack's own label edits, with or
 * without a refresh in between. A label outside the rules is drift, as a control.
 */
import { AgbClient } from "pulumi-agb";
import { CLI_TEST_TIMEOUT_MS, PATHS, callsSince, changesOnly, json, liveById, useTaggingSuite, withoutToken } from "./helpers";

const suite = useTaggingSuite("tagging-ignore");

/** What an agent or runtime does: read the labels, add its own, write them all back. */
async function addOutOfBand(sessionId: string, extra: Record<string, string>): Promise<void> {
  const client = new AgbClient({ endpoint: suite.url });
  const current = await client.getLabels(sessionId);
  await client.setLabels(sessionId, { ...current, ...extra });
}

describe("ignored labels", () => {
  let ids: string[] = [];
  let fixture: ReturnType<typeof suite.stack>;

  beforeAll(() => {
    fixture = suite.stack("environment-tagging", "agb-tagging-ignore", "dev", {
      sessionCount: "2",
      labels: json({ role: "worker" }),
      "agb:ignoreLabelKeys": json(["runtime-owner"]),
      "agb:ignoreLabelPrefixes": json(["agent/"]),
    });
  });

  test(
    "labels added out of band under the ignore rules: refresh and preview show no changes",
    async () => {
      const up = await fixture.runOk("up");
      ids = up.outputs.sessionIds as string[];
      expect(ids).toHaveLength(2);

      await addOutOfBand(ids[0], { "runtime-owner": "scheduler", "agent/task": "t-1" });
      await suite.control.reset("stats");
      const refresh = await fixture.runOk("refresh");
      expect(changesOnly(refresh)).toEqual({});
      const preview = await fixture.runOk("preview");
      expect(changesOnly(preview)).toEqual({});
      // The refresh read each session (GetSession + GetLabel) and wrote nothing.
      expect(await callsSince(suite.control)).toEqual({ [PATHS.getSession]: 2, [PATHS.getLabel]: 2 });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "the next label edit keeps them: one SetLabel per session",
    async () => {
      fixture.setConfig({ labels: json({ role: "worker", tier: "gold" }) });
      await suite.control.reset("stats");
      const up = await fixture.runOk("up");
      expect(changesOnly(up)).toEqual({ update: 2 });
      const stats = await callsSince(suite.control);
      expect(stats[PATHS.setLabel]).toBe(2);
      expect(stats[PATHS.create] ?? 0).toBe(0);
      const live = await liveById(suite.control, ids);
      expect(withoutToken(live.get(ids[0])!.labels)).toEqual({
        role: "worker",
        tier: "gold",
        "pulumi-stack": "dev",
        "pulumi-project": "agb-tagging-ignore",
        "runtime-owner": "scheduler",
        "agent/task": "t-1",
      });
      expect(live.get(ids[1])!.labels).not.toHaveProperty("runtime-owner");
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "an ignored label added after the last refresh also survives a label edit",
    async () => {
      await addOutOfBand(ids[1], { "agent/step": "2" });
      fixture.setConfig({ labels: json({ role: "worker", tier: "silver" }) });
      await suite.control.reset("stats");
      const up = await fixture.runOk("up");
      expect(changesOnly(up)).toEqual({ update: 2 });
      const stats = await callsSince(suite.control);
      // With ignore rules set, each update reads the live labels once before its one SetLabel.
      expect(stats).toEqual({ [PATHS.getLabel]: 2, [PATHS.setLabel]: 2 });
      const live = await liveById(suite.control, ids);
      expect(live.get(ids[1])!.labels["agent/step"]).toBe("2");
      expect(live.get(ids[1])!.labels.tier).toBe("silver");
      expect(live.get(ids[0])!.labels["runtime-owner"]).toBe("scheduler");
      expect(live.get(ids[0])!.labels["agent/task"]).toBe("t-1");
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "a declared key wins over an ignore rule: it is managed, so an out-of-band change is drift",
    async () => {
      fixture.setConfig({ labels: json({ role: "worker", tier: "silver", "agent/pinned": "yes" }) });
      expect(changesOnly(await fixture.runOk("up"))).toEqual({ update: 2 });
      await addOutOfBand(ids[0], { "agent/pinned": "no" });
      expect(changesOnly(await fixture.runOk("refresh"))).toEqual({ update: 1 });
      await suite.control.reset("stats");
      expect(changesOnly(await fixture.runOk("up"))).toEqual({ update: 1 });
      expect((await callsSince(suite.control))[PATHS.setLabel]).toBe(1);
      const live = await liveById(suite.control, ids);
      expect(live.get(ids[0])!.labels["agent/pinned"]).toBe("yes");
      expect(live.get(ids[0])!.labels["agent/task"]).toBe("t-1");
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "control: a label outside the rules is drift, and the next up removes it while keeping the ignored ones",
    async () => {
      await addOutOfBand(ids[0], { rogue: "x" });
      const refresh = await fixture.runOk("refresh");
      expect(changesOnly(refresh)).toEqual({ update: 1 });
      const preview = await fixture.runOk("preview");
      expect(changesOnly(preview)).toEqual({ update: 1 });
      await suite.control.reset("stats");
      const up = await fixture.runOk("up");
      expect(changesOnly(up)).toEqual({ update: 1 });
      const live = await liveById(suite.control, ids);
      expect(live.get(ids[0])!.labels).not.toHaveProperty("rogue");
      expect(live.get(ids[0])!.labels["runtime-owner"]).toBe("scheduler");
      expect(live.get(ids[0])!.labels["agent/task"]).toBe("t-1");
      expect((await callsSince(suite.control))[PATHS.setLabel]).toBe(1);
      expect(changesOnly(await fixture.runOk("preview"))).toEqual({});
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
