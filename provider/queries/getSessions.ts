import * as pulumi from "@pulumi/pulumi";
import { isReleasedStatus } from "../../wire/sessionStatus";
import type { AgbClient } from "../client/AgbClient";
import type { ClientOptionsInput } from "../client/clientOptions";
import { AgbValidationError } from "../client/errors";
import { labelMapSchema } from "../labels/labelMapSchema";
import { programClient } from "../programClient";
import { unknownPropertyReason } from "../runtime/unknownPropertyFailures";

export interface GetSessionsArgs {
  /** Sessions must carry every one of these labels. `{}` lists every live session. */
  labels?: Record<string, string>;
  /** Also read each session's labels (one GetLabel per session). */
  includeLabels?: boolean;
  /** Include released sessions the service still reports. */
  includeReleased?: boolean;
  /** Connection options; by default the stack config / environment, as for the provider. */
  client?: AgbClient | ClientOptionsInput;
}

export interface FoundSession {
  sessionId: string;
  status?: string;
  labels?: Record<string, string>;
}

export interface GetSessionsResult {
  sessions: FoundSession[];
  sessionIds: string[];
}

const LABEL_READ_CONCURRENCY = 16;
const OPTION_NAMES = ["labels", "includeLabels", "includeReleased", "client"] as const;

/** The sessions carrying all the given labels, every page followed. */
export async function getSessions(args: GetSessionsArgs = {}): Promise<GetSessionsResult> {
  const unknown = Object.keys(args).find((key) => !(OPTION_NAMES as readonly string[]).includes(key));
  if (unknown !== undefined) throw new AgbValidationError(unknown, unknownPropertyReason(unknown, "getSessions", OPTION_NAMES));
  const filter = labelMapSchema.safeParse(args.labels ?? {});
  if (!filter.success) {
    throw new AgbValidationError("labels", filter.error.issues.map((i) => `${i.path.join(".")} ${i.message}`.trim()).join("; "));
  }
  const client = isClient(args.client) ? args.client : programClient(args.client ?? {});
  const found = await client.listSessions(filter.data, { includeAll: args.includeReleased });
  // The service may list a session it is deleting; one definition of released decides, whatever it lists.
  const wanted = args.includeReleased ? found : found.filter((s) => !isReleasedStatus(s.status));
  const sessions: FoundSession[] = wanted.map((s) => ({ sessionId: s.sessionId, status: s.status }));
  if (args.includeLabels) {
    let next = 0;
    const worker = async () => {
      while (next < sessions.length) {
        const session = sessions[next++];
        session.labels = await client.getLabels(session.sessionId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LABEL_READ_CONCURRENCY, sessions.length) }, worker));
  }
  return { sessions, sessionIds: sessions.map((s) => s.sessionId) };
}

/** `getSessions` as an Output, for use directly in resource inputs. */
export function getSessionsOutput(args: GetSessionsArgs = {}): pulumi.Output<GetSessionsResult> {
  return pulumi.output(getSessions(args));
}

function isClient(value: unknown): value is AgbClient {
  return typeof value === "object" && value !== null && "listSessions" in value;
}
