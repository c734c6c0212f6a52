import { setTimeout as sleep } from "node:timers/promises";

/**
 * Time, waiting and chance, in one place: the client reads them only through
 * this, so tests inject a clock that does not really wait and draws that are
 * not random.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A uniform draw in [0, 1), for jitter. */
  random(): number;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: async (ms) => {
    await sleep(ms);
  },
  random: () => Math.random(),
};
