import { z } from "zod";
import type { LabelMap } from "./labelMapSchema";

const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source, "u");
      return true;
    } catch {
      return false;
    }
  },
  { message: "is not a valid regular expression" },
);

/** Rules a stack can put on its labels, enforced in `check` before any API call. */
export const labelPolicySchema = z
  .object({
    requiredKeys: z.array(z.string().min(1)).optional().describe('Label keys every session must carry, e.g. ["team"]'),
    allowedValues: z
      .record(z.string(), z.array(z.string()).min(1))
      .optional()
      .describe('For a key, the only values allowed, e.g. {"environment": ["dev", "prod"]}'),
    keyPattern: regexSource.optional().describe("A regular expression every key must match as a whole, e.g. \"[a-z][a-z0-9-]*\""),
    valuePattern: regexSource.optional().describe("A regular expression every value must match as a whole (unless valuePatterns names its key)"),
    valuePatterns: z.record(z.string(), regexSource).optional().describe('For a key, a regular expression its value must match as a whole, e.g. {"role": "[a-z]+"}'),
    maxLabels: z.number().int().min(0).optional().describe("At most this many labels, counting the provider's create-token label on a session it creates"),
    maxKeyLength: z.number().int().min(1).optional().describe("At most this many characters in a key"),
    maxValueLength: z.number().int().min(1).optional().describe("At most this many characters in a value"),
  })
  .strict();
export type LabelPolicy = z.infer<typeof labelPolicySchema>;

export interface PolicyViolation {
  key?: string;
  rule: string;
  message: string;
}

export interface PolicyContext {
  /** Labels the session will carry besides `labels`: the provider's create-token label on a session it creates. */
  providerLabels?: number;
}

/** Every way `labels` break `policy`; empty when they comply. */
export function policyViolations(labels: Readonly<LabelMap>, policy: LabelPolicy, context: PolicyContext = {}): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const entries = Object.entries(labels);
  for (const key of policy.requiredKeys ?? []) {
    if (!(key in labels)) out.push({ key, rule: "requiredKeys", message: `required label "${key}" is missing` });
  }
  const extra = context.providerLabels ?? 0;
  if (policy.maxLabels !== undefined && entries.length + extra > policy.maxLabels) {
    const count = extra > 0 ? `${entries.length + extra} labels (${entries.length} declared, plus the provider's create-token label)` : `${entries.length} labels`;
    out.push({ rule: "maxLabels", message: `${count}, the policy allows at most ${policy.maxLabels}` });
  }
  const keyPattern = policy.keyPattern ? anchored(policy.keyPattern) : undefined;
  const valuePattern = policy.valuePattern ? anchored(policy.valuePattern) : undefined;
  for (const [key, value] of entries) {
    // Lengths in characters as the user sees them (code points), not UTF-16 units.
    if (policy.maxKeyLength !== undefined && [...key].length > policy.maxKeyLength) {
      out.push({ key, rule: "maxKeyLength", message: `key "${shorten(key)}" is ${[...key].length} characters, the policy allows at most ${policy.maxKeyLength}` });
    }
    if (policy.maxValueLength !== undefined && [...value].length > policy.maxValueLength) {
      out.push({ key, rule: "maxValueLength", message: `"${shorten(key)}" value is ${[...value].length} characters, the policy allows at most ${policy.maxValueLength}` });
    }
    if (keyPattern && !keyPattern.test(key)) {
      out.push({ key, rule: "keyPattern", message: `key "${key}" does not match /${policy.keyPattern}/` });
    }
    const allowed = policy.allowedValues?.[key];
    if (allowed && !allowed.includes(value)) {
      out.push({
        key,
        rule: "allowedValues",
        // Never the value itself: it may be a secret, and the provider cannot tell (the engine strips the marker).
        message: `"${key}" has a value that is not allowed; allowed: ${allowed.map((v) => `"${v}"`).join(", ")}`,
      });
    }
    const perKey = policy.valuePatterns?.[key];
    if (perKey && !anchored(perKey).test(value)) {
      out.push({ key, rule: "valuePatterns", message: `"${key}" value does not match /${perKey}/` });
    } else if (!perKey && valuePattern && !valuePattern.test(value)) {
      out.push({ key, rule: "valuePattern", message: `"${key}" value does not match /${policy.valuePattern}/` });
    }
  }
  return out;
}

/** Patterns must match the whole key or value, not a part of it. */
function anchored(source: string): RegExp {
  return new RegExp(`^(?:${source})$`, "u");
}

/** Long keys are quoted by their start, so one failure stays readable. */
function shorten(text: string): string {
  const chars = [...text];
  return chars.length > 40 ? `${chars.slice(0, 40).join("")}...` : text;
}
