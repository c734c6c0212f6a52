/**
 * What a label must be for the official SDKs to send it, and nothing more.
 * AGB documents no limits on label count, length or characters (see README,
 * "What the service leaves unknown"): a rule enforced here that the service
 * lacks would refuse labels users can set with the SDK. Stricter rules belong
 * in a stack's label policy, or in the emulator's `--label-limits` flag that
 * plays a stricter service.
 */

// A lone UTF-16 surrogate has no UTF-8 form: JSON.stringify escapes it, but the service cannot store it as text.
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What the program puts in place of a key or value that its own serialization
 * would mangle, when it only learns of it inside an Output (throwing there can
 * leave the program hanging): `check` then refuses the marker, naming the key.
 */
export const REFUSED_PROTO_KEY = "\u0000pulumi-agb:__proto__";
/**
 * What the plugin puts in place of a `__proto__` key in the bytes of a request,
 * before decoding drops it: as long as the key (9 bytes), so the message's
 * framing holds (provider/plugin/markProtoKeys.ts).
 */
export const REFUSED_PROTO_KEY_ON_WIRE = "\u0000_proto__";
export const REFUSED_SURROGATE_VALUE = "\u0000pulumi-agb:lone-surrogate";
/** Prefix of the marker for a key holding a lone surrogate (numbered: a map may hold several). */
export const REFUSED_SURROGATE_KEY = "\u0000pulumi-agb:lone-surrogate-key:";

/** Why a key cannot be sent, or undefined when it can. */
export function keyProblem(key: string): string | undefined {
  if (key === REFUSED_PROTO_KEY) return 'a label key may not be "__proto__" (refused in the program, before serialization would drop it)';
  if (key === REFUSED_PROTO_KEY_ON_WIRE) return 'a label key may not be "__proto__" (decoding the request would drop it)';
  if (key.startsWith(REFUSED_SURROGATE_KEY)) return "a label key may not contain invalid UTF-16 (a lone surrogate; refused in the program)";
  if (key.length === 0) return "a label key may not be empty";
  if (key.trim().length === 0) return "a label key may not be blank";
  // A plain object cannot hold it as data: `labels["__proto__"] = v` sets the prototype, so the label would vanish.
  if (key === "__proto__") return 'a label key may not be "__proto__"';
  if (LONE_SURROGATE.test(key)) return "a label key may not contain invalid UTF-16 (a lone surrogate)";
  return undefined;
}

/** Why a value cannot be sent, or undefined when it can. */
export function valueProblem(value: string): string | undefined {
  if (value === REFUSED_SURROGATE_VALUE) return "a label value may not contain invalid UTF-16 (a lone surrogate; refused in the program)";
  if (value.length === 0) return "a label value may not be empty";
  if (value.trim().length === 0) return "a label value may not be blank";
  if (LONE_SURROGATE.test(value)) return "a label value may not contain invalid UTF-16 (a lone surrogate)";
  return undefined;
}
