import { z } from "zod";

/**
 * What a status fault answers with: an AGB envelope (the service failing), or
 * an HTML page echoing the request target (a proxy or gateway in front of it,
 * such as a 404 page for a wrong base path, which quotes the query string).
 */
const faultAnswerFields = {
  /** Envelope code of a status fault (default ServiceUnavailable). */
  code: z.string().optional(),
  /** Envelope message of a status fault (default "injected failure"). */
  message: z.string().optional(),
  /** "envelope" (default) or "html". */
  body: z.enum(["envelope", "html"]).optional(),
};

/** One scripted fault, consumed by the next matching request. */
export const scriptedFaultSchema = z.object({
  ...faultAnswerFields,
  /** API path it applies to; any API path when absent. */
  path: z.string().optional(),
  kind: z.enum(["status", "throttle", "reset", "dropAfterAct", "malformed", "delay"]),
  /** 200 too: a failure envelope or a page can come with a success status. */
  status: z.number().int().min(200).max(599).optional(),
  retryAfterSeconds: z.number().min(0).optional(),
  delayMs: z.number().min(0).optional(),
});
export type ScriptedFault = z.infer<typeof scriptedFaultSchema>;

/** Random faults, each a probability per API request, and a rate limit. */
export const faultConfigSchema = z
  .object({
    latencyMs: z.number().min(0).default(0),
    latencyJitterMs: z.number().min(0).default(0),
    spikeRate: z.number().min(0).max(1).default(0),
    spikeMs: z.number().min(0).default(0),
    errorRate: z.number().min(0).max(1).default(0),
    errorStatus: z.number().int().min(400).max(599).default(500),
    /** Envelope code, message or body of the errorRate answers (see faultAnswerFields). */
    errorCode: faultAnswerFields.code,
    errorMessage: faultAnswerFields.message,
    errorBody: faultAnswerFields.body,
    throttleRate: z.number().min(0).max(1).default(0),
    retryAfterSeconds: z.number().min(0).default(1),
    /** Connection destroyed before the request is acted on. */
    resetRate: z.number().min(0).max(1).default(0),
    /** Request acted on, then the connection destroyed: the answer is lost. */
    dropAfterActRate: z.number().min(0).max(1).default(0),
    /** Requests per second the API accepts; beyond that, 429 with Retry-After. 0: no limit. */
    rateLimitPerSecond: z.number().min(0).default(0),
    /** Limit random faults to these API paths; all when empty. */
    paths: z.array(z.string()).default([]),
    seed: z.number().int().default(1),
    script: z.array(scriptedFaultSchema).default([]),
  })
  .strict();
export type FaultConfig = z.infer<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

export interface FaultAnswer {
  code?: string;
  message?: string;
  body?: "envelope" | "html";
}

export type FaultDecision =
  | { kind: "none"; delayMs: number }
  | { kind: "status"; delayMs: number; status: number; answer: FaultAnswer }
  | { kind: "throttle"; delayMs: number; retryAfterSeconds: number }
  | { kind: "reset"; delayMs: number }
  | { kind: "dropAfterAct"; delayMs: number }
  | { kind: "malformed"; delayMs: number };

export interface FaultCounts {
  status: number;
  throttle: number;
  reset: number;
  dropAfterAct: number;
  malformed: number;
  rateLimited: number;
}

/**
 * Decides, per request, which fault (if any) the emulator injects. Random draws
 * come from a seeded generator so a fault run can be repeated exactly.
 */
export class FaultInjector {
  private config: FaultConfig = faultConfigSchema.parse({});
  private random: () => number = mulberry32(1);
  private windowStart = 0;
  private windowCount = 0;
  readonly counts: FaultCounts = { status: 0, throttle: 0, reset: 0, dropAfterAct: 0, malformed: 0, rateLimited: 0 };

  configure(input: FaultConfigInput): FaultConfig {
    this.config = faultConfigSchema.parse(input);
    this.random = mulberry32(this.config.seed);
    return this.config;
  }

  current(): FaultConfig {
    return this.config;
  }

  resetCounts(): void {
    for (const key of Object.keys(this.counts) as Array<keyof FaultCounts>) this.counts[key] = 0;
  }

  decide(path: string, now: number = Date.now()): FaultDecision {
    const scriptIndex = this.config.script.findIndex((f) => !f.path || f.path === path);
    if (scriptIndex >= 0) {
      const [fault] = this.config.script.splice(scriptIndex, 1);
      return this.fromScript(fault);
    }
    const c = this.config;
    let delayMs = c.latencyMs + (c.latencyJitterMs > 0 ? this.random() * c.latencyJitterMs : 0);
    if (c.spikeRate > 0 && this.random() < c.spikeRate) delayMs += c.spikeMs;

    if (c.rateLimitPerSecond > 0) {
      if (now - this.windowStart >= 1000) {
        this.windowStart = now;
        this.windowCount = 0;
      }
      this.windowCount++;
      if (this.windowCount > c.rateLimitPerSecond) {
        this.counts.rateLimited++;
        return { kind: "throttle", delayMs, retryAfterSeconds: Math.max(1, c.retryAfterSeconds) };
      }
    }
    if (c.paths.length > 0 && !c.paths.includes(path)) return { kind: "none", delayMs };
    const draw = this.random();
    let edge = c.errorRate;
    if (draw < edge) {
      const answer = { code: c.errorCode, message: c.errorMessage, body: c.errorBody };
      return this.count({ kind: "status", delayMs, status: c.errorStatus, answer });
    }
    edge += c.throttleRate;
    if (draw < edge) return this.count({ kind: "throttle", delayMs, retryAfterSeconds: c.retryAfterSeconds });
    edge += c.resetRate;
    if (draw < edge) return this.count({ kind: "reset", delayMs });
    edge += c.dropAfterActRate;
    if (draw < edge) return this.count({ kind: "dropAfterAct", delayMs });
    return { kind: "none", delayMs };
  }

  private fromScript(fault: ScriptedFault): FaultDecision {
    const delayMs = fault.delayMs ?? 0;
    switch (fault.kind) {
      case "status":
        return this.count({
          kind: "status",
          delayMs,
          status: fault.status ?? 500,
          answer: { code: fault.code, message: fault.message, body: fault.body },
        });
      case "throttle":
        return this.count({ kind: "throttle", delayMs, retryAfterSeconds: fault.retryAfterSeconds ?? 1 });
      case "delay":
        return { kind: "none", delayMs };
      default:
        return this.count({ kind: fault.kind, delayMs });
    }
  }

  private count<T extends FaultDecision>(decision: T): T {
    if (decision.kind !== "none") this.counts[decision.kind]++;
    return decision;
  }
}

/** A small seeded PRNG; quality is ample for fault draws. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
