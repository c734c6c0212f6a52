/**
 * SessionLabels and getSessions under the real CLI, with the
 * adopt-script-sessions example: sessions a script made (not the stack) are
 * found by label across several ListSession pages, get the stack's keys merged
 * in, report drift of those keys only, and keep every other key when the stack
 * is destroyed (which removes only its keys and releases nothing).
 */
import { AgbClient } from "pulumi-agb";
import { createScriptSessions } from "../../../examples/adopt-script-sessions/createSessions";
import { CLI_TEST_TIMEOUT_MS, PATHS, callsSince, changesOnly, liveById, useTaggingSuite } from "./helpers";

const suite = useTaggingSuite("tagging-session-labels");
const PAGE_SIZE = 2;

describe("SessionLabels on sessions a script created, found with getSessions", () => {
  let nightly: string[] = [];
  let others: string[] = [];
  let fixture: ReturnType<typeof suite.stack>;
  const client = () => new AgbClient({ endpoint: suite.url });

  beforeAll(async () => {
    fixture = suite.stack("adopt-script-sessions", "agb-tagging-adopt", "dev", {
      batch: "nightly",
      owner: "platform-team",
      listPageSize: String(PAGE_SIZE),
    });
    nightly = await createScriptSessions({ count: 5, batch: "nightly", client: { endpoint: suite.url } });
    // Another batch of the same script: the query must leave these alone.
    others = await createScriptSessions({ count: 2, batch: "weekly", client: { endpoint: suite.url } });
  });

  test(
    "up finds every session of the batch across pages and merges the stack's keys in",
    async () => {
      await suite.control.reset("stats");
      const up = await fixture.runOk("up");
      expect([...(up.outputs.foundSessionIds as string[])].sort()).toEqual([...nightly].sort());
      expect(changesOnly(up)).toEqual({ create: nightly.length + 1 });
      const stats = await callsSince(suite.control);
      // 5 matches at 2 per page: 3 ListSession pages. One SetLabel per session; GetLabel:
      // one per session for includeLabels, then a read before and a check after each write.
      expect(stats).toEqual({
        [PATHS.list]: 3,
        [PATHS.getLabel]: nightly.length * 3,
        [PATHS.setLabel]: nightly.length,
      });
      const live = await liveById(suite.control, [...nightly, ...others]);
      nightly.forEach((id, i) =>
        expect(live.get(id)!.labels).toEqual({
          "created-by": "session-script",
          batch: "nightly",
          job: `nightly-${i}`,
          owner: "platform-team",
          "managed-by": "pulumi",
        }),
      );
      for (const id of others) expect(live.get(id)!.labels).not.toHaveProperty("owner");
      expect(changesOnly(await fixture.runOk("preview"))).toEqual({});
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "refresh reports drift of the stack's keys only; up restores them and keeps the foreign change",
    async () => {
      const api = client();
      // A foreign key changes on one session, an owned key on another.
      await api.setLabels(nightly[0], { ...(await api.getLabels(nightly[0])), job: "rerun-0" });
      await api.setLabels(nightly[1], { ...(await api.getLabels(nightly[1])), owner: "someone-else" });

      const refresh = await fixture.runOk("refresh");
      expect(changesOnly(refresh)).toEqual({ update: 1 });
      expect(changesOnly(await fixture.runOk("preview"))).toEqual({ update: 1 });
      await suite.control.reset("stats");
      const up = await fixture.runOk("up");
      expect(changesOnly(up)).toEqual({ update: 1 });
      expect((await callsSince(suite.control))[PATHS.setLabel]).toBe(1);
      const live = await liveById(suite.control, nightly);
      expect(live.get(nightly[1])!.labels.owner).toBe("platform-team");
      expect(live.get(nightly[0])!.labels.job).toBe("rerun-0");
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "editing an owned label updates every session in place, other keys untouched",
    async () => {
      fixture.setConfig({ owner: "data-team" });
      await suite.control.reset("stats");
      const up = await fixture.runOk("up");
      expect(changesOnly(up)).toEqual({ update: nightly.length });
      const stats = await callsSince(suite.control);
      expect(stats[PATHS.setLabel]).toBe(nightly.length);
      expect(stats[PATHS.create] ?? 0).toBe(0);
      const live = await liveById(suite.control, nightly);
      nightly.forEach((id, i) => {
        expect(live.get(id)!.labels.owner).toBe("data-team");
        expect(live.get(id)!.labels.job).toBe(i === 0 ? "rerun-0" : `nightly-${i}`);
      });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "a session the script makes later is picked up by the next up",
    async () => {
      const [late] = await createScriptSessions({ count: 1, batch: "nightly", client: { endpoint: suite.url } });
      nightly.push(late);
      await suite.control.reset("stats");
      const up = await fixture.runOk("up");
      expect(changesOnly(up)).toEqual({ create: 1 });
      expect([...(up.outputs.foundSessionIds as string[])].sort()).toEqual([...nightly].sort());
      const stats = await callsSince(suite.control);
      expect(stats[PATHS.list]).toBe(3); // 6 matches, 2 per page
      expect(stats[PATHS.setLabel]).toBe(1);
      expect((await liveById(suite.control, [late])).get(late)!.labels.owner).toBe("data-team");
    },
    CLI_TEST_TIMEOUT_MS,
  );

  test(
    "destroy removes only the stack's keys and releases nothing",
    async () => {
      await suite.control.reset("stats");
      const destroy = await fixture.runOk("destroy");
      expect(changesOnly(destroy)).toEqual({ delete: nightly.length + 1 });
      const stats = await callsSince(suite.control);
      expect(stats[PATHS.setLabel]).toBe(nightly.length);
      expect(stats[PATHS.releaseAsync] ?? 0).toBe(0);
      expect(stats[PATHS.release] ?? 0).toBe(0);
      const live = await liveById(suite.control, [...nightly, ...others]);
      nightly.forEach((id, i) => {
        const labels = live.get(id)!.labels;
        expect(labels).not.toHaveProperty("owner");
        expect(labels).not.toHaveProperty("managed-by");
        expect(labels["created-by"]).toBe("session-script");
        expect(labels.batch).toBe("nightly");
        expect(labels.job).toBe(i === 0 ? "rerun-0" : i === 5 ? "nightly-0" : `nightly-${i}`);
      });
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
