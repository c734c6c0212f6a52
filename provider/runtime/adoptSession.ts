import type * as pulumi from "@pulumi/pulumi";
import { isReleasedStatus } from "../../wire/sessionStatus";
import { isNotFound } from "../client/errors";
import type { LabelMap } from "../labels/labelMapSchema";
import { ProviderError, SessionInitError } from "./providerError";
import { currentClient } from "./runtimeState";
import { checkedInputsOf, sessionDetailsOf, withoutUndefined, type SessionCheckedInputs, type SessionState } from "./sessionState";
import { writeLabels } from "./writeLabels";

/**
 * Brings an existing session under the stack (`adoptSessionId`): reads it,
 * then writes the declared labels, keeping those other systems own. A failure
 * after the read still records the session in state, never forgets it.
 */
export async function adoptSession(inputs: Record<string, unknown>, checked: SessionCheckedInputs, desired: LabelMap): Promise<pulumi.dynamic.CreateResult> {
  const client = currentClient();
  const id = checked.adoptSessionId as string;
  let details;
  let current: LabelMap;
  try {
    details = await client.getSession(id);
    if (isReleasedStatus(details.status)) {
      throw new ProviderError("adoptSessionId", `session ${id} is already released (status ${details.status})`);
    }
    current = await client.getLabels(id);
  } catch (error) {
    if (isNotFound(error)) {
      throw new ProviderError("adoptSessionId", `session ${id} does not exist (released, expired or never created)`, error);
    }
    throw ProviderError.wrap("adoptSessionId", error, `could not adopt session ${id}`);
  }
  const state: SessionState = {
    ...checkedInputsOf(checked),
    ...withoutUndefined(sessionDetailsOf(details)),
    sessionId: id,
    effectiveLabels: current,
    adopted: true,
  };
  try {
    state.effectiveLabels = await writeLabels(id, desired, current);
  } catch (error) {
    throw new SessionInitError(id, { __provider: inputs.__provider, ...withoutUndefined(state) }, "labels", error);
  }
  return { id, outs: withoutUndefined(state) };
}
