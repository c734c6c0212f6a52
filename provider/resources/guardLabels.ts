import * as pulumi from "@pulumi/pulumi";
import { LONE_SURROGATE, REFUSED_PROTO_KEY, REFUSED_SURROGATE_KEY, REFUSED_SURROGATE_VALUE } from "../../wire/labelRules";
import { AgbValidationError } from "../client/errors";

type LabelsInput = pulumi.Input<Record<string, pulumi.Input<string>>>;

/**
 * Refuses, in the program, the label keys and values that the program's own
 * serialization would change before `check` ever saw them: an own `__proto__`
 * key is dropped by the copy into the request, and a lone UTF-16 surrogate
 * becomes U+FFFD on the wire. Known parts are refused now, with an error that
 * names the resource and the key, never the value (it may be secret). Parts that
 * are Outputs are checked when they resolve (so an unknown value is never
 * refused at preview); a throw inside an Output can leave the program hanging,
 * so there the offending key or value is replaced by a marker that `check`
 * refuses, naming the key (the engine names the resource).
 */
export function guardLabels<T extends LabelsInput | undefined>(where: string, labels: T): T {
  if (labels === undefined || labels === null) return labels;
  if (pulumi.Output.isInstance(labels)) {
    return (labels as pulumi.Output<unknown>).apply(markResolvedMap) as unknown as T;
  }
  if (isPromiseLike(labels)) return Promise.resolve(labels).then(markResolvedMap) as unknown as T;
  return guardKnownMap(where, labels) as T;
}

function markResolvedMap(labels: unknown): unknown {
  if (labels === null || typeof labels !== "object" || Array.isArray(labels)) return labels;
  const out: Record<string, unknown> = {};
  let mangled = 0;
  for (const [key, value] of Object.entries(labels)) {
    // Object.entries lists an own "__proto__" key; assigning it to a plain object would set the prototype.
    // A lone surrogate in a key would reach check as U+FFFD, a different key that check would accept.
    const safeKey =
      key === "__proto__" ? REFUSED_PROTO_KEY : LONE_SURROGATE.test(key) ? `${REFUSED_SURROGATE_KEY}${mangled++}` : key;
    out[safeKey] = typeof value === "string" && LONE_SURROGATE.test(value) ? REFUSED_SURROGATE_VALUE : markValue(value);
  }
  return out;
}

function markValue(value: unknown): unknown {
  if (!pulumi.Output.isInstance(value)) return value;
  return (value as pulumi.Output<unknown>).apply((resolved) =>
    typeof resolved === "string" && LONE_SURROGATE.test(resolved) ? REFUSED_SURROGATE_VALUE : resolved,
  );
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
  return markValue(value);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
