import { randomUUID } from "node:crypto";
import type { AgbClient, CreatedSession, CreateSessionRequest } from "../client/AgbClient";
import { DEFAULT_CLIENT_OPTIONS } from "../client/clientOptions";
import { AgbApiError, AgbNetworkError, AgbResponseShapeError } from "../client/errors";
import { CREATE_TOKEN_LABEL } from "../labels/ignoreRules";

/** How many times a create whose answer was lost is looked up and tried again: the same budget as any call. */
export const MAX_AMBIGUOUS_CREATE_ATTEMPTS = DEFAULT_CLIENT_OPTIONS.retry.maxAttempts;

export interface CreateOutcome {
  session: CreatedSession;
  token: string;
  /** Creates whose answers were lost and whose sessions were found again by their token. */
  recovered: number;
  attempts: number;
}

/**
 * Creates exactly one session, even when answers are lost. Each create carries
 * a unique token label; when the outcome of a create is unknown (connection
 * reset after sending, timeout, 5xx, garbled answer), the token is looked up
 * with ListSession before anything is tried again, so a session the service did
 * make is adopted rather than duplicated or orphaned.
 */
export async function createSessionOnce(
  client: AgbClient,
  request: CreateSessionRequest,
  token: string = randomUUID(),
): Promise<CreateOutcome> {
  const labels = { ...(request.labels ?? {}), [CREATE_TOKEN_LABEL]: token };
  let recovered = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const session = await client.createSession({ ...request, labels });
      return { session, token, recovered, attempts: attempt };
    } catch (error) {
      if (!isAmbiguous(error)) throw error;
      const found = await client.listSessions({ [CREATE_TOKEN_LABEL]: token });
      if (found.length > 0) {
        const [keep, ...duplicates] = found;
        for (const extra of duplicates) await client.releaseSessionAsync(extra.sessionId);
        const details = await client.getSession(keep.sessionId);
        recovered++;
        return { session: { ...details }, token, recovered, attempts: attempt };
      }
      if (attempt >= MAX_AMBIGUOUS_CREATE_ATTEMPTS) throw error;
    }
  }
}

/** True when the service may have created the session although we got no answer. */
export function isAmbiguous(error: unknown): boolean {
  if (error instanceof AgbNetworkError) return !error.notSent;
  if (error instanceof AgbResponseShapeError) return true;
  if (error instanceof AgbApiError) return error.status !== undefined && error.status >= 500;
  return false;
}
