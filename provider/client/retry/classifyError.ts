import { AgbApiError, AgbAuthError, AgbNetworkError, AgbNotFoundError } from "../errors";
import type { OperationName } from "../../../wire/protocol";

export type RetryDecision = { retry: false } | { retry: true; retryAfterMs?: number };

/** Operations whose repetition cannot create a second object. */
const NON_IDEMPOTENT: ReadonlySet<OperationName> = new Set<OperationName>(["createSession"]);

const RETRYABLE_STATUS_MIN = 500;
const TOO_MANY_REQUESTS = 429;

/**
 * Decides whether an attempt's failure is worth another try. A create is
 * repeated only when the service surely did not act: a 429 (refused before any
 * work) or a connection that never carried the request. Anything else on a
 * create is ambiguous and left to the caller, which can look the session up.
 */
export function classifyError(error: unknown, operation: OperationName): RetryDecision {
  const idempotent = !NON_IDEMPOTENT.has(operation);
  if (error instanceof AgbNotFoundError || error instanceof AgbAuthError) return { retry: false };
  if (error instanceof AgbApiError) {
    if (error.status === TOO_MANY_REQUESTS) {
      return { retry: true, retryAfterMs: retryAfterOf(error) };
    }
    if (error.status !== undefined && error.status >= RETRYABLE_STATUS_MIN && idempotent) {
      return { retry: true, retryAfterMs: retryAfterOf(error) };
    }
    return { retry: false };
  }
  if (error instanceof AgbNetworkError) {
    return idempotent || error.notSent ? { retry: true } : { retry: false };
  }
  // Validation errors, shape errors and programming bugs are never retried.
  return { retry: false };
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
