import { z } from "zod";
import { STACK_CONFIG_KEYS } from "../config/stackConfigSchema";
import { AgbValidationError } from "../client/errors";
import { resolveClientOptions, type StackConfig } from "../client/resolveClientOptions";
import type { ClientOptionsInput } from "../client/clientOptions";
import { NO_IGNORE_RULES, type IgnoreRules } from "../labels/ignoreRules";
import { labelMapSchema, type LabelMap } from "../labels/labelMapSchema";
import { labelPolicySchema, type LabelPolicy } from "../labels/labelPolicy";

/** Everything the provider reads from stack config (or the environment) at run time. */
export interface ProviderSettings {
  client: ClientOptionsInput;
  defaultLabels: LabelMap;
  ignore: IgnoreRules;
  policy?: LabelPolicy;
}

/** The config keys the provider understands; `configure` copies only these. */
export const CONFIG_KEYS = STACK_CONFIG_KEYS;

const stringList = z.array(z.string().min(1, "an entry may not be empty"));

export function settingsFromConfig(config: StackConfig, env: NodeJS.ProcessEnv = process.env): ProviderSettings {
  return {
    client: resolveClientOptions({}, config, env),
    defaultLabels: parseJsonConfig(config, "agb:defaultLabels", labelMapSchema) ?? {},
    ignore: ignoreRulesFromConfig(config),
    policy: parseJsonConfig(config, "agb:labelPolicy", labelPolicySchema),
  };
}

/**
 * Only what reading and releasing sessions need (refresh, destroy, update's
 * label read), so a malformed `agb:defaultLabels` or `agb:labelPolicy`, which
 * only check uses, never blocks them.
 */
export function ignoreRulesFromConfig(config: StackConfig): IgnoreRules {
  return {
    keys: parseJsonConfig(config, "agb:ignoreLabelKeys", stringList) ?? NO_IGNORE_RULES.keys,
    prefixes: parseJsonConfig(config, "agb:ignoreLabelPrefixes", stringList) ?? NO_IGNORE_RULES.prefixes,
  };
}

function parseJsonConfig<S extends z.ZodTypeAny>(config: StackConfig, key: string, schema: S): z.infer<S> | undefined {
  const raw = config[key];
  if (raw === undefined || raw.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new AgbValidationError(key, "is not valid JSON");
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const reasons = result.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message,
    );
    throw new AgbValidationError(key, reasons.join("; "));
  }
  return result.data;
}
