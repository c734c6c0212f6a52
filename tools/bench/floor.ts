import { randomUUID } from "node:crypto";
import { AgbClient } from "../../provider/client/AgbClient";
import { forEachConcurrently } from "../../provider/forEachConcurrently";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";

/** The lifecycle every stack of the benchmark goes through, in order. */
export const PHASES = ["create", "edit", "noChange", "refresh", "destroy"] as const;
export type Phase = (typeof PHASES)[number];

export const BASE_LABELS = { project: "demo", environment: "dev" };
/** The label edit: one value changes on every session. */
export const EDIT_LABELS = { environment: "staging" };

/**
 * The floor: the same API calls the provider makes for each phase, made by a
 * plain script through the project's AgbClient (default options, so the same
 * client-side concurrency cap) with `parallel` sessions worked on at once, the
 * engine's degree of parallelism. Nothing else: no engine, no state, no gRPC.
 */
export class FloorRunner {
  private readonly client: AgbClient;
  private sessions: Array<{ id: string; token: string }> = [];

  constructor(
    endpoint: string,
    private readonly count: number,
    private readonly parallel: number,
  ) {
    this.client = new AgbClient({ endpoint });
  }

  async run(phase: Phase): Promise<void> {
    const client = this.client;
    switch (phase) {
      case "create": {
        const indices = Array.from({ length: this.count }, (_, i) => i);
        const made: Array<{ id: string; token: string }> = [];
        await forEachConcurrently(indices, this.parallel, async () => {
          const token = randomUUID();
          const created = await client.createSession({
            imageId: "agb-code-space-1",
            labels: { ...BASE_LABELS, [CREATE_TOKEN_LABEL]: token },
          });
          made.push({ id: created.sessionId, token });
        });
        this.sessions = made;
        return;
      }
      case "edit":
        return forEachConcurrently(this.sessions, this.parallel, (s) =>
          client.setLabels(s.id, { ...BASE_LABELS, ...EDIT_LABELS, [CREATE_TOKEN_LABEL]: s.token }),
        );
      case "noChange":
        return; // nothing to call: the minimum for an unchanged stack is no call
      case "refresh":
        return forEachConcurrently(this.sessions, this.parallel, async (s) => {
          await client.getSession(s.id);
          await client.getLabels(s.id);
        });
      case "destroy":
        await forEachConcurrently(this.sessions, this.parallel, async (s) => {
          await client.releaseAndWait(s.id);
        });
        this.sessions = [];
        return;
    }
  }
}
