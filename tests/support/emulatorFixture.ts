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

/** A clock whose sleeps last at most 20 ms, for tests. */
export const FAST_CLOCK = {
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 20))),
};
