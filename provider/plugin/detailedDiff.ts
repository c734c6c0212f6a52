import { containsUnknown } from "../runtime/unknowns";

/** pulumirpc.PropertyDiff.Kind, by name. */
export const DIFF_KIND = { ADD: 0, ADD_REPLACE: 1, DELETE: 2, DELETE_REPLACE: 3, UPDATE: 4, UPDATE_REPLACE: 5 } as const;
export type DiffKind = (typeof DIFF_KIND)[keyof typeof DIFF_KIND];

type Props = Record<string, unknown>;

/**
 * The property-by-property diff the engine shows, from the runtime's verdict
 * (`changes`, `replaces`). Without it the engine diffs the inputs itself, and a
 * value it cannot see yet (an output of a resource being updated) previews as
 * a replacement that `up` never makes. `compared` are the properties a user
 * declares; a change the runtime reports among none of them (its own
 * bookkeeping) is shown on `fallback`.
 */
export function detailedDiff(
  olds: Props,
  news: Props,
  verdict: { changes?: boolean; replaces?: readonly string[] },
  compared: readonly string[],
  fallback: string,
): Record<string, DiffKind> {
  if (!verdict.changes) return {};
  const replaces = new Set(verdict.replaces ?? []);
  const out: Record<string, DiffKind> = {};
  for (const key of new Set([...compared, ...replaces])) {
    const before = olds[key];
    const after = news[key];
    if (!replaces.has(key) && !containsUnknown(after) && same(before, after)) continue;
    const replace = replaces.has(key);
    if (isAbsent(before) && !isAbsent(after)) out[key] = replace ? DIFF_KIND.ADD_REPLACE : DIFF_KIND.ADD;
    else if (!isAbsent(before) && isAbsent(after)) out[key] = replace ? DIFF_KIND.DELETE_REPLACE : DIFF_KIND.DELETE;
    else out[key] = replace ? DIFF_KIND.UPDATE_REPLACE : DIFF_KIND.UPDATE;
  }
  if (Object.keys(out).length === 0) out[fallback] = DIFF_KIND.UPDATE;
  return out;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);
}

function same(a: unknown, b: unknown): boolean {
  if (isAbsent(a) && isAbsent(b)) return true;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Props)[k])]));
  }
  return value;
}
