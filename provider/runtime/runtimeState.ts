import { AgbClient } from "../client/AgbClient";
import type { ClientOptionsInput } from "../client/clientOptions";
import type { StackConfig } from "../client/resolveClientOptions";
import { resolveClientOptions } from "../client/resolveClientOptions";
import type { IgnoreRules } from "../labels/ignoreRules";
import { CONFIG_KEYS, ignoreRulesFromConfig, settingsFromConfig, type ProviderSettings } from "./providerSettings";

/**
 * The provider process's shared state: one client (and so one rate limiter)
 * for every resource, built from the config that `configure` hands over. It
 * lives in the installed package, never in the serialized provider, so no
 * credential is ever captured into state.
 */
let stackConfig: StackConfig = {};
let settings: ProviderSettings | undefined;
let ignoreRules: IgnoreRules | undefined;
let client: AgbClient | undefined;
/** One object for "no overrides", so that configure calls without any compare equal and keep the client. */
const NO_OVERRIDES: ClientOptionsInput = {};
let clientOverrides: ClientOptionsInput = NO_OVERRIDES;

/**
 * Takes the stack config, as `configure` hands it over. `overrides` are client
 * options over those the config gives (for tests that run the provider in
 * process: a clock that does not really wait, say); the engine never passes any.
 */
export function configureRuntime(config: { get(key: string): string | undefined }, overrides: ClientOptionsInput = NO_OVERRIDES): void {
  const copied: Record<string, string | undefined> = {};
  for (const key of CONFIG_KEYS) copied[key] = config.get(key);
  // Each resource type's provider calls configure; keep one client while the config is the same.
  if (JSON.stringify(copied) === JSON.stringify(stackConfig) && overrides === clientOverrides) return;
  stackConfig = copied;
  clientOverrides = overrides;
  settings = undefined;
  ignoreRules = undefined;
  client = undefined;
}

/** Every setting, label defaults and policy included: for check only. */
export function currentSettings(): ProviderSettings {
  settings ??= settingsFromConfig(stackConfig);
  return settings;
}

/** The label keys others own; all that refresh and update need besides the client. */
export function currentIgnoreRules(): IgnoreRules {
  ignoreRules ??= ignoreRulesFromConfig(stackConfig);
  return ignoreRules;
}

/** The client, built from the connection settings alone (a malformed label setting never blocks it). */
export function currentClient(): AgbClient {
  const fromConfig = resolveClientOptions({}, stackConfig);
  client ??= new AgbClient({
    ...fromConfig,
    ...clientOverrides,
    retry: { ...fromConfig.retry, ...clientOverrides.retry },
    rateLimit: { ...fromConfig.rateLimit, ...clientOverrides.rateLimit },
  });
  return client;
}
