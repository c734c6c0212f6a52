/**
 * registerAutoTagging under the real CLI, with the environment-tagging example
 * deployed as two stacks (dev and staging) of one project: the resource
 * transform stamps the stack and project names on every Session, so the two
 * stacks' sessions differ by label; own labels win over the stamp, and the
 * stamp wins over stack default labels.
 */
import type { StackFixture } from "../../support/stackFixture";
import { CLI_TEST_TIMEOUT_MS, PATHS, callsSince, changesOnly, json, liveById, useTaggingSuite, withoutToken } from "./helpers";

const suite = useTaggingSuite("tagging-autotag");
const PROJECT = "agb-tagging-envs";

describe("auto-tagging across two stacks of one program", () => {
  let dev: StackFixture;
  let staging: StackFixture;
  let devIds: string[] = [];
  let stagingIds: string[] = [];

  beforeAll(() => {
    const common = { sessionCount: "2", labels: json({ role: "worker" }) };
    dev = suite.stack("environment-tagging", PROJECT, "dev", { ...common, "agb:defaultLabels": json({ team: "payments", env: "dev" }) });
    staging = suite.stack("environment-tagging", PROJECT, "staging", {
      ...common,
      "agb:defaultLabels": json({ team: "payments", env: "staging" }),
    });
  });

  test(
    "each stack's sessions carry its own stack name, the project name and its defaults",
    async () => {
      devIds = (await dev.runOk("up")).outputs.sessionIds as string[];
      stagingIds = (await staging.runOk("up")).outputs.sessionIds as string[];
      const live = await liveById(suite.control, [...devIds, ...stagingIds]);
      for (const [ids, stack] of [
        [devIds, "dev"],
        [stagingIds, "staging"],
      ] as const) {
        for (const id of ids) {
          expect(withoutToken(live.get(id)!.labels)).toEqual({
            role: "worker",
            team: "payments",
            env: stack,
            "pulumi-stack": stack,
            "pulumi-project": PROJECT,
          });
        }
      }
      // The labels alone tell the stacks apart.
      const byStack = (stack: string) =>
        [...live.values()]
          .filter((s) => s.labels["pulumi-stack"] === stack && s.labels["pulumi-project"] === PROJECT)
          .map((s) => s.sessionId)
          .sort();
      expect(byStack("dev")).toEqual([...devIds].sort());
      expect(byStack("staging")).toEqual([...stagingIds].sort());

      await suite.control.reset("stats");
      expect(changesOnly(await dev.runOk("preview"))).toEqual({});
      expect(changesOnly(await staging.runOk("preview"))).toEqual({});
      expect(await callsSince(suite.control)).toEqual({});
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "the stamp wins over a default with the same key: no change",
    async () => {
      dev.setConfig({ "agb:defaultLabels": json({ team: "payments", env: "dev", "pulumi-stack": "from-defaults" }) });
      await suite.control.reset("stats");
      const up = await dev.runOk("up");
      expect(changesOnly(up)).toEqual({});
      expect(await callsSince(suite.control)).toEqual({});
      const live = await liveById(suite.control, devIds);
      for (const id of devIds) expect(live.get(id)!.labels["pulumi-stack"]).toBe("dev");
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "an own label wins over the stamp: one SetLabel per session",
    async () => {
      dev.setConfig({ labels: json({ role: "worker", "pulumi-stack": "pinned" }) });
      await suite.control.reset("stats");
      const up = await dev.runOk("up");
      expect(changesOnly(up)).toEqual({ update: 2 });
      expect(await callsSince(suite.control)).toEqual({ [PATHS.setLabel]: 2 });
      const live = await liveById(suite.control, [...devIds, ...stagingIds]);
      for (const id of devIds) expect(live.get(id)!.labels["pulumi-stack"]).toBe("pinned");
      for (const id of stagingIds) expect(live.get(id)!.labels["pulumi-stack"]).toBe("staging");
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "a label policy sees the stamped labels (they are part of the merged set)",
    async () => {
      staging.setConfig({ "agb:labelPolicy": json({ requiredKeys: ["pulumi-stack", "pulumi-project", "team"] }) });
      await suite.control.reset("stats");
      expect(changesOnly(await staging.runOk("preview"))).toEqual({});
      // At most 4 labels: role, team, env and the two stamps make 5.
      staging.setConfig({ "agb:labelPolicy": json({ maxLabels: 4 }) });
      const failed = await staging.run("preview");
      expect(failed.ok).toBe(false);
      expect(`${failed.log}\n${failed.error}`).toContain("rule maxLabels: 6 labels (5 declared, plus the provider's create-token label), the policy allows at most 4");
      expect(await callsSince(suite.control)).toEqual({});
      staging.setConfig({ "agb:labelPolicy": "" });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "destroy releases each stack's own sessions only",
    async () => {
      await dev.runOk("destroy");
      let live = await liveById(suite.control);
      for (const id of devIds) expect(live.has(id)).toBe(false);
      for (const id of stagingIds) expect(live.has(id)).toBe(true);
      await staging.runOk("destroy");
      live = await liveById(suite.control);
      expect(live.size).toBe(0);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
