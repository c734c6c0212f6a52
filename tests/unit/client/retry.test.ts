import { AgbApiError, AgbAuthError, AgbNetworkError, AgbNotFoundError, AgbValidationError } from "../../../provider/client/errors";
import { classifyError, parseRetryAfter } from "../../../provider/client/retry/classifyError";
import { computeDelay } from "../../../provider/client/retry/computeDelay";
import { withRetry, type RetryOptions } from "../../../provider/client/retry/withRetry";

const api = (status: number, retryAfterMs?: number) => new AgbApiError({ operation: "setLabel", status, retryAfterMs });
const createApi = (status: number) => new AgbApiError({ operation: "createSession", status });
const network = (notSent: boolean, operation: "setLabel" | "createSession" = "setLabel") =>
  new AgbNetworkError({ operation, notSent }, "boom");

describe("classifyError", () => {
  it("retries 429 and 5xx on idempotent operations", () => {
    expect(classifyError(api(429, 2000), "setLabel")).toEqual({ retry: true, retryAfterMs: 2000 });
    expect(classifyError(api(503), "setLabel")).toEqual({ retry: true, retryAfterMs: undefined });
    expect(classifyError(network(false), "setLabel")).toEqual({ retry: true });
  });

  it("never retries validation, not-found, auth, 4xx or bugs", () => {
    expect(classifyError(new AgbValidationError("labels", "bad"), "setLabel").retry).toBe(false);
    expect(classifyError(new AgbNotFoundError({ operation: "setLabel", status: 400 }), "setLabel").retry).toBe(false);
    expect(classifyError(new AgbAuthError({ operation: "setLabel", status: 401 }), "setLabel").retry).toBe(false);
    expect(classifyError(api(400), "setLabel").retry).toBe(false);
    expect(classifyError(new TypeError("bug"), "setLabel").retry).toBe(false);
  });

  it("retries a create only when the service surely did not act", () => {
    expect(classifyError(createApi(429), "createSession").retry).toBe(true);
    expect(classifyError(network(true, "createSession"), "createSession").retry).toBe(true);
    expect(classifyError(createApi(500), "createSession").retry).toBe(false);
    expect(classifyError(network(false, "createSession"), "createSession").retry).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe("computeDelay", () => {
  const backoff = { baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
  it("draws uniformly below the capped exponential step", () => {
    expect(computeDelay(0, backoff, undefined, () => 0.999)).toBe(99);
    expect(computeDelay(3, backoff, undefined, () => 0.5)).toBe(400);
    expect(computeDelay(10, backoff, undefined, () => 0.999)).toBe(999);
    expect(computeDelay(2, backoff, undefined, () => 0)).toBe(0);
  });
  it("honours Retry-After up to the cap", () => {
    expect(computeDelay(0, backoff, 2000)).toBe(2000);
    expect(computeDelay(0, backoff, 60_000)).toBe(5000);
  });
});

describe("withRetry", () => {
  const sleeps: number[] = [];
  const options: RetryOptions = {
    maxAttempts: 4,
    maxElapsedMs: 60_000,
    baseDelayMs: 10,
    maxDelayMs: 100,
    maxRetryAfterMs: 1000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  beforeEach(() => sleeps.splice(0));

  it("returns the first success after retryable failures", async () => {
    let calls = 0;
    const result = await withRetry("setLabel", async () => (++calls < 3 ? Promise.reject(api(500)) : "ok"), options);
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(sleeps).toEqual([5, 10]);
  });

  it("stops after maxAttempts and rethrows the last error", async () => {
    let calls = 0;
    await expect(withRetry("setLabel", async () => Promise.reject(api(503, 7)).finally(() => calls++), options)).rejects.toBeInstanceOf(
      AgbApiError,
    );
    expect(calls).toBe(4);
    expect(sleeps).toEqual([7, 7, 7]);
  });

  it("does not retry what it must not", async () => {
    let calls = 0;
    await expect(withRetry("setLabel", async () => Promise.reject(api(400)).finally(() => calls++), options)).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it("gives up when the next wait would pass the time budget", async () => {
    let calls = 0;
    const tight = { ...options, maxElapsedMs: 500 };
    await expect(withRetry("setLabel", async () => Promise.reject(api(429, 1000)).finally(() => calls++), tight)).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
