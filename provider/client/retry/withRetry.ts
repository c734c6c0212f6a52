import type { OperationName } from "../../../wire/protocol";
import type { Clock } from "../clock";
import { classifyError, isRetryable } from "./classifyError";
import { computeDelay, type BackoffOptions } from "./computeDelay";

export interface RetryOptions extends BackoffOptions {
  /** Attempts in all, the first included, not counting those the service refused for rate. */
  maxAttempts: number;
  /**
   * Attempts the service may refuse for rate (429) before giving up; the time
   * budget bounds them too. A refused request did no work, so repeating it is
   * always safe, and a busy service may refuse the same request several times
   * while the rate limiter learns its pace. Defaults to maxAttempts.
   */
  maxThrottledAttempts?: number;
  /** No new attempt starts after this much time since the first. */
  maxElapsedMs: number;
  onRetry?: (info: { operation: OperationName; attempt: number; delayMs: number; error: unknown }) => void;
}

/** Runs `attemptOnce` until it succeeds, retrying throttled and transient failures with backoff. */
export async function withRetry<T>(
  operation: OperationName,
  attemptOnce: (attempt: number) => Promise<T>,
  options: RetryOptions,
  clock: Clock,
): Promise<T> {
  const started = clock.now();
  let failed = 0;
  let throttled = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce(attempt);
    } catch (error) {
      const decision = classifyError(error, operation);
      if (!isRetryable(decision)) throw error;
      if (decision.kind === "throttled") throttled++;
      else failed++;
      if (failed >= options.maxAttempts || throttled >= (options.maxThrottledAttempts ?? options.maxAttempts)) throw error;
      const delayMs = computeDelay(attempt, options, decision.retryAfterMs, clock.random);
      if (clock.now() - started + delayMs > options.maxElapsedMs) throw error;
      options.onRetry?.({ operation, attempt, delayMs, error });
      await clock.sleep(delayMs);
    }
  }
}
