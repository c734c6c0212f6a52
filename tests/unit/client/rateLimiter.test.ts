import { RateLimiter } from "../../../provider/client/rateLimiter";

describe("RateLimiter", () => {
  it("never runs more tasks at once than the cap", async () => {
    const limiter = new RateLimiter({ maxConcurrent: 3, maxPerSecond: 0 });
    let active = 0;
    let peak = 0;
    const task = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      active--;
    };
    await Promise.all(Array.from({ length: 20 }, () => limiter.run(task)));
    expect(peak).toBe(3);
    expect(active).toBe(0);
  });

  it("releases its slot when a task fails", async () => {
    const limiter = new RateLimiter({ maxConcurrent: 1, maxPerSecond: 0 });
    await expect(limiter.run(async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    await expect(limiter.run(async () => "next")).resolves.toBe("next");
  });

  it("spaces starts to the rate", async () => {
    const limiter = new RateLimiter({ maxConcurrent: 0, maxPerSecond: 200 });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => limiter.run(async () => starts.push(Date.now()))));
    // 5 starts at 200/s need at least 4 intervals of 5 ms between the first and the last.
    expect(starts[4] - starts[0]).toBeGreaterThanOrEqual(19);
  });
});
