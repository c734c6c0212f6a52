/**
 * Limits the provider enforces before sending, and the emulator enforces on
 * arrival. AGB documents none (see README, "What the service leaves unknown");
 * these follow what comparable clouds allow, so a stack that passes them is
 * unlikely to be refused by the real service.
 */
export const LABEL_LIMITS = {
  maxLabels: 64,
  maxKeyLength: 128,
  maxValueLength: 256,
} as const;

/** Characters that would be ambiguous in a key once labels are shown as `k=v,k2=v2` or quoted. */
export const FORBIDDEN_KEY_CHARACTERS = ["=", ",", '"', "'", "\\"] as const;

// Control characters (newlines included) and lone UTF-16 surrogates cannot round-trip safely.
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a key is unacceptable, or undefined when it is fine. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return "a label key may not be empty";
  if (key.trim().length === 0) return "a label key may not be blank";
  if (key !== key.trim()) return "a label key may not start or end with white space";
  // A plain object cannot hold it as data: `labels["__proto__"] = v` sets the prototype, so the label would vanish.
  if (key === "__proto__") return 'a label key may not be "__proto__"';
  if (key.length > LABEL_LIMITS.maxKeyLength) return `a label key may be at most ${LABEL_LIMITS.maxKeyLength} characters`;
  if (CONTROL_CHARACTER.test(key)) return "a label key may not contain control characters (newlines, tabs, ...)";
  if (LONE_SURROGATE.test(key)) return "a label key may not contain invalid UTF-16 (a lone surrogate)";
  const bad = FORBIDDEN_KEY_CHARACTERS.find((c) => key.includes(c));
  if (bad) return `a label key may not contain ${JSON.stringify(bad)}`;
  return undefined;
}

/** Why a value is unacceptable, or undefined when it is fine. */
export function valueProblem(value: string): string | undefined {
  if (value.length === 0) return "a label value may not be empty";
  if (value.trim().length === 0) return "a label value may not be blank";
  if (value.length > LABEL_LIMITS.maxValueLength) {
    return `a label value may be at most ${LABEL_LIMITS.maxValueLength} characters`;
  }
  if (CONTROL_CHARACTER.test(value)) return "a label value may not contain control characters (newlines, tabs, ...)";
  if (LONE_SURROGATE.test(value)) return "a label value may not contain invalid UTF-16 (a lone surrogate)";
  return undefined;
}
