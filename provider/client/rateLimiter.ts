import { SYSTEM_CLOCK, type Clock } from "./clock";

export interface RateLimitOptions {
  /** Requests in flight at once; 0 or less means no cap. */
  maxConcurrent: number;
  /** Requests started per second; 0 or less means no cap. */
  maxPerSecond: number;
}

/**
 * A per-process gate on the requests this provider sends: a counting semaphore
 * for concurrency and evenly spaced start slots for the rate, so a stack of
 * hundreds of sessions does not provoke the service's throttling.
 */

export class RateLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private nextSlotAt = 0;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: Pick<Clock, "now" | "sleep"> = SYSTEM_CLOCK,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      await this.waitForRateSlot();
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.options.maxConcurrent <= 0 || this.active < this.options.maxConcurrent) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  private async waitForRateSlot(): Promise<void> {
    if (this.options.maxPerSecond <= 0) return;
    const interval = 1000 / this.options.maxPerSecond;
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = slot + interval;
    if (slot > now) await this.clock.sleep(slot - now);
  }
}
