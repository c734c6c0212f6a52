import { isIgnoredKey, type IgnoreRules } from "./ignoreRules";
import type { LabelMap } from "./labelMapSchema";

/**
 * The full map to send with SetLabel: everything declared, plus the labels on
 * the session that someone else owns (ignored keys), so an update never wipes
 * what an agent or runtime code put there. A declared key always wins over an
 * ignore rule.
 */
export function labelsToWrite(desired: Readonly<LabelMap>, current: Readonly<LabelMap>, rules: IgnoreRules): LabelMap {
  const kept: LabelMap = {};
  for (const [key, value] of Object.entries(current)) {
    if (!(key in desired) && isIgnoredKey(key, rules)) kept[key] = value;
  }
  return { ...kept, ...desired };
}
