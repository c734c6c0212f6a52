import * as pulumi from "@pulumi/pulumi";
import { isReleasedStatus } from "../../wire/sessionStatus";
import type { AgbClient } from "../client/AgbClient";
import type { ClientOptionsInput } from "../client/clientOptions";
import { AgbValidationError } from "../client/errors";
import { labelMapSchema } from "../labels/labelMapSchema";
import { quoteKey } from "../labels/quoteKey";
import { forEachConcurrently } from "../forEachConcurrently";
import { programClient } from "../programClient";
import { unknownPropertyReason } from "../runtime/unknownPropertyFailures";
import { guardLabels } from "../resources/guardLabels";

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

/** The options of `getSessionsOutput`: those of `getSessions`, each of which may be an Output. */
export interface GetSessionsOutputArgs {
  /**
   * Sessions must carry every one of these labels; the map or any value may be an Output.
   * @example { batch: "nightly", owner: team.name }
   */
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Also read each session's labels. The result is then secret: the labels read may be others' secrets.
   * @example true
   */
  includeLabels?: pulumi.Input<boolean>;
  /**
   * Include sessions the service reports as released.
   * @example false
   */
  includeReleased?: pulumi.Input<boolean>;
  /**
   * Connection options or a client, as for `getSessions`.
   * @example { endpoint: "http://127.0.0.1:8080" }
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
  refuseUnknownOptions(args, "getSessions");
  const filter = labelMapSchema.safeParse(args.labels ?? {});
  if (!filter.success) {
    // Keys quoted as check quotes them: a marker (a __proto__ key from YAML/Python) is named as written, not as a NUL byte.
    throw new AgbValidationError("labels", filter.error.issues.map((i) => `${i.path.map((key) => quoteKey(String(key))).join(".")} ${i.message}`.trim()).join("; "));
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
 * `getSessions` as an Output, taking Inputs as Pulumi's `*Output` functions do:
 * it asks AGB once every input is known (so in a preview where one is not, the
 * result is unknown too, and nothing is sent). The result is secret when any
 * input is, or when `includeLabels` reads labels (which may be others' secrets).
 * @example
 * export const nightlyIds = agb.getSessionsOutput({ labels: { batch: "nightly", owner: a.labels.owner } }).sessionIds;
 */
export function getSessionsOutput(args: GetSessionsOutputArgs = {}): pulumi.Output<GetSessionsResult> {
  refuseUnknownOptions(args, "getSessionsOutput");
  const { client, labels, includeLabels, includeReleased } = args;
  // Checked before Pulumi copies the map: the copy drops an own "__proto__" key and keeps no lone surrogate intact.
  const guarded = guardLabels("getSessionsOutput", labels);
  const result = pulumi
    .all([pulumi.output(guarded), pulumi.output(includeLabels), pulumi.output(includeReleased)])
    .apply(async ([known, withLabels, released]) => {
      let found: GetSessionsResult;
      try {
        found = await getSessions({
          ...(known === undefined ? {} : { labels: known as Record<string, string> }),
          ...(withLabels === undefined ? {} : { includeLabels: withLabels }),
          ...(released === undefined ? {} : { includeReleased: released }),
          ...(client === undefined ? {} : { client }),
        });
      } catch (error) {
        // A rejection inside an Output may reach the engine late or with no text at all: say it now, by name.
        void pulumi.log.error(`getSessionsOutput: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
      return withLabels ? pulumi.secret(found) : pulumi.output(found);
    });
  // apply lifts the Output the callback returns (its secrecy with it); the types only lack the flattening.
  return result as unknown as pulumi.Output<GetSessionsResult>;
}

function refuseUnknownOptions(args: object, query: string): void {
  const unknown = Object.keys(args).find((key) => !(OPTION_NAMES as readonly string[]).includes(key));
  if (unknown !== undefined) throw new AgbValidationError(unknown, unknownPropertyReason(unknown, query, OPTION_NAMES));
}

function isClient(value: unknown): value is AgbClient {
  return typeof value === "object" && value !== null && "listSessions" in value;
}
