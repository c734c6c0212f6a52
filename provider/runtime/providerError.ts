import { AgbApiError, AgbAuthError, AgbEndpointError, isAgbError } from "../client/errors";

/**
 * The resource property an API parameter came from, so that a refusal naming
 * the parameter (`InvalidParameter.Labels`) points the user at what to edit.
 */
const PROPERTY_BY_API_PARAMETER: Readonly<Record<string, string>> = {
  labels: "labels",
  imageid: "imageId",
  timeout: "idleReleaseTimeout",
  mcppolicyid: "policyId",
  sessionid: "sessionId",
};

/** Where the credentials come from: what a refused key should point at, whatever the call was. */
export const API_KEY_PROPERTY = "agb:apiKey";
/** Where the base URL comes from: what a 404 for the operation's path should point at. */
export const ENDPOINT_PROPERTY = "agb:endpoint";

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

  /**
   * Wraps a failure under `property`, unless the service's answer names a
   * better culprit: a refused key is the provider configuration's fault, and a
   * refused parameter is the property it was sent from.
   */
  static wrap(property: string, error: unknown, context?: string): ProviderError {
    if (error instanceof ProviderError) return error;
    const detail = isAgbError(error) || error instanceof Error ? error.message : String(error);
    if (error instanceof AgbAuthError) {
      return new ProviderError(
        API_KEY_PROPERTY,
        `AGB refused the API key; set it with \`pulumi config set --secret agb:apiKey\` or AGB_API_KEY ` +
          `(the provider configuration, not this resource's inputs): ${detail}`,
        error,
      );
    }
    if (error instanceof AgbEndpointError) {
      return new ProviderError(
        ENDPOINT_PROPERTY,
        `AGB has no such operation at ${error.endpoint ?? "the endpoint"} (HTTP 404 for the path): check agb:endpoint or ` +
          `AGB_ENDPOINT, its base path above all; this step changed nothing: ${context ? `${context}: ` : ""}${detail}`,
        error,
      );
    }
    const named = error instanceof AgbApiError ? propertyOfCode(error.code) : undefined;
    return new ProviderError(named ?? property, context ? `${context}: ${detail}` : detail, error);
  }
}

function propertyOfCode(code: string | undefined): string | undefined {
  const match = /^InvalidParameter\.(\w+)$/i.exec(code ?? "");
  return match ? PROPERTY_BY_API_PARAMETER[match[1].toLowerCase()] : undefined;
}

/**
 * A create that may have made a session and then failed: carrying `id` makes
 * the engine keep the resource in state (with init errors) instead of
 * forgetting a session that exists. `properties` become its outputs, so they
 * carry the serialized provider the engine needs for every later call.
 */
export class SessionInitError extends ProviderError {
  override name = "SessionInitError";
  constructor(
    readonly id: string,
    readonly properties: Record<string, unknown>,
    property: string,
    cause: unknown,
    summary = `session ${id} was created but could not be completed: ${String((cause as Error)?.message ?? cause)}`,
  ) {
    super(property, summary, cause);
  }
  get reasons(): string[] {
    return [this.message];
  }
}
