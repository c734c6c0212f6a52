import type { CheckFailure } from "../labels/toCheckFailures";
import { closestName } from "./closestName";

/**
 * One failure per property the resource does not take, naming the closest
 * property it does take where one is close, so a typo like `lables` fails
 * `check` instead of silently creating a session without labels.
 */
export function unknownPropertyFailures(
  given: Readonly<Record<string, unknown>>,
  known: ReadonlySet<string>,
  resource: string,
  publicNames: readonly string[],
): CheckFailure[] {
  return Object.keys(given)
    .filter((key) => !known.has(key))
    .map((key) => ({ property: key, reason: unknownPropertyReason(key, resource, publicNames) }));
}

export function unknownPropertyReason(key: string, resource: string, publicNames: readonly string[]): string {
  const suggestion = closestName(key, publicNames);
  return (
    `unknown property "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; ` +
    `${resource} takes ${publicNames.join(", ")}`
  );
}
