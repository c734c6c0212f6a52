#!/usr/bin/env node
/**
 * agb-emulator: a local AGB session API for tests and demos.
 *   npx agb-emulator --port 0 [--api-key KEY] [--state-file F] [--time-scale N] [fault flags]
 * Prints "agb-emulator listening on http://127.0.0.1:PORT" once it listens.
 */
import { parseArgs } from "node:util";
import { RELEASE_ANSWER_SHAPES, type ReleaseAnswerShape } from "../wire/releaseAnswer";
import type { FaultConfigInput } from "./faults";
import { parseLabelLimits, type LabelLimits } from "./labelLimits";
import { MISSING_SESSION_ANSWERS, type MissingSessionAnswer } from "./missingSessionAnswer";
import { startEmulator } from "./startEmulator";

const USAGE = `usage: agb-emulator [options]
  --port N                 port to listen on (0 picks a free one; default 0)
  --host H                 address to bind (default 127.0.0.1)
  --api-key KEY            require "authorization: Bearer KEY" on API calls (also AGB_EMULATOR_API_KEY)
  --state-file F           keep sessions in F across restarts
  --time-scale N           emulated seconds per real second (default 1)
  --idle-timeout S         default idle release, seconds (default 300)
  --max-lifetime S         maximum session lifetime, seconds (default 1800)
  --label-semantics M      SetLabel "replace" (default) or "merge" the label set
  --empty-labels M         SetLabel with {} "accept" (default) or "reject"
  --label-limits L         refuse labels beyond limits, e.g. labels=20,key=128,value=128 (default: none,
                           as no AGB limit is known)
  --released-status S      a released session reports DELETING, then "FINISH" (default) or "DELETED"
  --deleting-seconds S     how long a released session reports DELETING (default 2)
  --idle-reset M           what resets the idle timer: "keepalive" (default; refreshSessionIdleTime only,
                           as the SDKs' integration tests show) or "any" call about the session
  --release-answer SHAPE   releaseSessionAsync answers "lower" (default), "pascal", "body-lower" or
                           "body-pascal" (every shape the SDKs read)
  --missing-session-answer SHAPE
                           a call about an unknown session answers "code" (default: HTTP 400,
                           InvalidMcpSession.NotFound), "ok-status" (HTTP 200, success false, that code),
                           "http-404" (HTTP 404, that code) or "message" (HTTP 400, no code, a
                           "session ... not found" message)
  --abandon-on-disconnect  drop a request whose client hung up before it was carried out (default: carry
                           it out, as a real service does)
  --latency MS             added to every API call
  --latency-jitter MS      random extra latency, up to MS
  --spike-rate P --spike-ms MS   latency spikes
  --error-rate P           fraction of calls answered with --error-status (default 500)
  --throttle-rate P        fraction answered 429 with Retry-After (--retry-after S, default 1)
  --reset-rate P           fraction whose connection is dropped before acting
  --drop-after-act-rate P  fraction acted on, then the connection dropped
  --rate-limit N           requests per second before 429s (0: none)
  --seed N                 seed of the fault draws (default 1)
  --help`;

const numeric = [
  "port", "time-scale", "idle-timeout", "max-lifetime", "latency", "latency-jitter", "spike-rate", "spike-ms",
  "error-rate", "error-status", "throttle-rate", "retry-after", "reset-rate", "drop-after-act-rate", "rate-limit", "seed",
  "deleting-seconds",
] as const;

/** A flag that takes one of a few words. */
function choice<T extends string>(values: Record<string, unknown>, name: string, allowed: readonly T[], fallback: T): T {
  const raw = values[name] ?? fallback;
  if (typeof raw !== "string" || !(allowed as readonly string[]).includes(raw)) {
    fail(`--${name} is ${allowed.map((a) => `"${a}"`).join(" or ")}`);
  }
  return raw as T;
}

function fail(message: string): never {
  process.stderr.write(`agb-emulator: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        ...Object.fromEntries(numeric.map((name) => [name, { type: "string" as const }])),
        host: { type: "string" },
        "api-key": { type: "string" },
        "state-file": { type: "string" },
        "label-semantics": { type: "string" },
        "empty-labels": { type: "string" },
        "label-limits": { type: "string" },
        "released-status": { type: "string" },
        "idle-reset": { type: "string" },
        "release-answer": { type: "string" },
        "missing-session-answer": { type: "string" },
        "abandon-on-disconnect": { type: "boolean" },
        help: { type: "boolean" },
      },
      strict: true,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const num = (name: (typeof numeric)[number]): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(n)) fail(`--${name} needs a number, got ${String(raw)}`);
    return n;
  };
  const semantics = choice(values, "label-semantics", ["replace", "merge"] as const, "replace");
  const empty = choice(values, "empty-labels", ["accept", "reject"] as const, "accept");
  const releasedStatus = choice(values, "released-status", ["FINISH", "DELETED"] as const, "FINISH");
  const idleReset = choice(values, "idle-reset", ["keepalive", "any"] as const, "keepalive");
  const releaseAnswer = choice<ReleaseAnswerShape>(values, "release-answer", RELEASE_ANSWER_SHAPES, "lower");
  const missingSessionAnswer = choice<MissingSessionAnswer>(values, "missing-session-answer", MISSING_SESSION_ANSWERS, "code");
  let labelLimits: LabelLimits = {};
  if (typeof values["label-limits"] === "string") {
    try {
      labelLimits = parseLabelLimits(values["label-limits"]);
    } catch (error) {
      fail(`--label-limits: ${(error as Error).message}`);
    }
  }

  const faults: FaultConfigInput = {
    latencyMs: num("latency"),
    latencyJitterMs: num("latency-jitter"),
    spikeRate: num("spike-rate"),
    spikeMs: num("spike-ms"),
    errorRate: num("error-rate"),
    errorStatus: num("error-status"),
    throttleRate: num("throttle-rate"),
    retryAfterSeconds: num("retry-after"),
    resetRate: num("reset-rate"),
    dropAfterActRate: num("drop-after-act-rate"),
    rateLimitPerSecond: num("rate-limit"),
    seed: num("seed"),
  };
  let emulator;
  try {
    emulator = await startEmulator({
      host: values.host as string | undefined,
      port: num("port") ?? 0,
      apiKey: (values["api-key"] as string | undefined) ?? process.env.AGB_EMULATOR_API_KEY,
      stateFile: values["state-file"] as string | undefined,
      timeScale: num("time-scale"),
      defaultIdleSeconds: num("idle-timeout"),
      maxLifetimeSeconds: num("max-lifetime"),
      labelSemantics: semantics,
      emptyLabels: empty,
      releasedStatus,
      deletingSeconds: num("deleting-seconds"),
      idleReset,
      releaseAnswer,
      missingSessionAnswer,
      labelLimits,
      abandonOnDisconnect: values["abandon-on-disconnect"] === true,
      faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
    });
  } catch (error) {
    fail((error as Error).message);
  }
  process.stdout.write(`agb-emulator listening on ${emulator.url}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`agb-emulator: ${signal}, shutting down\n`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

void main();
