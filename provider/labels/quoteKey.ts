const SHOWN_CHARACTERS = 48;

/** A key quoted for an error message: whole when short, cut with its length when long. */
export function quoteKey(key: string): string {
  if (key.length <= SHOWN_CHARACTERS) return JSON.stringify(key);
  return `${JSON.stringify(key.slice(0, SHOWN_CHARACTERS))}... (${key.length} characters)`;
}
