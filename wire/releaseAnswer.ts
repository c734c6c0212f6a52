/**
 * The answer to releaseSessionAsync. Unlike every other operation, the SDKs
 * read it in PascalCase (`Success`, `Code`, `Message`, `RequestId`,
 * `HttpStatusCode`) or lower case, at the top level or inside a `body` object,
 * PascalCase first (TypeScript `api/models/DeleteSessionAsyncResponse.ts`,
 * Python `delete_session_async_response.py`).
 */

export const RELEASE_ANSWER_SHAPES = ["lower", "pascal", "body-lower", "body-pascal"] as const;
export type ReleaseAnswerShape = (typeof RELEASE_ANSWER_SHAPES)[number];

const ENVELOPE_FIELDS = ["success", "code", "message", "requestId", "httpStatusCode"] as const;

function pascal(field: string): string {
  return field.charAt(0).toUpperCase() + field.slice(1);
}

/**
 * Reads any of the shapes into the lower-case envelope the other operations
 * use, so one envelope check serves them all. Anything that is not an object
 * is returned as it is, for that check to refuse.
 */
export function normalizeReleaseAnswer(parsed: unknown): unknown {
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return parsed;
  const top = parsed as Record<string, unknown>;
  const body = top.body !== null && typeof top.body === "object" && !Array.isArray(top.body) ? (top.body as Record<string, unknown>) : top;
  const out: Record<string, unknown> = { ...top };
  delete out.body;
  for (const field of ENVELOPE_FIELDS) {
    const value = body[pascal(field)] ?? body[field];
    if (value !== undefined) out[field] = value;
    delete out[pascal(field)];
  }
  return out;
}

/** The emulator's side: writes a lower-case envelope in the chosen shape. */
export function shapeReleaseAnswer(envelope: Record<string, unknown>, shape: ReleaseAnswerShape): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...envelope };
  const fields: Record<string, unknown> = {};
  for (const field of ENVELOPE_FIELDS) {
    if (!(field in rest)) continue;
    fields[shape.endsWith("pascal") ? pascal(field) : field] = rest[field];
    delete rest[field];
  }
  return shape.startsWith("body-") ? { ...rest, body: fields } : { ...rest, ...fields };
}
