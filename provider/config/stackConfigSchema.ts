import { z } from "zod";

/**
 * Every stack config key the package reads, with what it means: the one list
 * both the provider (through `configure`) and a program's queries read, so
 * the two cannot disagree. Values arrive as strings; JSON values are parsed
 * where they are used. Each key also falls back to the environment where the
 * table in the README says so (AGB_API_KEY, AGB_ENDPOINT, AGB_TIMEOUT_MS).
 */
export const stackConfigSchema = z.object({
  "agb:apiKey": z.string().optional().describe("API key, sent as `authorization: Bearer ...`; set it with --secret. Env: AGB_API_KEY"),
  "agb:endpoint": z.string().optional().describe("API base URL; https:// is added when no scheme is given. Env: AGB_ENDPOINT"),
  "agb:timeoutMs": z.string().optional().describe("Per-request timeout in milliseconds (default 60000). Env: AGB_TIMEOUT_MS"),
  "agb:maxConcurrentRequests": z.string().optional().describe("Requests in flight at once, per provider process (default 32)"),
  "agb:maxRequestsPerSecond": z.string().optional().describe("Request starts per second, per provider process (default 0: no cap)"),
  "agb:defaultLabels": z.string().optional().describe('JSON object: labels for every Session of the stack, e.g. {"team":"payments"}'),
  "agb:ignoreLabelKeys": z.string().optional().describe('JSON array: label keys other systems own, never drift, kept on update'),
  "agb:ignoreLabelPrefixes": z.string().optional().describe('JSON array: label key prefixes other systems own, e.g. ["agent/"]'),
  "agb:labelPolicy": z.string().optional().describe("JSON object: label rules enforced in check (requiredKeys, allowedValues, keyPattern, maxLabels, ...)"),
});

export type StackConfigKey = keyof typeof stackConfigSchema.shape;

export const STACK_CONFIG_KEYS = Object.keys(stackConfigSchema.shape) as StackConfigKey[];
