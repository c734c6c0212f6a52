import * as pulumi from "@pulumi/pulumi";
import { isReleasedStatus } from "../../wire/sessionStatus";
import type { AgbClient } from "../client/AgbClient";
import type { ClientOptionsInput } from "../client/clientOptions";
import { AgbValidationError } from "../client/errors";
import { labelMapSchema } from "../labels/labelMapSchema";
import { forEachConcurrently } from "../forEachConcurrently";
import { programClient } from "../programClient";
import { unknownPropertyReason } from "../runtime/unknownPropertyFailures";

/** The options of `getSessions`. A misspelt option is refused, naming it. */
export interface GetSessionsArgs {
  /**
   * Sessions must carry every one of these labels. `{}` lists every live session.
   * @example { batch: "nightly", environment: "prod" }
   */
  labels?: Record<string, string>;
  /**
   * Also read each session's labels (one GetLabel per session, 16 at a time).
   * @example true
   */
  includeLabels?: boolean;
  /**
   * Include sessions the service reports as released (DELETING, DELETED, FINISH).
   * @example false
   */
  includeReleased?: boolean;
  /**
   * Connection options or a client; by default the stack config and environment, as for the provider.
   * @example { endpoint: "http://127.0.0.1:8080", apiKey: process.env.AGB_API_KEY }
   */
  client?: AgbClient | ClientOptionsInput;
}

/** One session `getSessions` found. */
export interface FoundSession {
  /**
   * The session's id.
   * @example "s-0123456789abcdef"
   */
  sessionId: string;
  /**
   * Its status as the service listed it.
   * @example "RUNNING"
   */
  status?: string;
  /**
   * Its labels; only with `includeLabels`.
   * @example { batch: "nightly" }
   */
  labels?: Record<string, string>;
}

/** What `getSessions` answers. */
export interface GetSessionsResult {
  /**
   * Every session found, every page followed.
   * @example [{ sessionId: "s-0123456789abcdef", status: "RUNNING" }]
   */
  sessions: FoundSession[];
  /**
   * Their ids, in the same order.
   * @example ["s-0123456789abcdef"]
   */
  sessionIds: string[];
}

const LABEL_READ_CONCURRENCY = 16;
const OPTION_NAMES = ["labels", "includeLabels", "includeReleased", "client"] as const;

/**
 * The sessions carrying all the given labels, every page followed.
 * @example
 * const nightly = await agb.getSessions({ labels: { batch: "nightly" }, includeLabels: true });
 */
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
    await forEachConcurrently(sessions, LABEL_READ_CONCURRENCY, async (session) => {
      session.labels = await client.getLabels(session.sessionId);
    });
  }
  return { sessions, sessionIds: sessions.map((s) => s.sessionId) };
}

/**
 * `getSessions` as an Output, for use directly in resource inputs.
 * @example
 * export const nightlyIds = agb.getSessionsOutput({ labels: { batch: "nightly" } }).sessionIds;
 */
export function getSessionsOutput(args: GetSessionsArgs = {}): pulumi.Output<GetSessionsResult> {
  return pulumi.output(getSessions(args));
}

function isClient(value: unknown): value is AgbClient {
  return typeof value === "object" && value !== null && "listSessions" in value;
}
