import { REFUSED_PROTO_KEY_ON_WIRE } from "../../wire/labelRules";

/** A Struct map entry's key field (field 1, length-delimited) of 9 bytes, then `__proto__`. */
const PROTO_KEY_FIELD = Buffer.from([0x0a, 0x09, ...Buffer.from("__proto__", "latin1")]);
const MARKER = Buffer.from(REFUSED_PROTO_KEY_ON_WIRE, "utf8");

/**
 * google-protobuf decodes a Struct's fields into a plain object (and a map
 * held in one), where a `__proto__` key sets the prototype instead of adding
 * an entry: a label a YAML or Python program declares under that key would
 * vanish before `check` saw it, and the session would be made without it.
 * The key is swapped, in the request's bytes, for a marker of the same length
 * that `check` refuses by name. Only the key of a map entry matches: a string
 * value is another field (tag 0x1a); a request's own field 1 (a URN, an id)
 * would match only if it were `__proto__` itself, which no session id is.
 */
export function markProtoKeys(bytes: Buffer): Buffer {
  let at = bytes.indexOf(PROTO_KEY_FIELD);
  if (at < 0) return bytes;
  const marked = Buffer.from(bytes);
  while (at >= 0) {
    MARKER.copy(marked, at + 2);
    at = marked.indexOf(PROTO_KEY_FIELD, at + PROTO_KEY_FIELD.length);
  }
  return marked;
}
