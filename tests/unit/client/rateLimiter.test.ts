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

  describe("adaptive to the service's 429s", () => {
    function fakeClock() {
      const clock = { now: 0, waits: [] as number[] };
      return {
        clock,
        io: { now: () => clock.now, sleep: async (ms: number) => void (clock.waits.push(ms), (clock.now += ms)) },
      };
    }

    it("after a refusal, spaces starts a little under the rate the service still answered", async () => {
      const { clock, io } = fakeClock();
      const limiter = new RateLimiter({ maxConcurrent: 0, maxPerSecond: 0, adaptive: true }, io);
      for (let i = 0; i < 5; i++) limiter.noteAnswered(); // 5 answers within the last second
      limiter.noteThrottled();
      expect(limiter.currentPerSecond()).toBeCloseTo(4.5);
      await Promise.all([1, 2, 3].map(() => limiter.run(async () => undefined)));
      expect(clock.waits.map((ms) => Math.round(ms))).toEqual([222, 222]);
    });

    it("one cut per burst, then steps up while nothing is refused, and forgets the cap once far above any refusal", () => {
      const { clock, io } = fakeClock();
      const limiter = new RateLimiter({ maxConcurrent: 0, maxPerSecond: 0, adaptive: true }, io);
      for (let i = 0; i < 10; i++) limiter.noteAnswered();
      limiter.noteThrottled();
      limiter.noteThrottled();
      expect(limiter.currentPerSecond()).toBeCloseTo(9);
      clock.now += 1_000;
      limiter.noteAnswered();
      expect(limiter.currentPerSecond()).toBeCloseTo(9.9);
      for (let step = 0; step < 200 && limiter.currentPerSecond() !== undefined; step++) {
        clock.now += 1_000;
        limiter.noteAnswered();
      }
      expect(limiter.currentPerSecond()).toBeUndefined();
    });

    it("a refusal with no answer in the last second starts at the floor rate; a configured cap still bounds it", () => {
      const { io } = fakeClock();
      const alone = new RateLimiter({ maxConcurrent: 0, maxPerSecond: 0, adaptive: true }, io);
      alone.noteThrottled();
      expect(alone.currentPerSecond()).toBeCloseTo(0.5);
      const capped = new RateLimiter({ maxConcurrent: 0, maxPerSecond: 2, adaptive: true }, io);
      for (let i = 0; i < 50; i++) capped.noteAnswered();
      capped.noteThrottled();
      expect(capped.currentPerSecond()).toBe(2);
    });

    it("learns nothing when adaptive is off", () => {
      const { io } = fakeClock();
      const limiter = new RateLimiter({ maxConcurrent: 0, maxPerSecond: 0, adaptive: false }, io);
      limiter.noteThrottled();
      expect(limiter.currentPerSecond()).toBeUndefined();
    });
  });
});
