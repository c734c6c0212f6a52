// The "script" half of the adopt-script-sessions example: sessions made outside
// Pulumi, the way a CI job or a batch script makes them, straight through
// AgbClient. The Pulumi program next to it (index.ts) then finds them by label
// and manages a few labels of its own on them.
//
//   AGB_ENDPOINT=http://127.0.0.1:8787 node dist/examples/adopt-script-sessions/createSessions.js 5 nightly
import { AgbClient, type ClientOptionsInput } from "pulumi-agb";

/** The labels the script puts on every session it makes; the program finds them with these. */
export const SCRIPT_LABELS = { "created-by": "session-script" } as const;

export interface ScriptSessionsOptions {
  count: number;
  /** Goes into the `batch` label, so one program run adopts one batch. */
  batch: string;
  imageId?: string;
  client?: ClientOptionsInput;
}

/** Creates `count` sessions labelled as the script's own; returns their ids. */
export async function createScriptSessions(options: ScriptSessionsOptions): Promise<string[]> {
  const client = new AgbClient({
    endpoint: process.env.AGB_ENDPOINT,
    apiKey: process.env.AGB_API_KEY,
    ...options.client,
  });
  const ids: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const session = await client.createSession({
      imageId: options.imageId ?? "agb-code-space-1",
      // `job` is a label only the script knows about: SessionLabels must never touch it.
      labels: { ...SCRIPT_LABELS, batch: options.batch, job: `${options.batch}-${i}` },
    });
    ids.push(session.sessionId);
  }
  return ids;
}

if (require.main === module) {
  const [count = "3", batch = "nightly"] = process.argv.slice(2);
  createScriptSessions({ count: Number(count), batch })
    .then((ids) => console.log(ids.join("\n")))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
