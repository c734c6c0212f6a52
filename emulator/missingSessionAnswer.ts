import { NOT_FOUND_CODE } from "../wire/protocol";
import { ApiFailure } from "./httpIo";

/**
 * How the emulator answers a call about a session it does not have. The SDKs
 * document the code with HTTP 400 ("code", the default), but they also read
 * any not-found message as the same answer and check success before status,
 * so the real service may send it other ways; each is a shape the client must
 * read as "this session is gone":
 * - "code": HTTP 400, code InvalidMcpSession.NotFound;
 * - "ok-status": HTTP 200 with success false and that code;
 * - "http-404": HTTP 404 with that code (an envelope, unlike a 404 for a path);
 * - "message": HTTP 400, no code, a message saying the session was not found.
 */
export const MISSING_SESSION_ANSWERS = ["code", "ok-status", "http-404", "message"] as const;
export type MissingSessionAnswer = (typeof MISSING_SESSION_ANSWERS)[number];

export function missingSessionFailure(sessionId: string, shape: MissingSessionAnswer = "code"): ApiFailure {
  const message = `session ${sessionId} not found`;
  switch (shape) {
    case "code":
      return new ApiFailure(400, NOT_FOUND_CODE, message);
    case "ok-status":
      return new ApiFailure(200, NOT_FOUND_CODE, message);
    case "http-404":
      return new ApiFailure(404, NOT_FOUND_CODE, message);
    case "message":
      return new ApiFailure(400, "", `Session ${sessionId} not found`);
  }
}
