import * as pulumi from "@pulumi/pulumi";
import { AgbClient } from "./client/AgbClient";
import type { ClientOptionsInput } from "./client/clientOptions";
import { resolveClientOptions } from "./client/resolveClientOptions";
import { STACK_CONFIG_KEYS } from "./config/stackConfigSchema";

/**
 * A client for use inside a Pulumi program (queries), configured like the
 * provider: explicit options, then stack config `agb:*`, then `AGB_*` env.
 * Raw config is read so that a secret API key is used without being logged.
 */
export function programClient(options: ClientOptionsInput = {}): AgbClient {
  const config: Record<string, string | undefined> = {};
  for (const key of STACK_CONFIG_KEYS) config[key] = pulumi.runtime.getConfig(key);
  return new AgbClient(resolveClientOptions(options, config));
}
