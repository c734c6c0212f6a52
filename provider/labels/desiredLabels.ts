import type { LabelMap } from "./labelMapSchema";

/** The labels a session should carry: stack defaults under its own labels (own win on a clash). */
export function desiredLabels(defaults: Readonly<LabelMap> | undefined, own: Readonly<LabelMap> | undefined): LabelMap {
  return { ...(defaults ?? {}), ...(own ?? {}) };
}
