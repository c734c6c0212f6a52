export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

/**
 * Full jitter (a uniform draw between zero and the capped exponential step), so
 * that many clients failing together do not retry together. A server's
 * Retry-After wins over the draw but is capped, so one bad header cannot stall a
 * deployment; a draw below one base step is added to it, or every request
 * refused in one burst would come back at the same instant and be refused again.
 */
export function computeDelay(
  attempt: number,
  options: BackoffOptions,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxRetryAfterMs) + Math.floor(random() * options.baseDelayMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
