/**
 * A Session whose create went unanswered and could not be looked up in time.
 * It is kept in state under a placeholder id that carries its create token, so
 * the session the service may have made is never forgotten: refresh turns it
 * into the real session when the token finds one, the next `up` releases
 * whatever the token finds and creates the session again (a replacement,
 * delete first), and `destroy` releases whatever the token finds.
 */
import type { AgbCreateOutcomeUnknownError } from "../client/errors";
import { CREATE_TOKEN_LABEL } from "../labels/ignoreRules";
import type { LabelMap } from "../labels/labelMapSchema";
import { SessionInitError } from "./providerError";
import { checkedInputsOf, withoutUndefined, type SessionCheckedInputs } from "./sessionState";

export const PENDING_ID_PREFIX = "pending-create:";

export function pendingIdFor(token: string): string {
  return `${PENDING_ID_PREFIX}${token}`;
}

/** The create token a placeholder id carries; undefined for a real session id. */
export function pendingTokenOf(id: string): string | undefined {
  return id.startsWith(PENDING_ID_PREFIX) ? id.slice(PENDING_ID_PREFIX.length) : undefined;
}

/**
 * A create whose outcome stayed unknown: the resource is kept under a
 * placeholder id (see pendingCreate.ts) so the session it may have made is
 * found or released later, never forgotten.
 */
export function pendingCreateError(
  inputs: Record<string, unknown>,
  checked: SessionCheckedInputs,
  desired: LabelMap,
  error: AgbCreateOutcomeUnknownError,
): SessionInitError {
  const id = pendingIdFor(error.token);
  const properties = withoutUndefined({
    __provider: inputs.__provider,
    createToken: error.token,
    ...checkedInputsOf(checked),
    effectiveLabels: { ...desired, [CREATE_TOKEN_LABEL]: error.token },
    status: "UNKNOWN",
    adopted: false,
  });
  return new SessionInitError(
    id,
    properties,
    "sessionId",
    error,
    `${error.message}. The stack keeps it as ${id}: \`pulumi refresh\` adopts the session if the token finds one, ` +
      "and the next `pulumi up` releases whatever the token finds and creates the session again, so none is left behind",
  );
}
