import { randomUUID } from "node:crypto";
import { isReleasedStatus } from "../../wire/sessionStatus";
import type { AgbClient, CreatedSession, CreateSessionRequest, SessionSummary } from "../client/AgbClient";
import { AgbCreateOutcomeUnknownError } from "../client/errors";
import { classifyError, isRetryable } from "../client/retry/classifyError";
import { computeDelay } from "../client/retry/computeDelay";
import { CREATE_TOKEN_LABEL } from "../labels/ignoreRules";

export interface CreateOutcome {
  session: CreatedSession;
  token: string;
  /** Creates whose answers were lost and whose sessions were found again by their token. */
  recovered: number;
  /** Create calls made. */
  attempts: number;
  /**
   * Duplicates the token found (a create the service carried out twice) whose
   * release failed: they still run, and the caller must say so, naming them.
   */
  unreleasedDuplicates: UnreleasedDuplicate[];
}

export interface UnreleasedDuplicate {
  sessionId: string;
  error: unknown;
}

/**
 * Creates exactly one session, even when answers are lost. Each create carries
 * a unique token label. When a create is ambiguous (no answer, yet the service
 * may have acted), the token is looked up with ListSession after the same
 * backoff as any retry, which also gives a service that lists new sessions
 * late time to show them; a session found is kept rather than made again.
 * A lookup that fails is repeated within the same budget of rounds. If the
 * outcome is still unknown when the budget is spent, the error says so and
 * names the token, so the caller can keep it and look again later.
 */
export async function createSessionOnce(
  client: AgbClient,
  request: CreateSessionRequest,
  token: string = randomUUID(),
): Promise<CreateOutcome> {
  const labels = { ...(request.labels ?? {}), [CREATE_TOKEN_LABEL]: token };
  const { retry, clock } = client.options;
  const started = clock.now();
  let attempts = 0;
  /** Why the outcome is open: the last unanswered create, or the last failed lookup after one. */
  let ambiguous: unknown;

  // Every round after the first follows an unanswered create (or a failed lookup of one): look before creating again.
  for (let round = 0; round < retry.maxAttempts; round++) {
    if (round > 0) {
      const delayMs = computeDelay(round - 1, retry, undefined, clock.random);
      if (clock.now() - started + delayMs > retry.maxElapsedMs) break;
      await clock.sleep(delayMs);
      let found: SessionSummary[];
      try {
        found = await liveWithToken(client, token);
      } catch (error) {
        if (!isRetryable(classifyError(error, "listSession"))) throw new AgbCreateOutcomeUnknownError(token, error);
        ambiguous = error;
        continue;
      }
      if (found.length > 0) return { ...(await keepOne(client, found)), token, recovered: 1, attempts };
    }
    try {
      attempts++;
      return { session: await client.createSession({ ...request, labels }), token, recovered: 0, attempts, unreleasedDuplicates: [] };
    } catch (error) {
      if (classifyError(error, "createSession").kind !== "ambiguous") {
        if (ambiguous !== undefined) throw new AgbCreateOutcomeUnknownError(token, error);
        throw error;
      }
      ambiguous = error;
    }
  }
  // The budget ran out with the outcome open: look once more before calling it unknown.
  await clock.sleep(computeDelay(retry.maxAttempts - 1, retry, undefined, clock.random));
  const found = await liveWithToken(client, token).catch(() => []);
  if (found.length > 0) return { ...(await keepOne(client, found)), token, recovered: 1, attempts };
  throw new AgbCreateOutcomeUnknownError(token, ambiguous);
}

/** Sessions carrying the token that are not released (a released one is no result of this create to keep). */
export async function liveWithToken(client: AgbClient, token: string): Promise<SessionSummary[]> {
  const found = await client.listSessions({ [CREATE_TOKEN_LABEL]: token });
  return found.filter((s) => !isReleasedStatus(s.status));
}

/**
 * Keeps the first session a token found and releases any other (a create the
 * service carried out twice). A release that fails does not fail the create:
 * the kept session must still reach state, so the failure is handed back for
 * the caller to report with the duplicate's id. The details are read when
 * they can be; without them the session is still kept, and the next refresh
 * fills them in.
 */
async function keepOne(
  client: AgbClient,
  found: SessionSummary[],
): Promise<{ session: CreatedSession; unreleasedDuplicates: UnreleasedDuplicate[] }> {
  const [keep, ...duplicates] = found;
  const unreleasedDuplicates: UnreleasedDuplicate[] = [];
  for (const extra of duplicates) {
    try {
      await client.releaseSessionAsync(extra.sessionId);
    } catch (error) {
      unreleasedDuplicates.push({ sessionId: extra.sessionId, error });
    }
  }
  try {
    const { status: _status, ...details } = await client.getSession(keep.sessionId);
    return { session: details, unreleasedDuplicates };
  } catch {
    return { session: { sessionId: keep.sessionId }, unreleasedDuplicates };
  }
}
