import type { z } from "zod";
import { quoteKey } from "./quoteKey";

export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * Maps zod issues onto Pulumi check failures: one per bad property, the
 * property named as the top-level input and the rest of the path kept in the
 * reason so a user sees which label was wrong.
 */
export function toCheckFailures(error: z.ZodError, context = ""): CheckFailure[] {
  const byProperty = new Map<string, string[]>();
  for (const issue of error.issues) {
    const [head, ...rest] = issue.path.map(String);
    const property = head ?? "";
    const where = rest.length > 0 ? `${rest.map(quoteKey).join(".")}: ` : "";
    const reasons = byProperty.get(property) ?? [];
    reasons.push(`${where}${issue.message}`);
    byProperty.set(property, reasons);
  }
  return [...byProperty].map(([property, reasons]) => ({
    property,
    reason: `${context}${reasons.join("; ")}`,
  }));
}
