/**
 * A Session whose create went unanswered and could not be looked up in time.
 * It is kept in state under a placeholder id that carries its create token, so
 * the session the service may have made is never forgotten: refresh turns it
 * into the real session when the token finds one, the next `up` releases
 * whatever the token finds and creates the session again (a replacement,
 * delete first), and `destroy` releases whatever the token finds.
 */
export const PENDING_ID_PREFIX = "pending-create:";

export function pendingIdFor(token: string): string {
  return `${PENDING_ID_PREFIX}${token}`;
}

/** The create token a placeholder id carries; undefined for a real session id. */
export function pendingTokenOf(id: string): string | undefined {
  return id.startsWith(PENDING_ID_PREFIX) ? id.slice(PENDING_ID_PREFIX.length) : undefined;
}
