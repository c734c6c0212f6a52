import { AgbClient } from "../client/AgbClient";
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

export function configureRuntime(config: { get(key: string): string | undefined }): void {
  const copied: Record<string, string | undefined> = {};
  for (const key of CONFIG_KEYS) copied[key] = config.get(key);
  // Each resource type's provider calls configure; keep one client while the config is the same.
  if (JSON.stringify(copied) === JSON.stringify(stackConfig)) return;
  stackConfig = copied;
  settings = undefined;
  client = undefined;
}

export function currentSettings(): ProviderSettings {
  settings ??= settingsFromConfig(stackConfig);
  return settings;
}

export function currentClient(): AgbClient {
  client ??= new AgbClient(currentSettings().client);
  return client;
}
