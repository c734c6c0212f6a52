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

  it("spaces starts evenly to the rate", async () => {
    // A fake clock: time moves only when the limiter sleeps, so the test measures the schedule, not the machine.
    let now = 1_000;
    const waits: number[] = [];
    const clock = { now: () => now, sleep: async (ms: number) => void waits.push(ms) };
    const limiter = new RateLimiter({ maxConcurrent: 0, maxPerSecond: 200 }, clock);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => limiter.run(async () => starts.push(now))));
    expect(waits).toEqual([5, 10, 15, 20]);
    now += 1_000;
    await limiter.run(async () => undefined);
    expect(waits).toHaveLength(4);
  });
});
