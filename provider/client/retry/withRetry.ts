import type { OperationName } from "../../../wire/protocol";
import type { Clock } from "../clock";
import { classifyError, isRetryable } from "./classifyError";
import { computeDelay, type BackoffOptions } from "./computeDelay";

export interface RetryOptions extends BackoffOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
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
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce(attempt);
    } catch (error) {
      const decision = classifyError(error, operation);
      if (!isRetryable(decision) || attempt + 1 >= options.maxAttempts) throw error;
      const delayMs = computeDelay(attempt, options, decision.retryAfterMs, clock.random);
      if (clock.now() - started + delayMs > options.maxElapsedMs) throw error;
      options.onRetry?.({ operation, attempt, delayMs, error });
      await clock.sleep(delayMs);
    }
  }
}
