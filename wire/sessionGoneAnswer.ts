/**
 * When a failure answer means "this session does not exist". The SDKs read any
 * code or message containing "not found" that way, but that shortcut is only
 * sound for an answer about a session: a gateway's "api key not found", a 404
 * for a path the service does not have (a wrong base path) or a proxy's page
 * say "not found" too and mean nothing about the session. Reading one of those
 * as "gone" makes refresh drop live sessions from state and destroy release
 * nothing, so the reading here is narrow, and everything else is an error.
 */
import { NOT_FOUND_CODE } from "./protocol";

export interface FailureAnswer {
  /** HTTP status of the answer. */
  status: number;
  code?: string | null;
  message?: string | null;
}

/** Statuses that are about the request's credentials or the service's health, never about one session. */
const PATH_NOT_FOUND_STATUS = 404;
const NEVER_ABOUT_THE_SESSION = new Set([401, 403, 407, 429]);

const SAYS_NOT_FOUND = /not[\s_-]*found/i;
/** "session" as a word: not the "sessionId" of an echoed query, not the "getSession" of an echoed path. */
const NAMES_A_SESSION = /(?<![a-z])session(?![a-z])/i;
/** A code that names a session: InvalidMcpSession.NotFound, Session.NotFound, SessionNotFound. */
const SESSION_CODE = /session/i;
/** A not-found code that names nothing (NotFound, NOT_FOUND, ResourceNotFound): the message says what is missing. */
const GENERIC_NOT_FOUND_CODE = /^(resource)?[\s._-]*not[\s_-]*found$/i;

/**
 * True only for a JSON envelope answered to an operation about `sessionId`
 * that says that session does not exist: the code InvalidMcpSession.NotFound
 * (at any status but auth, throttling and 5xx: the service may send it with
 * 400, 200 or 404), another not-found code that names a session, or a
 * message saying a session was not found beside a code that does not name
 * something else (none, a generic NotFound, an InvalidParameter code), but
 * never at HTTP 404, where only the code counts. The caller passes only parsed envelopes: a page that
 * is not JSON is never this answer.
 */
export function isSessionGoneAnswer(answer: FailureAnswer, sessionId: string | undefined): boolean {
  if (!sessionId) return false;
  if (NEVER_ABOUT_THE_SESSION.has(answer.status) || answer.status >= 500) return false;
  const code = (answer.code ?? "").trim();
  if (code.toLowerCase() === NOT_FOUND_CODE.toLowerCase()) return true;
  if (SAYS_NOT_FOUND.test(code) && !GENERIC_NOT_FOUND_CODE.test(code)) {
    // A not-found code of something else (NotFound.Operation, InvalidApiKey.NotFound) wins over any message.
    return SESSION_CODE.test(code);
  }
  // A 404 is what every operation gets at a wrong base path: there, only a code
  // can say the answer is about the session; a message may be any server's own.
  if (answer.status === PATH_NOT_FOUND_STATUS) return false;
  const message = answer.message ?? "";
  return SAYS_NOT_FOUND.test(message) && NAMES_A_SESSION.test(message);
}
