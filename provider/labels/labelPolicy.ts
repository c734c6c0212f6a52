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
    requiredKeys: z.array(z.string().min(1)).optional(),
    allowedValues: z.record(z.string(), z.array(z.string()).min(1)).optional(),
    keyPattern: regexSource.optional(),
    valuePattern: regexSource.optional(),
    valuePatterns: z.record(z.string(), regexSource).optional(),
    maxLabels: z.number().int().min(0).optional(),
  })
  .strict();
export type LabelPolicy = z.infer<typeof labelPolicySchema>;

export interface PolicyViolation {
  key?: string;
  rule: string;
  message: string;
}

/** Every way `labels` break `policy`; empty when they comply. */
export function policyViolations(labels: Readonly<LabelMap>, policy: LabelPolicy): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const entries = Object.entries(labels);
  for (const key of policy.requiredKeys ?? []) {
    if (!(key in labels)) out.push({ key, rule: "requiredKeys", message: `required label "${key}" is missing` });
  }
  if (policy.maxLabels !== undefined && entries.length > policy.maxLabels) {
    out.push({ rule: "maxLabels", message: `${entries.length} labels, the policy allows at most ${policy.maxLabels}` });
  }
  const keyPattern = policy.keyPattern ? anchored(policy.keyPattern) : undefined;
  const valuePattern = policy.valuePattern ? anchored(policy.valuePattern) : undefined;
  for (const [key, value] of entries) {
    if (keyPattern && !keyPattern.test(key)) {
      out.push({ key, rule: "keyPattern", message: `key "${key}" does not match /${policy.keyPattern}/` });
    }
    const allowed = policy.allowedValues?.[key];
    if (allowed && !allowed.includes(value)) {
      out.push({
        key,
        rule: "allowedValues",
        message: `"${key}" is "${value}", allowed: ${allowed.map((v) => `"${v}"`).join(", ")}`,
      });
    }
    const perKey = policy.valuePatterns?.[key];
    if (perKey && !anchored(perKey).test(value)) {
      out.push({ key, rule: "valuePatterns", message: `"${key}" value "${value}" does not match /${perKey}/` });
    } else if (!perKey && valuePattern && !valuePattern.test(value)) {
      out.push({ key, rule: "valuePattern", message: `"${key}" value "${value}" does not match /${policy.valuePattern}/` });
    }
  }
  return out;
}

/** Patterns must match the whole key or value, not a part of it. */
function anchored(source: string): RegExp {
  return new RegExp(`^(?:${source})$`, "u");
}
