/** Reading requests and writing AGB envelopes: the emulator's HTTP plumbing. */
import type http from "node:http";

export const MAX_BODY_BYTES = 1024 * 1024;

/** A failure the emulator answers with an AGB error envelope. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (code: string, message: string) => new ApiFailure(400, code, message);

/** A failure envelope; an empty code is left out (an answer that says what failed only in its message). */
export function failure(code: string, message: string): Record<string, unknown> {
  return code ? { success: false, code, message } : { success: false, message };
}

export function envelopeWith(status: number, envelope: Record<string, unknown>, requestId: string): Record<string, unknown> {
  return { ...envelope, requestId, httpStatusCode: status };
}

export function sendEnvelope(res: http.ServerResponse, status: number, envelope: Record<string, unknown>, requestId: string) {
  sendJson(res, status, envelopeWith(status, envelope, requestId), requestId);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, requestId?: string) {
  // The client may have hung up while the work was done: the answer then has nowhere to go.
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  };
  if (requestId) headers["x-request-id"] = requestId;
  res.writeHead(status, headers);
  res.end(text);
}

/** The JSON object in the body; `{}` when there is none. Rejects with an ApiFailure. */
export function readJsonBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) reject(new ApiFailure(400, "RequestAborted", "the client closed the connection mid-request"));
    });
    req.on("end", () => {
      if (tooLarge) return reject(new ApiFailure(413, "RequestTooLarge", `body over ${MAX_BODY_BYTES} bytes`));
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "") return resolve({});
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
          return reject(invalid("InvalidParameter.Body", "the body must be a JSON object"));
        }
        resolve(parsed as Record<string, unknown>);
      } catch {
        reject(invalid("InvalidParameter.Body", "the body is not valid JSON"));
      }
    });
  });
}
