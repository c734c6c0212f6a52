import { isAgbError } from "../client/errors";

/**
 * An error from a provider method, naming the input property it concerns. The
 * engine adds the resource's URN; the AGB error inside already names the
 * operation, HTTP status, API code and request id, and is kept as `cause`.
 */
export class ProviderError extends Error {
  override name = "ProviderError";
  constructor(
    readonly property: string,
    summary: string,
    cause?: unknown,
  ) {
    super(`${property}: ${summary}`, cause === undefined ? undefined : { cause });
  }

  static wrap(property: string, error: unknown, context?: string): ProviderError {
    if (error instanceof ProviderError) return error;
    const detail = isAgbError(error) || error instanceof Error ? error.message : String(error);
    return new ProviderError(property, context ? `${context}: ${detail}` : detail, error);
  }
}

/**
 * A create that made a session and then failed: carrying `id` makes the engine
 * keep the session in state (with init errors) instead of forgetting it.
 */
export class SessionInitError extends ProviderError {
  override name = "SessionInitError";
  constructor(
    readonly id: string,
    readonly properties: Record<string, unknown>,
    property: string,
    cause: unknown,
  ) {
    super(property, `session ${id} was created but could not be completed: ${String((cause as Error)?.message ?? cause)}`, cause);
  }
  get reasons(): string[] {
    return [this.message];
  }
}
