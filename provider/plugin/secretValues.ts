/**
 * The engine's secret wrapper as a plugin receives it. The Node.js provider
 * server answers `acceptSecrets: true`, so secret inputs arrive wrapped and the
 * engine no longer copies secretness onto outputs: the plugin unwraps before
 * the runtime sees a value and wraps again whatever was derived from a secret.
 */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export interface SecretWrapper {
  [SECRET_SIG_KEY]: typeof SECRET_SIG_VALUE;
  value: unknown;
}

export function isSecretWrapper(value: unknown): value is SecretWrapper {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE;
}

export function secret(value: unknown): SecretWrapper {
  return { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value };
}

/** A value with every wrapper removed, and whether any was found in it. */
export function revealed(value: unknown): { value: unknown; secret: boolean } {
  if (isSecretWrapper(value)) return { value: revealed(value.value).value, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(revealed);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, revealed(v)] as const);
    return { value: Object.fromEntries(entries.map(([k, r]) => [k, r.value])), secret: entries.some(([, r]) => r.secret) };
  }
  return { value, secret: false };
}
