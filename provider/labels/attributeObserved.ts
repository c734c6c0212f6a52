import { isIgnoredKey, type IgnoreRules } from "./ignoreRules";
import type { LabelMap } from "./labelMapSchema";

export interface AttributedLabels {
  /** What the session's own `labels` input would have to be to describe the session. */
  own: LabelMap;
  /** What its applied defaults would have to be. */
  defaults: LabelMap;
}

/**
 * Reads observed labels back into the two inputs they came from, so that a
 * refresh records drift precisely: a default still in place stays a default, a
 * changed or added label becomes the session's own, a missing one disappears,
 * and labels owned by others (ignored) are left out entirely.
 */
export function attributeObserved(
  observed: Readonly<LabelMap>,
  declaredOwn: Readonly<LabelMap>,
  declaredDefaults: Readonly<LabelMap>,
  rules: IgnoreRules,
): AttributedLabels {
  const own: LabelMap = {};
  const defaults: LabelMap = {};
  for (const [key, value] of Object.entries(observed)) {
    const declared = key in declaredOwn || key in declaredDefaults;
    if (!declared && isIgnoredKey(key, rules)) continue;
    if (!(key in declaredOwn) && key in declaredDefaults) defaults[key] = value;
    else own[key] = value;
  }
  return { own, defaults };
}
