/**
 * Default labels (`agb:defaultLabels`) under the real CLI against the emulator:
 * applied to every session, own labels win, a default change is an in-place
 * update with one SetLabel per session, and a default that repeats an own
 * label (same key and value) never shows a diff, not even after a refresh.
 */
import { CLI_TEST_TIMEOUT_MS, PATHS, callsSince, changesOnly, json, liveById, mutatingCalls, useTaggingSuite, withoutToken } from "./helpers";

const suite = useTaggingSuite("tagging-defaults");
const COUNT = 3;

describe("default labels", () => {
  let ids: string[] = [];
  const stack = () =>
    suite.stack("environment-tagging", "agb-tagging-defaults", "dev", {
      sessionCount: String(COUNT),
      // `env` is both an own label and a default, with the same value.
      labels: json({ role: "worker", env: "dev" }),
      "agb:defaultLabels": json({ team: "payments", env: "dev", "cost-center": "cc-1" }),
    });
  let fixture: ReturnType<typeof stack>;

  beforeAll(() => {
    fixture = stack();
  });

  test(
    "up applies the defaults under the own labels on every session",
    async () => {
      const up = await fixture.runOk("up");
      expect(changesOnly(up)).toEqual({ create: COUNT + 1 }); // the sessions and the stack
      ids = up.outputs.sessionIds as string[];
      expect(ids).toHaveLength(COUNT);
      const live = await liveById(suite.control, ids);
      for (const id of ids) {
        expect(withoutToken(live.get(id)!.labels)).toEqual({
          team: "payments",
          env: "dev",
          "cost-center": "cc-1",
          role: "worker",
          "pulumi-stack": "dev",
          "pulumi-project": "agb-tagging-defaults",
        });
      }
      // The outputs keep own labels and applied defaults apart; `env` is the session's own.
      const defaults = up.outputs.defaultLabels as Record<string, string>[];
      for (const d of defaults) expect(d).toEqual({ team: "payments", "cost-center": "cc-1" });
      const stats = await callsSince(suite.control);
      expect(stats[PATHS.create]).toBe(COUNT);
      expect(stats[PATHS.setLabel] ?? 0).toBe(0);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "a default repeating an own label gives no diff, before and after a refresh",
    async () => {
      await suite.control.reset("stats");
      const preview = await fixture.runOk("preview");
      expect(changesOnly(preview)).toEqual({});

      const refresh = await fixture.runOk("refresh");
      expect(changesOnly(refresh)).toEqual({});
      const again = await fixture.runOk("preview");
      expect(changesOnly(again)).toEqual({});
      const up = await fixture.runOk("up");
      expect(changesOnly(up)).toEqual({});
      // Only the refresh read anything; nothing was written.
      expect(mutatingCalls(await suite.control.stats())).toBe(0);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "changing a default updates every session in place: one SetLabel each, no create",
    async () => {
      fixture.setConfig({ "agb:defaultLabels": json({ team: "billing", env: "dev", "cost-center": "cc-1" }) });
      await suite.control.reset("stats");
      const up = await fixture.runOk("up");
      expect(changesOnly(up)).toEqual({ update: COUNT });
      expect(up.outputs.sessionIds).toEqual(ids);
      const stats = await callsSince(suite.control);
      expect(stats).toEqual({ [PATHS.setLabel]: COUNT });
      const live = await liveById(suite.control, ids);
      for (const id of ids) expect(live.get(id)!.labels.team).toBe("billing");

      await suite.control.reset("stats");
      expect(changesOnly(await fixture.runOk("preview"))).toEqual({});
      expect(await callsSince(suite.control)).toEqual({});
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "own labels win over a clashing default; removing a default removes the label",
    async () => {
      // env: the default now says prod, the sessions' own labels say dev. cost-center is dropped.
      fixture.setConfig({ "agb:defaultLabels": json({ team: "billing", env: "prod" }) });
      await suite.control.reset("stats");
      const up = await fixture.runOk("up");
      expect(changesOnly(up)).toEqual({ update: COUNT });
      const stats = await callsSince(suite.control);
      // One SetLabel each, plus one GetLabel each confirming the removed key is gone.
      expect(stats).toEqual({ [PATHS.setLabel]: COUNT, [PATHS.getLabel]: COUNT });
      const live = await liveById(suite.control, ids);
      for (const id of ids) {
        const labels = live.get(id)!.labels;
        expect(labels.env).toBe("dev");
        expect(labels).not.toHaveProperty("cost-center");
        expect(labels["pulumi-agb-create-token"]).toBeDefined();
      }
      await fixture.runOk("refresh");
      expect(changesOnly(await fixture.runOk("preview"))).toEqual({});
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "destroy releases the sessions",
    async () => {
      await suite.control.reset("stats");
      const destroy = await fixture.runOk("destroy");
      expect(changesOnly(destroy)).toEqual({ delete: COUNT + 1 });
      const live = await liveById(suite.control);
      for (const id of ids) expect(live.has(id)).toBe(false);
      expect((await callsSince(suite.control))[PATHS.releaseAsync]).toBe(COUNT);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
