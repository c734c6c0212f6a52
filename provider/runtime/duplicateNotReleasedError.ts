import { CREATE_TOKEN_LABEL } from "../labels/ignoreRules";
import type { UnreleasedDuplicate } from "./createSessionOnce";
import { SessionInitError } from "./providerError";

/**
 * A create that kept its session but could not release a duplicate the
 * service made for the same create. Carrying the kept id makes the engine
 * record that session in state (with an init error) rather than lose it; the
 * message names each duplicate, its create token and how to release it, since
 * nothing in state holds the duplicate.
 */
export function duplicateNotReleasedError(
  inputs: Record<string, unknown>,
  keptId: string,
  token: string,
  duplicates: readonly UnreleasedDuplicate[],
  state: Record<string, unknown>,
): SessionInitError {
  const ids = duplicates.map((d) => d.sessionId);
  const reasons = duplicates.map((d) => `${d.sessionId}: ${d.error instanceof Error ? d.error.message : String(d.error)}`);
  return new SessionInitError(
    keptId,
    { __provider: inputs.__provider, ...state },
    "sessionId",
    duplicates[0].error,
    `session ${keptId} was created and is kept in state, but the service made ${ids.length === 1 ? "a duplicate" : "duplicates"} ` +
      `for the same create that could not be released: ${ids.join(", ")} (label ${CREATE_TOKEN_LABEL}=${token}). ` +
      `${ids.length === 1 ? "It is" : "They are"} not in state: release ${ids.length === 1 ? "it" : "them"} yourself ` +
      `(AgbClient.releaseSessionAsync, or the AGB console). Release failed: ${reasons.join("; ")}`,
  );
}
