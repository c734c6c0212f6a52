/** What each API operation does to the emulator's sessions: the service's behaviour, without HTTP. */
import { randomBytes } from "node:crypto";
import { encodeLabels, parseLabelsStrict, type OperationSpec } from "../wire/protocol";
import type { EmulatorStore, StoredSession } from "./EmulatorStore";
import { invalid } from "./httpIo";
import { labelLimitProblem, type LabelLimits } from "./labelLimits";
import { missingSessionFailure, type MissingSessionAnswer } from "./missingSessionAnswer";

const MAX_PAGE_SIZE = 1000;

export interface OperationContext {
  store: EmulatorStore;
  labelLimits: LabelLimits;
  /** ListSession's page size when the caller gives none (the SDKs' default). */
  defaultPageSize: number;
  /** The emulator's own URL, for the session URLs it hands out. */
  baseUrl: () => string;
  /** How a call about an unknown session is answered. */
  missingSessionAnswer?: MissingSessionAnswer;
}

export interface OperationAnswer {
  data?: unknown;
  /** Fields beside `data` at the envelope's top level (ListSession's paging). */
  extra?: Record<string, unknown>;
}

export function operate(
  ctx: OperationContext,
  spec: OperationSpec,
  query: URLSearchParams,
  body: Record<string, unknown>,
): OperationAnswer {
  const { store } = ctx;
  const notFound = (sessionId: string) => missingSessionFailure(sessionId, ctx.missingSessionAnswer);
  const param = (name: string): unknown => (spec.query.includes(name) ? (query.get(name) ?? undefined) : body[name]);
  const requiredString = (name: string): string => {
    const value = param(name);
    if (typeof value !== "string" || value.trim() === "") {
      throw invalid(`InvalidParameter.${capitalize(name)}`, `${name} is required`);
    }
    return value;
  };
  const liveSession = (keepAlive = false): StoredSession => {
    const id = requiredString("sessionId");
    const session = store.use(id, keepAlive);
    if (!session) throw notFound(id);
    return session;
  };
  /** Live or released but not yet forgotten: what the status calls still describe. */
  const knownSession = (): StoredSession => {
    const id = requiredString("sessionId");
    const session = store.describe(id);
    if (!session) throw notFound(id);
    store.use(id);
    return session;
  };

  switch (spec.name) {
    case "createSession": {
      const imageId = requiredString("imageId");
      const labelsText = param("labels");
      let labels: Record<string, string> = {};
      if (labelsText !== undefined && labelsText !== null && labelsText !== "") {
        if (typeof labelsText !== "string") throw invalid("InvalidParameter.Labels", "labels must be a JSON string");
        labels = checkLabels(labelsText, true, ctx.labelLimits);
      }
      const timeout = param("timeout");
      if (timeout !== undefined && (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout <= 0)) {
        throw invalid("InvalidParameter.Timeout", "timeout must be a positive whole number of seconds");
      }
      const policyId = optionalString(param("mcpPolicyId"), "mcpPolicyId");
      const contextId = optionalString(param("contextId"), "contextId");
      const session = store.create({ imageId, labels, idleTimeoutSeconds: timeout as number | undefined, policyId, contextId });
      // toolList is a string in the SDK's create answer; taskId and networkInterfaceIp are fields clients must ignore.
      return {
        data: {
          ...describeSession(ctx, session),
          token: `tok-${session.resourceId}`,
          toolList: "[]",
          taskId: `task-${session.resourceId}`,
          networkInterfaceIp: "127.0.0.1",
          success: true,
          errMsg: null,
        },
      };
    }
    case "getSession":
      return { data: describeSession(ctx, knownSession()) };
    case "getSessionInfo":
      return { data: { status: knownSession().status } };
    case "setLabel": {
      const labels = checkLabels(requiredString("Labels"), store.options.emptyLabels === "accept", ctx.labelLimits);
      store.setLabels(liveSession(), labels);
      return {};
    }
    case "getLabel": {
      const session = liveSession();
      const entries = Object.entries(session.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const maxResults = pageSize(param("maxResults"), entries.length || 1);
      const offset = pageOffset(param("nextToken"));
      const page = entries.slice(offset, offset + maxResults);
      const next = offset + maxResults < entries.length ? String(offset + maxResults) : "";
      return { data: { labels: encodeLabels(Object.fromEntries(page)), count: entries.length, nextToken: next, maxResults } };
    }
    case "listSession": {
      const filterText = param("labels");
      const filter = typeof filterText === "string" && filterText !== "" ? checkFilter(filterText) : {};
      const matches = store.list(filter, param("isAll") === "true");
      const maxResults = pageSize(param("maxResults"), ctx.defaultPageSize);
      const offset = pageOffset(param("nextToken"));
      const page = matches.slice(offset, offset + maxResults);
      const next = offset + maxResults < matches.length ? String(offset + maxResults) : "";
      return {
        data: page.map((s) => ({ sessionId: s.sessionId, sessionStatus: s.status })),
        extra: { nextToken: next, maxResults, count: matches.length },
      };
    }
    case "releaseSessionAsync":
    case "releaseSession": {
      const id = requiredString("sessionId");
      if (!store.release(id)) throw notFound(id);
      return {};
    }
    case "refreshSessionIdleTime":
      liveSession(true);
      return {};
  }
}

/**
 * A session as create and getSession describe it. The resource URL carries
 * `resourceId=` and an auth code that is new on every read, as the SDKs'
 * integration test of getSession says of the real service.
 */
function describeSession(ctx: OperationContext, session: StoredSession) {
  const baseUrl = ctx.baseUrl();
  const authcode = randomBytes(12).toString("hex");
  return {
    sessionId: session.sessionId,
    status: session.status,
    resourceUrl: `${baseUrl}/_emulator/sessions/${session.sessionId}?resourceId=${session.resourceId}&authcode=${authcode}`,
    appInstanceId: session.appInstanceId,
    resourceId: session.resourceId,
    linkUrl: `${baseUrl}/_emulator/sessions/${session.sessionId}/link`,
    wsUrl: `${baseUrl.replace(/^http/, "ws")}/_emulator/sessions/${session.sessionId}/ws`,
  };
}

/** Any JSON object of strings, as the SDKs send; stricter only under `--label-limits`. */
function checkLabels(text: string, allowEmpty: boolean, limits: LabelLimits): Record<string, string> {
  const labels = parseLabelsStrict(text);
  if (typeof labels === "string") throw invalid("InvalidParameter.Labels", labels);
  if (Object.keys(labels).length === 0 && !allowEmpty) throw invalid("InvalidParameter.Labels", "Labels cannot be empty");
  const problem = labelLimitProblem(labels, limits);
  if (problem) throw invalid("InvalidParameter.Labels", problem);
  return labels;
}

function checkFilter(text: string): Record<string, string> {
  const filter = parseLabelsStrict(text);
  if (typeof filter === "string") throw invalid("InvalidParameter.Labels", filter);
  return filter;
}

function pageSize(raw: unknown, fallback: number): number {
  if (raw === undefined || raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw invalid("InvalidParameter.MaxResults", "maxResults must be a positive whole number");
  return Math.min(n, MAX_PAGE_SIZE);
}

function pageOffset(raw: unknown): number {
  if (raw === undefined || raw === null || raw === "") return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw invalid("InvalidParameter.NextToken", "nextToken is not one this service issued");
  return n;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw invalid(`InvalidParameter.${capitalize(name)}`, `${name} must be a string`);
  return value;
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
