/**
 * The AGB session API's wire format, shared by the client and the emulator so
 * the two cannot drift apart. Everything here mirrors what the official SDKs
 * send and expect (see the project README, "Wire protocol").
 */
import { z } from "zod";

export const DEFAULT_ENDPOINT = "https://sdk-api.agb.cloud";
export const DEFAULT_TIMEOUT_MS = 60_000;

/** The code the service gives a session that is released, expired or unknown. */
export const NOT_FOUND_CODE = "InvalidMcpSession.NotFound";

export type HttpMethod = "GET" | "POST";

/** Where each parameter travels: the query string or the JSON body. */
export interface OperationSpec {
  readonly name: OperationName;
  readonly method: HttpMethod;
  readonly path: string;
  readonly query: readonly string[];
  readonly body: readonly string[];
  /** True where the SDKs also read the answer in PascalCase or inside `body` (see releaseAnswer.ts). */
  readonly answerInEitherCasing?: boolean;
}

export type OperationName =
  | "createSession"
  | "getSession"
  | "getSessionInfo"
  | "setLabel"
  | "getLabel"
  | "listSession"
  | "releaseSessionAsync"
  | "releaseSession"
  | "refreshSessionIdleTime";

export const OPERATIONS: Readonly<Record<OperationName, OperationSpec>> = {
  createSession: {
    name: "createSession",
    method: "POST",
    path: "/mcp/createSession",
    query: ["imageId", "sdkStats"],
    body: ["labels", "timeout", "mcpPolicyId", "contextId", "persistenceDataList"],
  },
  getSession: { name: "getSession", method: "POST", path: "/mcp/getSession", query: [], body: ["sessionId"] },
  getSessionInfo: { name: "getSessionInfo", method: "POST", path: "/mcp/getSessionInfo", query: [], body: ["sessionId"] },
  setLabel: { name: "setLabel", method: "POST", path: "/sdk/SetLabel", query: ["sessionId", "Labels"], body: [] },
  getLabel: { name: "getLabel", method: "GET", path: "/sdk/GetLabel", query: ["sessionId", "maxResults", "nextToken"], body: [] },
  listSession: {
    name: "listSession",
    method: "GET",
    path: "/sdk/ListSession",
    query: ["labels", "maxResults", "nextToken", "isAll"],
    body: [],
  },
  releaseSessionAsync: {
    name: "releaseSessionAsync",
    method: "POST",
    path: "/mcp/releaseSessionAsync",
    query: [],
    body: ["sessionId"],
    answerInEitherCasing: true,
  },
  releaseSession: { name: "releaseSession", method: "POST", path: "/mcp/releaseSession", query: [], body: ["sessionId"] },
  refreshSessionIdleTime: {
    name: "refreshSessionIdleTime",
    method: "POST",
    path: "/mcp/refreshSessionIdleTime",
    query: ["sessionId"],
    body: [],
  },
};

export const OPERATION_BY_PATH: ReadonlyMap<string, OperationSpec> = new Map(
  Object.values(OPERATIONS).map((op) => [op.path, op]),
);

/** Every answer, success or failure, is this object. */
export const envelopeSchema = z
  .object({
    success: z.boolean(),
    code: z.string().optional().nullable(),
    message: z.string().optional().nullable(),
    requestId: z.string().optional().nullable(),
    httpStatusCode: z.number().optional().nullable(),
    data: z.unknown().optional(),
    nextToken: z.string().optional().nullable(),
    maxResults: z.number().optional().nullable(),
    count: z.number().optional().nullable(),
  })
  .passthrough();
export type Envelope = z.infer<typeof envelopeSchema>;

const optionalString = z.string().optional().nullable();

/** What createSession and getSession both describe a session with. */
const sessionFields = {
  resourceUrl: optionalString,
  appInstanceId: optionalString,
  resourceId: optionalString,
  linkUrl: optionalString,
  wsUrl: optionalString,
  token: optionalString,
  toolList: z.unknown().optional(),
};

export const createSessionDataSchema = z
  .object({
    ...sessionFields,
    sessionId: optionalString,
    success: z.boolean().optional().nullable(),
    errMsg: optionalString,
  })
  .passthrough();

export const getSessionDataSchema = z
  .object({ ...sessionFields, sessionId: z.string(), status: optionalString })
  .passthrough();

export const sessionInfoDataSchema = z
  .object({ status: optionalString, Status: optionalString })
  .passthrough();

export const getLabelDataSchema = z
  .object({
    labels: optionalString,
    count: z.number().optional().nullable(),
    nextToken: optionalString,
    maxResults: z.number().optional().nullable(),
  })
  .passthrough();

export const listSessionItemSchema = z
  .object({ sessionId: z.string(), sessionStatus: optionalString })
  .passthrough();
export const listSessionDataSchema = z.array(listSessionItemSchema).nullable().optional();

/** Labels travel as a JSON-encoded flat object of strings. */
export function encodeLabels(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(labels);
}

/**
 * Reads a label string as the SDKs do: missing or unparsable reads as `{}`.
 * Non-string values are dropped rather than coerced, so a garbled answer can
 * never be written back as if it were a label the user declared.
 */
export function decodeLabels(raw: string | null | undefined): Record<string, string> {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value === "string") out[key] = value;
  }
  return out;
}

/** Parses strictly: used by the emulator to refuse malformed label strings. */
export function parseLabelsStrict(raw: string): Record<string, string> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return "Labels is not valid JSON";
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return "Labels must be a JSON object";
  }
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== "string") return `label "${key}" must have a string value`;
  }
  return parsed as Record<string, string>;
}
