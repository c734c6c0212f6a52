import { DEFAULT_ENDPOINT, DEFAULT_TIMEOUT_MS } from "../../wire/protocol";
import { SYSTEM_CLOCK, type Clock } from "./clock";
import type { RateLimitOptions } from "./rateLimiter";
import type { RetryOptions } from "./retry/withRetry";

export interface ClientOptions {
  endpoint: string;
  apiKey?: string;
  timeoutMs: number;
  retry: RetryOptions;
  rateLimit: RateLimitOptions;
  /** Time, sleep and jitter for retries, release polls and the rate limiter. */
  clock: Clock;
  /** Poll interval and bound while waiting for a release to finish. */
  releasePollIntervalMs: number;
  releaseTimeoutMs: number;
  /** Page size asked of ListSession. */
  listPageSize: number;
}

export type ClientOptionsInput = Partial<Omit<ClientOptions, "retry" | "rateLimit" | "clock">> & {
  retry?: Partial<RetryOptions>;
  rateLimit?: Partial<RateLimitOptions>;
  clock?: Partial<Clock>;
};

/** The single place every client default lives; callers merge over it. */
export const DEFAULT_CLIENT_OPTIONS: ClientOptions = {
  endpoint: DEFAULT_ENDPOINT,
  timeoutMs: DEFAULT_TIMEOUT_MS,
  retry: {
    maxAttempts: 6,
    maxThrottledAttempts: 30,
    maxElapsedMs: 120_000,
    baseDelayMs: 200,
    maxDelayMs: 10_000,
    maxRetryAfterMs: 30_000,
  },
  rateLimit: { maxConcurrent: 32, maxPerSecond: 0, adaptive: true },
  clock: SYSTEM_CLOCK,
  releasePollIntervalMs: 1_000,
  releaseTimeoutMs: 300_000,
  listPageSize: 100,
};

export function mergeClientOptions(input: ClientOptionsInput = {}): ClientOptions {
  return {
    ...DEFAULT_CLIENT_OPTIONS,
    ...stripUndefined(input),
    endpoint: normalizeEndpoint(input.endpoint ?? DEFAULT_CLIENT_OPTIONS.endpoint),
    retry: { ...DEFAULT_CLIENT_OPTIONS.retry, ...stripUndefined(input.retry ?? {}) },
    rateLimit: { ...DEFAULT_CLIENT_OPTIONS.rateLimit, ...stripUndefined(input.rateLimit ?? {}) },
    clock: { ...DEFAULT_CLIENT_OPTIONS.clock, ...stripUndefined(input.clock ?? {}) },
  };
}

/** An endpoint given without a scheme gets https://, as in the SDKs. */
export function normalizeEndpoint(endpoint: string): string {
  const trimmed = endpoint.trim().replace(/\/+$/, "");
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
