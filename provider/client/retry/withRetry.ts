import type { OperationName } from "../../../wire/protocol";
import { classifyError } from "./classifyError";
import { computeDelay, type BackoffOptions } from "./computeDelay";

export interface RetryOptions extends BackoffOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No new attempt starts after this much time since the first. */
  maxElapsedMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  onRetry?: (info: { operation: OperationName; attempt: number; delayMs: number; error: unknown }) => void;
}

export async function withRetry<T>(
  operation: OperationName,
  attemptOnce: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce(attempt);
    } catch (error) {
      const decision = classifyError(error, operation);
      if (!decision.retry || attempt + 1 >= options.maxAttempts) throw error;
      const delayMs = computeDelay(attempt, options, decision.retryAfterMs, options.random);
      if (Date.now() - started + delayMs > options.maxElapsedMs) throw error;
      options.onRetry?.({ operation, attempt, delayMs, error });
      await options.sleep(delayMs);
    }
  }
}
