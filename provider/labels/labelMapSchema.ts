import { z } from "zod";
import { keyProblem, valueProblem } from "../../wire/labelRules";

/**
 * A label map as a user declares it: a plain object of string values, keys and
 * values neither empty nor blank, as the SDKs require (wire/labelRules.ts). Each bad entry yields its own issue, with the key in
 * the issue's path, so `check` can name every offending label at once.
 */
const labelRecordSchema = z
  .record(z.string(), z.unknown(), { error: "labels must be an object of string values" })
  .superRefine((labels, ctx) => {
    const entries = Object.entries(labels);
    for (const [key, value] of entries) {
      const keyIssue = keyProblem(key);
      if (keyIssue) {
        ctx.addIssue({ code: "custom", path: [key], message: keyIssue });
        continue;
      }
      if (typeof value !== "string") {
        const got = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
        ctx.addIssue({ code: "custom", path: [key], message: `a label value must be a string, got ${got}` });
        continue;
      }
      const valueIssue = valueProblem(value);
      if (valueIssue) ctx.addIssue({ code: "custom", path: [key], message: valueIssue });
    }
  })
  .transform((labels) => labels as Record<string, string>);

/**
 * zod drops an own `__proto__` key (as JSON.parse makes it) without an issue,
 * which would silently lose that label: refuse it before the record is parsed.
 */
export const labelMapSchema = z.preprocess((value, ctx) => {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, "__proto__")) {
    ctx.addIssue({ code: "custom", path: ["__proto__"], message: keyProblem("__proto__") ?? "", input: value });
  }
  return value;
}, labelRecordSchema);

export type LabelMap = Record<string, string>;
