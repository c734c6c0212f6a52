// Adopting sessions a script created: the stack does not own these sessions
// (it never creates or releases them), it only manages some labels on them.
//
// What it shows:
// - `getSessions({ labels, includeLabels })` finds every session carrying the
//   script's labels, following every page of ListSession.
// - One `SessionLabels` per found session owns only the keys it declares
//   (`owner`, `managed-by` here): create and update merge them into the
//   session's labels, refresh reports drift of those keys only, and
//   `pulumi destroy` removes those keys and leaves the session and the script's
//   own labels (`created-by`, `batch`, `job`) alone.
//
// Run createSessions.ts first (or let your own script make the sessions), then:
//   pulumi config set batch nightly
//   pulumi config set owner platform-team
//   pulumi up
//
// Config:
//   agb:endpoint / agb:apiKey   the AGB service (or AGB_ENDPOINT / AGB_API_KEY)
//   batch                       which batch of script sessions to adopt (default "nightly")
//   owner                       the `owner` label to set on them (default "platform-team")
//   listPageSize                ListSession page size for the query (default: the client's, 100)
import * as pulumi from "@pulumi/pulumi";
import * as agb from "pulumi-agb";
import { SCRIPT_LABELS } from "./createSessions";

const config = new pulumi.Config();
const batch = config.get("batch") ?? "nightly";
const owner = config.get("owner") ?? "platform-team";
const listPageSize = config.getNumber("listPageSize");

async function main() {
  // A query, not a resource: it runs on every preview and up, so sessions the
  // script made since the last run are picked up, and released ones drop out
  // (their SessionLabels is then deleted, which is a no-op on a gone session).
  const found = await agb.getSessions({
    labels: { ...SCRIPT_LABELS, batch },
    includeLabels: true,
    client: listPageSize ? { listPageSize } : undefined,
  });
  const managed = found.sessions.map(
    (session) =>
      // Named after the session id, so each session keeps its resource across runs.
      new agb.SessionLabels(`labels-${session.sessionId}`, {
        sessionId: session.sessionId,
        labels: { owner, "managed-by": "pulumi" },
      }),
  );
  return {
    foundSessionIds: found.sessionIds,
    /** Labels each session had when the query ran (before this run's writes). */
    labelsAtQuery: Object.fromEntries(found.sessions.map((s) => [s.sessionId, s.labels ?? {}])),
    /** Every label on each session after this run's writes. */
    sessionLabels: managed.map((m) => m.sessionLabels),
  };
}

// A Pulumi program may export a promise of its outputs.
export = main();
