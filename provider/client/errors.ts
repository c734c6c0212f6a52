/**
 * The client's error hierarchy. Every error names the operation; API errors add
 * the HTTP status, the API's code and request id. Nothing here ever holds the
 * API key: messages are built from the operation and the answer only, and the
 * axios error kept as `cause` is stripped of its request headers first.
 */
import type { OperationName } from "../../wire/protocol";

export interface AgbErrorDetails {
  operation: OperationName;
  status?: number;
  code?: string;
  requestId?: string;
  apiMessage?: string;
  /** From a Retry-After header, when the answer had one. */
  retryAfterMs?: number;
  /** The base URL the call went to (scheme, host and path only: never credentials or a query). */
  endpoint?: string;
  /** The session the operation was about, if any. */
  sessionId?: string;
  cause?: unknown;
}

function describe(details: AgbErrorDetails, summary: string): string {
  const parts = [`AGB ${details.operation} failed: ${summary}`];
  if (details.status !== undefined) parts.push(`HTTP ${details.status}`);
  if (details.code) parts.push(`code ${details.code}`);
  if (details.requestId) parts.push(`request id ${details.requestId}`);
  if (details.endpoint) parts.push(`endpoint ${details.endpoint}`);
  return parts.join("; ");
}

export class AgbError extends Error {
  override name = "AgbError";
  readonly operation: OperationName;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly apiMessage?: string;
  readonly endpoint?: string;
  readonly sessionId?: string;

  constructor(details: AgbErrorDetails, summary: string) {
    super(describe(details, summary), details.cause === undefined ? undefined : { cause: details.cause });
    this.operation = details.operation;
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.apiMessage = details.apiMessage;
    this.endpoint = details.endpoint;
    this.sessionId = details.sessionId;
  }
}

/** The service answered with a failure envelope or an error status. */
export class AgbApiError extends AgbError {
  override name = "AgbApiError";
  readonly retryAfterMs?: number;
  constructor(details: AgbErrorDetails) {
    super(details, details.apiMessage || "the service reported a failure");
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * The service said that this session does not exist (released, expired, never
 * created): only an envelope answered about that session (wire/sessionGoneAnswer.ts),
 * never a 404 for the path, an auth failure or a page that is not JSON.
 */
export class AgbNotFoundError extends AgbApiError {
  override name = "AgbNotFoundError";
}

/**
 * HTTP 404 for the operation's path, not an answer about a session: the
 * endpoint (its base path, most often) is not the AGB API. Never retried,
 * never read as a session gone.
 */
export class AgbEndpointError extends AgbApiError {
  override name = "AgbEndpointError";
  constructor(details: AgbErrorDetails) {
    super({
      ...details,
      apiMessage:
        `${details.apiMessage ? `${details.apiMessage} ` : ""}(HTTP 404 for the operation's path, not an answer about the session: ` +
        "is the endpoint's base path right?)",
    });
  }
}

/** The key was refused (HTTP 401/403). */
export class AgbAuthError extends AgbApiError {
  override name = "AgbAuthError";
}

/** No usable answer: connection refused or reset, timeout, DNS failure. */
export class AgbNetworkError extends AgbError {
  override name = "AgbNetworkError";
  /** True when the request certainly never reached the service. */
  readonly notSent: boolean;
  readonly networkCode?: string;
  constructor(details: AgbErrorDetails & { notSent: boolean; networkCode?: string }, summary: string) {
    super(details, summary);
    this.notSent = details.notSent;
    this.networkCode = details.networkCode;
  }
}

/** The answer was not JSON or not the shape the protocol promises. */
export class AgbResponseShapeError extends AgbError {
  override name = "AgbResponseShapeError";
  /** The start of the raw body, kept for diagnosis. */
  readonly bodyExcerpt?: string;
  constructor(details: AgbErrorDetails & { bodyExcerpt?: string }, summary: string) {
    super(details, summary);
    this.bodyExcerpt = details.bodyExcerpt;
  }
}

/** Bad input caught before anything was sent. Never retried. */
export class AgbValidationError extends Error {
  override name = "AgbValidationError";
  constructor(
    readonly property: string,
    readonly reason: string,
  ) {
    super(`${property}: ${reason}`);
  }
}

/** Gave up waiting for a released session to finish. */
export class AgbTimeoutError extends AgbError {
  override name = "AgbTimeoutError";
}

export function isAgbError(value: unknown): value is AgbError {
  return value instanceof AgbError;
}

export function isNotFound(value: unknown): value is AgbNotFoundError {
  return value instanceof AgbNotFoundError;
}

const SECRET_PATTERNS: RegExp[] = [/Bearer\s+[^\s"',;]+/gi, /akm-[A-Za-z0-9_-]+/g];

/** Removes anything that looks like a credential from free text. */
export function redactSecrets(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, "[redacted]");
  return out;
}

/**
 * A create whose answer was lost and whose session could not be looked up in
 * the time allowed: the service may or may not have made it. The token names
 * the session if it exists (label `pulumi-agb-create-token`).
 */
export class AgbCreateOutcomeUnknownError extends AgbError {
  override name = "AgbCreateOutcomeUnknownError";
  constructor(
    readonly token: string,
    cause: unknown,
  ) {
    super(
      { operation: "createSession", cause },
      `the service may have created the session, but no answer came and it could not be looked up ` +
        `(create token ${token}): ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}
