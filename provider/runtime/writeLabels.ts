import { AgbApiError, isNotFound } from "../client/errors";
import { labelsEqual } from "../labels/labelsEqual";
import type { LabelMap } from "../labels/labelMapSchema";
import { labelsToWrite } from "../labels/labelsToWrite";
import { ProviderError } from "./providerError";
import { currentClient, currentIgnoreRules } from "./runtimeState";

/**
 * Makes the session carry `desired` plus the labels others own. One SetLabel
 * when anything differs; when keys are removed, one GetLabel checks that the
 * service really dropped them, since whether SetLabel replaces or merges the
 * set is not documented.
 */
export async function writeLabels(id: string, desired: LabelMap, current: LabelMap): Promise<LabelMap> {
  const client = currentClient();
  const target = labelsToWrite(desired, current, currentIgnoreRules());
  if (labelsEqual(target, current)) return current;
  const removed = Object.keys(current).filter((key) => !(key in target));
  try {
    await client.setLabels(id, target);
  } catch (error) {
    if (isNotFound(error)) throw sessionGoneError(id, error);
    if (Object.keys(target).length === 0 && error instanceof AgbApiError && error.status !== undefined && error.status < 500) {
      throw new ProviderError(
        "labels",
        `AGB refused an empty label set, so the last labels (${Object.keys(current).join(", ")}) cannot be removed; ` +
          "keep at least one label on the session",
        error,
      );
    }
    throw ProviderError.wrap("labels", error, `could not set the labels of session ${id}`);
  }
  if (removed.length === 0) return target;
  let after: LabelMap;
  try {
    after = await client.getLabels(id);
  } catch (error) {
    throw ProviderError.wrap("labels", error, `labels of session ${id} were set but could not be read back`);
  }
  const kept = removed.filter((key) => key in after);
  if (kept.length > 0) {
    throw new ProviderError(
      "labels",
      `AGB kept label(s) ${kept.join(", ")} on session ${id} after SetLabel: the service merges label sets, ` +
        "so a label cannot be removed through the API. Put the label back in the program, or replace the session",
    );
  }
  return after;
}

/** A label write on a session that expired or was released: say so, and how to recover, never drop it silently. */
export function sessionGoneError(id: string, cause: unknown): ProviderError {
  return new ProviderError(
    "labels",
    `session ${id} no longer exists (expired or released outside Pulumi); its labels were not changed. ` +
      "Run `pulumi refresh` to drop it from state; the next `pulumi up` creates it again",
    cause,
  );
}
