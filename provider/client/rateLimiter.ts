import { SYSTEM_CLOCK, type Clock } from "./clock";

export interface RateLimitOptions {
  /** Requests in flight at once; 0 or less means no cap. */
  maxConcurrent: number;
  /** Requests started per second; 0 or less means no cap. */
  maxPerSecond: number;
  /**
   * Learn the service's rate from its 429s: after one, starts are spaced at a
   * little under the rate the service was still answering, then speed up step
   * by step while it stops refusing (the refused request itself waits out its
   * Retry-After in the retry loop). Without it, dozens of concurrent requests keep hitting
   * the limit and each spends its few attempts being refused.
   */
  adaptive: boolean;
}

/** How a refused rate is cut and a quiet one raised, and how long each step waits. */
const ADAPTIVE = {
  /** Share of the answered rate kept after a refusal. */
  cutTo: 0.9,
  /** A step up each quiet interval: this share of the rate, at least minRaisePerSecond. */
  raiseBy: 0.1,
  minRaisePerSecond: 0.2,
  intervalMs: 1_000,
  minPerSecond: 0.5,
  /** Above this the learned cap is dropped: the service has stopped refusing. */
  forgetAbovePerSecond: 1_000,
} as const;

/**
 * A per-process gate on the requests this provider sends: a counting semaphore
 * for concurrency and evenly spaced start slots for the rate, so a stack of
 * hundreds of sessions does not provoke the service's throttling, and adapts to
 * it when it does (see `adaptive`).
 */
export class RateLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private nextSlotAt = 0;
  /** Requests per second learned from refusals; undefined while none came. */
  private learnedPerSecond: number | undefined;
  private learnedAt = 0;
  /** When recent answers that were not refusals came, for the rate the service still takes. */
  private readonly answeredAt: number[] = [];

  constructor(
    private readonly options: Pick<RateLimitOptions, "maxConcurrent" | "maxPerSecond"> & Partial<Pick<RateLimitOptions, "adaptive">>,
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

  /** The service answered (anything but a refusal for rate). */
  noteAnswered(): void {
    if (!this.options.adaptive) return;
    const now = this.clock.now();
    this.answeredAt.push(now);
    this.forgetAnswersBefore(now - ADAPTIVE.intervalMs);
    if (this.learnedPerSecond === undefined || now - this.learnedAt < ADAPTIVE.intervalMs) return;
    const raised = this.learnedPerSecond + Math.max(ADAPTIVE.minRaisePerSecond, this.learnedPerSecond * ADAPTIVE.raiseBy);
    this.learnedPerSecond = raised > ADAPTIVE.forgetAbovePerSecond ? undefined : raised;
    this.learnedAt = now;
  }

  /** The service refused a request for rate (HTTP 429). */
  noteThrottled(): void {
    if (!this.options.adaptive) return;
    const now = this.clock.now();
    // One cut per interval: the refusals of one burst describe one rate.
    if (this.learnedPerSecond !== undefined && now - this.learnedAt < ADAPTIVE.intervalMs) return;
    this.forgetAnswersBefore(now - ADAPTIVE.intervalMs);
    const answered = this.answeredAt.length * (1_000 / ADAPTIVE.intervalMs);
    const ceiling = Math.min(this.learnedPerSecond ?? Number.POSITIVE_INFINITY, Math.max(answered, ADAPTIVE.minPerSecond));
    this.learnedPerSecond = Math.max(ADAPTIVE.minPerSecond, ceiling * ADAPTIVE.cutTo);
    this.learnedAt = now;
  }

  /** The start rate in force: the configured cap, or the learned one when lower. */
  currentPerSecond(): number | undefined {
    const configured = this.options.maxPerSecond > 0 ? this.options.maxPerSecond : undefined;
    if (this.learnedPerSecond === undefined) return configured;
    return configured === undefined ? this.learnedPerSecond : Math.min(configured, this.learnedPerSecond);
  }

  private forgetAnswersBefore(cutoff: number): void {
    while (this.answeredAt.length > 0 && this.answeredAt[0] < cutoff) this.answeredAt.shift();
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
    const perSecond = this.currentPerSecond();
    const now = this.clock.now();
    if (perSecond === undefined) return;
    const slot = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = slot + 1000 / perSecond;
    if (slot > now) await this.clock.sleep(slot - now);
  }
}
