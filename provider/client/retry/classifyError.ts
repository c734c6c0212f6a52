import { AgbApiError, AgbAuthError, AgbNetworkError, AgbNotFoundError, AgbResponseShapeError } from "../errors";
import type { OperationName } from "../../../wire/protocol";

/**
 * What a failed attempt means for the next one:
 * - throttled: refused before any work (429); wait, honouring Retry-After, and try again;
 * - transient: a passing fault on a call that is safe to repeat; back off and try again;
 * - ambiguous: a create the service may have carried out although no answer came;
 *   repeating it blindly could make a second session, so only the caller, which
 *   can look the session up, may act on it;
 * - fatal: trying again cannot help (bad input, not found, refused key, a bug).
 */
export type RetryKind = "throttled" | "transient" | "ambiguous" | "fatal";

export interface RetryDecision {
  kind: RetryKind;
  /** From the answer's Retry-After header. */
  retryAfterMs?: number;
}

/** Operations that make a new object each time they run: repeating one after an unanswered attempt may make a second. */
const NON_IDEMPOTENT: ReadonlySet<OperationName> = new Set<OperationName>(["createSession"]);

const RETRYABLE_STATUS_MIN = 500;
const TOO_MANY_REQUESTS = 429;

export function classifyError(error: unknown, operation: OperationName): RetryDecision {
  const idempotent = !NON_IDEMPOTENT.has(operation);
  const unanswered: RetryKind = idempotent ? "transient" : "ambiguous";
  if (error instanceof AgbNotFoundError || error instanceof AgbAuthError) return { kind: "fatal" };
  if (error instanceof AgbApiError) {
    if (error.status === TOO_MANY_REQUESTS) return { kind: "throttled", retryAfterMs: retryAfterOf(error) };
    if (error.status !== undefined && error.status >= RETRYABLE_STATUS_MIN) {
      return { kind: unanswered, retryAfterMs: retryAfterOf(error) };
    }
    return { kind: "fatal" };
  }
  if (error instanceof AgbNetworkError) return { kind: error.notSent ? "transient" : unanswered };
  // A garbled answer to a create may hide a session made; to anything else it is not worth repeating.
  if (error instanceof AgbResponseShapeError) return { kind: idempotent ? "fatal" : "ambiguous" };
  return { kind: "fatal" };
}

/** True for the kinds a plain retry loop may act on. */
export function isRetryable(decision: RetryDecision): boolean {
  return decision.kind === "throttled" || decision.kind === "transient";
}

function retryAfterOf(error: AgbApiError): number | undefined {
  const value = error.retryAfterMs;
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Parses a Retry-After header: delta seconds or an HTTP date. */
export function parseRetryAfter(header: string | undefined | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
