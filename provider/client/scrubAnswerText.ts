import { redactSecrets } from "./errors";

/** Request data an answer's text may echo back: every string parameter but the session id, which errors name anyway. */
export type SentValues = Readonly<Record<string, string | number | boolean | undefined>>;

/** Text scanned for echoes: enough for any page a proxy or gateway sends, bounded so a huge body costs little. */
const SCANNED_CHARS = 64 * 1024;
/**
 * A value this short is scrubbed only where it stands as a quoted or assigned
 * value (`"3"`, `=3`, `: 3`), so that it does not eat every word and number of
 * the answer's own text ("at most 3").
 */
const SUBSTRING_MIN_CHARS = 4;
const REMOVED = "[request data]";
const NOT_SCRUBBED = new Set(["sessionId"]);

/**
 * What an error may quote of a service's answer (a page that is not JSON, an
 * envelope's message): credentials redacted, markup dropped, query strings
 * cut, and every value this request sent removed in each form an answer
 * could echo it in (as sent, URL-encoded, JSON-escaped; for a label map,
 * each key and value), then bounded. A proxy or gateway that echoes the
 * request (`The requested URL /sdk/SetLabel?...&Labels=... was not found`)
 * would otherwise put label values, secret ones included, into the error
 * the CLI prints and logs.
 */
export function scrubAnswerText(text: string, sent: SentValues, secrets: readonly string[], maxChars: number): string {
  let out = redactSecrets(text.slice(0, SCANNED_CHARS), secrets);
  out = out.replace(/<[^>]*>/g, " ");
  out = out.replace(/\?[^\s"'<>]*/g, "?[query]");
  for (const form of echoForms(sent)) {
    if (form.length >= SUBSTRING_MIN_CHARS) out = out.split(form).join(REMOVED);
    else out = out.replace(new RegExp(`(?<=[=:"'] ?)${escapeRegExp(form)}(?![\\p{L}\\p{N}])`, "gu"), REMOVED);
  }
  out = out.replace(/\s+/g, " ").trim();
  return out.length > maxChars ? `${out.slice(0, maxChars)}…` : out;
}

function echoForms(sent: SentValues): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(sent)) {
    if (typeof value !== "string" || value === "" || NOT_SCRUBBED.has(name)) continue;
    values.add(value);
    for (const part of labelParts(value)) values.add(part);
  }
  const forms = new Set<string>();
  for (const value of values) {
    if (value.trim() === "") continue;
    // A value inside the Labels JSON travels JSON-escaped; a server that decodes
    // the request line it quotes undoes the %XX escapes but leaves a '+' for a space.
    for (const base of [value, JSON.stringify(value).slice(1, -1)]) {
      forms.add(base);
      forms.add(base.replace(/ /g, "+"));
      forms.add(encodeURIComponent(base));
      forms.add(new URLSearchParams({ v: base }).toString().slice(2));
      forms.add(axiosQueryForm(base));
    }
  }
  // Longest first, so a whole value goes before a part of it.
  return [...forms].filter((f) => f !== "").sort((a, b) => b.length - a.length);
}

/** The keys and values of a JSON label map (how labels travel), or nothing. */
function labelParts(value: string): string[] {
  if (!value.startsWith("{")) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return [];
    return Object.entries(parsed as Record<string, unknown>).flatMap(([k, v]) => (typeof v === "string" ? [k, v] : [k]));
  } catch {
    return [];
  }
}

/** How axios writes a query value: encodeURIComponent, then a few characters put back. */
function axiosQueryForm(value: string): string {
  return encodeURIComponent(value)
    .replace(/%3A/gi, ":")
    .replace(/%24/g, "$")
    .replace(/%2C/gi, ",")
    .replace(/%20/g, "+")
    .replace(/%5B/gi, "[")
    .replace(/%5D/gi, "]");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
