import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator/startEmulator";

/**
 * An emulator on an ephemeral loopback port for one test suite: started in
 * beforeAll, reset before each test (sessions, call counts and faults back to
 * the suite's options), closed after the suite.
 */
export function useEmulator(options: EmulatorOptions = {}): { current: RunningEmulator } {
  const holder = {} as { current: RunningEmulator };
  beforeAll(async () => {
    holder.current = await startEmulator(options);
  });
  beforeEach(async () => {
    const response = await fetch(`${holder.current.url}/_emulator/reset?what=all`, { method: "POST" });
    if (!response.ok) throw new Error(`emulator reset failed: HTTP ${response.status}`);
    holder.current.faults.configure(options.faults ?? {});
  });
  afterAll(async () => {
    await holder.current?.close();
  });
  return holder;
}

/** Retry options for tests: real backoff logic, near-zero delays. */
export const FAST_RETRY = {
  baseDelayMs: 1,
  maxDelayMs: 5,
  maxRetryAfterMs: 20,
};

/**
 * An injected clock for tests: a sleep moves the clock's own time on by its
 * delay and resolves on the next turn of the event loop, without waiting, and
 * every delay asked for is kept in `sleeps`.
 */
export function virtualClock(start = 1_700_000_000_000): { now(): number; sleep(ms: number): Promise<void>; sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

/** A clock whose sleeps do not wait, for tests that do not look at the delays. */
export const FAST_CLOCK = virtualClock();
