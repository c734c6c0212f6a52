/**
 * Defines `names` on a module's exports as getters that load `load()` on first
 * use. A program that only declares resources then never loads the HTTP
 * client, axios or zod: those load in the provider process, or when the
 * program first uses a query or the client.
 */
export function lazyLoad(target: object, names: readonly string[], load: () => Record<string, unknown>): void {
  for (const name of names) {
    Object.defineProperty(target, name, { enumerable: true, configurable: true, get: () => load()[name] });
  }
}
