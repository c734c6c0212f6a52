import * as pulumi from "@pulumi/pulumi";
import { LONE_SURROGATE } from "../../wire/labelRules";
import { AgbValidationError } from "../client/errors";

type LabelsInput = pulumi.Input<Record<string, pulumi.Input<string>>>;

/**
 * Refuses, in the program, the label keys and values that the program's own
 * serialization would change before `check` ever saw them: an own `__proto__`
 * key is dropped by the copy into the request, and a lone UTF-16 surrogate
 * becomes U+FFFD on the wire. Known parts are checked now, parts that are
 * Outputs when they resolve (so an unknown value is never refused at preview).
 * The error names the resource and the key, never the value (it may be secret).
 */
export function guardLabels<T extends LabelsInput | undefined>(where: string, labels: T): T {
  if (labels === undefined || labels === null) return labels;
  if (pulumi.Output.isInstance(labels)) {
    return (labels as pulumi.Output<unknown>).apply((resolved) => guardKnownMap(where, resolved)) as unknown as T;
  }
  if (isPromiseLike(labels)) return Promise.resolve(labels).then((resolved) => guardKnownMap(where, resolved)) as unknown as T;
  return guardKnownMap(where, labels) as T;
}

function guardKnownMap(where: string, labels: unknown): unknown {
  if (labels === null || typeof labels !== "object" || Array.isArray(labels)) return labels;
  if (Object.hasOwn(labels, "__proto__")) {
    throw new AgbValidationError("labels", `${where}: a label key may not be "__proto__" (serialization would drop it)`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (LONE_SURROGATE.test(key)) {
      throw new AgbValidationError("labels", `${where}: label key ${JSON.stringify(key)} contains invalid UTF-16 (a lone surrogate)`);
    }
    out[key] = guardValue(where, key, value);
  }
  return out;
}

function guardValue(where: string, key: string, value: unknown): unknown {
  const refuse = () =>
    new AgbValidationError("labels", `${where}: the value of label "${key}" contains invalid UTF-16 (a lone surrogate)`);
  if (typeof value === "string") {
    if (LONE_SURROGATE.test(value)) throw refuse();
    return value;
  }
  if (pulumi.Output.isInstance(value)) {
    return (value as pulumi.Output<unknown>).apply((resolved) => {
      if (typeof resolved === "string" && LONE_SURROGATE.test(resolved)) throw refuse();
      return resolved;
    });
  }
  return value;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
