export interface IgnoreRules {
  keys: readonly string[];
  prefixes: readonly string[];
}

export const NO_IGNORE_RULES: IgnoreRules = { keys: [], prefixes: [] };

/**
 * Keys the provider itself writes on every session it creates: the marker that
 * lets an interrupted create be found again. They are never drift.
 */
export const CREATE_TOKEN_LABEL = "pulumi-agb-create-token";

/** True for labels owned by someone else: never drift, kept on update. */
export function isIgnoredKey(key: string, rules: IgnoreRules): boolean {
  return key === CREATE_TOKEN_LABEL || rules.keys.includes(key) || rules.prefixes.some((p) => key.startsWith(p));
}
