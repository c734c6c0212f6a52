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
 * changed label stays where it was declared, a missing one disappears. A key
 * the session does not declare is left out of both: it is someone else's label
 * (a SessionLabels, another tool), and its value may be a secret of theirs, so
 * it is kept only in the always-secret effectiveLabels, from which diff sees it
 * as drift to remove.
 */
export function attributeObserved(observed: Readonly<LabelMap>, declaredOwn: Readonly<LabelMap>, declaredDefaults: Readonly<LabelMap>): AttributedLabels {
  const own: LabelMap = {};
  const defaults: LabelMap = {};
  for (const [key, value] of Object.entries(observed)) {
    if (key in declaredOwn) own[key] = value;
    else if (key in declaredDefaults) defaults[key] = value;
  }
  return { own, defaults };
}
