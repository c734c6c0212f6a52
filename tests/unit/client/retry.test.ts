import {
  AgbApiError,
  AgbAuthError,
  AgbNetworkError,
  AgbNotFoundError,
  AgbResponseShapeError,
  AgbValidationError,
} from "../../../provider/client/errors";
import type { Clock } from "../../../provider/client/clock";
import { classifyError, isRetryable, parseRetryAfter } from "../../../provider/client/retry/classifyError";
import { computeDelay } from "../../../provider/client/retry/computeDelay";
import { withRetry, type RetryOptions } from "../../../provider/client/retry/withRetry";

const api = (status: number, retryAfterMs?: number) => new AgbApiError({ operation: "setLabel", status, retryAfterMs });
const createApi = (status: number) => new AgbApiError({ operation: "createSession", status });
const network = (notSent: boolean, operation: "setLabel" | "createSession" = "setLabel") =>
  new AgbNetworkError({ operation, notSent }, "boom");

describe("classifyError", () => {
  it("calls 429 throttled (with its Retry-After) and 5xx or a lost answer transient on idempotent operations", () => {
    expect(classifyError(api(429, 2000), "setLabel")).toEqual({ kind: "throttled", retryAfterMs: 2000 });
    expect(classifyError(api(503), "setLabel")).toEqual({ kind: "transient", retryAfterMs: undefined });
    expect(classifyError(network(false), "setLabel")).toEqual({ kind: "transient" });
  });

  it("calls validation, not-found, auth, other 4xx, shape errors and bugs fatal", () => {
    expect(classifyError(new AgbValidationError("labels", "bad"), "setLabel").kind).toBe("fatal");
    expect(classifyError(new AgbNotFoundError({ operation: "setLabel", status: 400 }), "setLabel").kind).toBe("fatal");
    expect(classifyError(new AgbAuthError({ operation: "setLabel", status: 401 }), "setLabel").kind).toBe("fatal");
    expect(classifyError(api(400), "setLabel").kind).toBe("fatal");
    expect(classifyError(new AgbResponseShapeError({ operation: "getLabel" }, "garbled"), "getLabel").kind).toBe("fatal");
    expect(classifyError(new TypeError("bug"), "setLabel").kind).toBe("fatal");
  });

  it("calls a create ambiguous when the service may have acted, and retryable only when it surely did not", () => {
    expect(classifyError(createApi(429), "createSession").kind).toBe("throttled");
    expect(classifyError(network(true, "createSession"), "createSession").kind).toBe("transient");
    expect(classifyError(createApi(500), "createSession").kind).toBe("ambiguous");
    expect(classifyError(network(false, "createSession"), "createSession").kind).toBe("ambiguous");
    expect(classifyError(new AgbResponseShapeError({ operation: "createSession" }, "garbled"), "createSession").kind).toBe("ambiguous");
    expect(isRetryable(classifyError(createApi(500), "createSession"))).toBe(false);
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
  it("honours Retry-After up to the cap, spread by a draw below one base step", () => {
    expect(computeDelay(0, backoff, 2000, () => 0)).toBe(2000);
    expect(computeDelay(0, backoff, 2000, () => 0.5)).toBe(2050);
    expect(computeDelay(0, backoff, 60_000, () => 0)).toBe(5000);
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
  };
  let now = 0;
  /** Time moves only when the loop sleeps. */
  const clock: Clock = {
    now: () => now,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  beforeEach(() => sleeps.splice(0));

  it("returns the first success after retryable failures", async () => {
    let calls = 0;
    const result = await withRetry("setLabel", async () => (++calls < 3 ? Promise.reject(api(500)) : "ok"), options, clock);
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(sleeps).toEqual([5, 10]);
  });

  it("stops after maxAttempts and rethrows the last error", async () => {
    let calls = 0;
    await expect(withRetry("setLabel", async () => Promise.reject(api(503, 7)).finally(() => calls++), options, clock)).rejects.toBeInstanceOf(
      AgbApiError,
    );
    expect(calls).toBe(4);
    expect(sleeps).toEqual([12, 12, 12]);
  });

  it("does not retry what it must not", async () => {
    let calls = 0;
    await expect(withRetry("setLabel", async () => Promise.reject(api(400)).finally(() => calls++), options, clock)).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it("counts refusals for rate apart: up to maxThrottledAttempts of them, then the last is thrown", async () => {
    let calls = 0;
    const refusedThenOk = async () => (++calls <= 7 ? Promise.reject(api(429, 10)) : "ok");
    await expect(withRetry("setLabel", refusedThenOk, { ...options, maxThrottledAttempts: 10 }, clock)).resolves.toBe("ok");
    expect(calls).toBe(8);
    calls = 0;
    await expect(withRetry("setLabel", async () => Promise.reject(api(429, 10)).finally(() => calls++), { ...options, maxThrottledAttempts: 5 }, clock)).rejects.toBeInstanceOf(AgbApiError);
    expect(calls).toBe(5);
  });

  it("gives up when the next wait would pass the time budget", async () => {
    let calls = 0;
    const tight = { ...options, maxElapsedMs: 500 };
    await expect(withRetry("setLabel", async () => Promise.reject(api(429, 1000)).finally(() => calls++), tight, clock)).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
