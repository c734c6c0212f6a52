import { REFUSED_PROTO_KEY, REFUSED_PROTO_KEY_ON_WIRE } from "../../wire/labelRules";

const SHOWN_CHARACTERS = 48;

/** A key quoted for an error message: whole when short, cut with its length when long. */
export function quoteKey(key: string): string {
  // The markers stand for a key the user wrote as "__proto__": name it as written.
  if (key === REFUSED_PROTO_KEY || key === REFUSED_PROTO_KEY_ON_WIRE) return '"__proto__"';
  if (key.length <= SHOWN_CHARACTERS) return JSON.stringify(key);
  return `${JSON.stringify(key.slice(0, SHOWN_CHARACTERS))}... (${key.length} characters)`;
}
