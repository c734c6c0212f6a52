import { revealed } from "./secretValues";

/**
 * The provider config keys (`agb:<key>`) that were secret where they entered:
 * `Configure`'s `args` carry the engine's wrappers (its `variables` do not).
 * A value the runtime copies from such a key into a resource's inputs (the
 * `agb:defaultLabels` a session records) is wrapped there, so it stays secret
 * in state and in every output derived from it.
 */
export function secretConfigKeys(args: Record<string, unknown> | undefined): Set<string> {
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(args ?? {})) if (revealed(value).secret) keys.add(`agb:${key}`);
  return keys;
}

let current: ReadonlySet<string> = new Set();

/** Set by `Configure`; read when a session's inputs are checked. */
export function configureSecretConfig(keys: ReadonlySet<string>): void {
  current = keys;
}

export function isSecretConfig(key: string): boolean {
  return current.has(key);
}
