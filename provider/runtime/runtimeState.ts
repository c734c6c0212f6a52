import { AgbClient } from "../client/AgbClient";
import type { ClientOptionsInput } from "../client/clientOptions";
import type { StackConfig } from "../client/resolveClientOptions";
import { CONFIG_KEYS, settingsFromConfig, type ProviderSettings } from "./providerSettings";

/**
 * The provider process's shared state: one client (and so one rate limiter)
 * for every resource, built from the config that `configure` hands over. It
 * lives in the installed package, never in the serialized provider, so no
 * credential is ever captured into state.
 */
let stackConfig: StackConfig = {};
let settings: ProviderSettings | undefined;
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
  client = undefined;
}

export function currentSettings(): ProviderSettings {
  settings ??= settingsFromConfig(stackConfig);
  return settings;
}

export function currentClient(): AgbClient {
  const { client: fromConfig } = currentSettings();
  client ??= new AgbClient({
    ...fromConfig,
    ...clientOverrides,
    retry: { ...fromConfig.retry, ...clientOverrides.retry },
    rateLimit: { ...fromConfig.rateLimit, ...clientOverrides.rateLimit },
  });
  return client;
}
