import { AgbValidationError } from "./errors";
import type { ClientOptionsInput } from "./clientOptions";

/** Stack config as the engine hands it to a dynamic provider: namespaced keys. */
export type StackConfig = Readonly<Record<string, string | undefined>>;

/**
 * Resolves connection settings by precedence: explicit option, then Pulumi
 * stack config (`agb:*`), then the environment (`AGB_*`), then the defaults.
 */
export function resolveClientOptions(
  explicit: ClientOptionsInput = {},
  config: StackConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): ClientOptionsInput {
  const timeoutText = config["agb:timeoutMs"] ?? env.AGB_TIMEOUT_MS;
  return {
    ...explicit,
    endpoint: explicit.endpoint ?? nonEmpty(config["agb:endpoint"]) ?? nonEmpty(env.AGB_ENDPOINT),
    apiKey: explicit.apiKey ?? nonEmpty(config["agb:apiKey"]) ?? nonEmpty(env.AGB_API_KEY),
    timeoutMs: explicit.timeoutMs ?? positiveInt(timeoutText, "AGB_TIMEOUT_MS"),
    rateLimit: {
      maxConcurrent: positiveInt(config["agb:maxConcurrentRequests"], "agb:maxConcurrentRequests"),
      maxPerSecond: positiveInt(config["agb:maxRequestsPerSecond"], "agb:maxRequestsPerSecond"),
      ...explicit.rateLimit,
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new AgbValidationError(name, `must be a whole number of 0 or more, got ${JSON.stringify(value)}`);
  }
  return parsed;
}
