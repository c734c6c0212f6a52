import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { AgbClient } from "../client/AgbClient";
import { AgbApiError, isNotFound } from "../client/errors";
import { labelMapSchema, type LabelMap } from "../labels/labelMapSchema";
import { labelsEqual } from "../labels/labelsEqual";
import { toCheckFailures } from "../labels/toCheckFailures";
import { ProviderError } from "./providerError";
import { unknownPropertyFailures } from "./unknownPropertyFailures";
import { currentClient } from "./runtimeState";
import { withoutUndefined } from "./sessionState";
import { containsUnknown, isUnknown } from "./unknowns";

type Props = Record<string, unknown>;

const sessionLabelsInputsSchema = z.object({
  sessionId: z.string({ error: "sessionId is required and must be a string" }).trim().min(1, "sessionId may not be empty"),
  labels: labelMapSchema,
});
const PUBLIC_INPUTS = Object.keys(sessionLabelsInputsSchema.shape);
/** `sessionLabels` was a secret placeholder input before 0.2 (additionalSecretOutputs now): state written then still holds it. */
const INPUT_KEYS = new Set([...PUBLIC_INPUTS, "__provider", "sessionLabels"]);

/** Read-modify-write rounds before giving up on a session others keep changing. */
const MAX_WRITE_ROUNDS = 3;

interface SessionLabelsState {
  sessionId: string;
  /** The labels this resource owns, as last written or read. */
  labels: LabelMap;
  /** Every label on the session after the last write or read. */
  sessionLabels: LabelMap;
}

/**
 * Manages only its own keys on a session the stack does not own. Each write is
 * a read-modify-write: read the session's labels, change only our keys, send
 * the whole map, then read again to confirm our keys landed. Another writer's
 * change made between our read and our write can still be lost when the
 * service replaces label sets; the confirmation read catches the opposite case
 * (our keys overwritten) and redoes the round.
 */
export const sessionLabelsProviderImpl = {
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const failures = unknownPropertyFailures(news, INPUT_KEYS, "SessionLabels", PUBLIC_INPUTS);
    // What is not yet known in a preview stands in as a valid value (check runs again in up);
    // a label whose value is unknown still has its key checked.
    const known: Props = { sessionId: isUnknown(news.sessionId) ? "unknown" : news.sessionId };
    known.labels = isUnknown(news.labels)
      ? {}
      : news.labels !== null && typeof news.labels === "object" && !Array.isArray(news.labels)
        ? Object.fromEntries(Object.entries(news.labels).map(([k, v]) => [k, containsUnknown(v) ? "unknown" : v]))
        : (news.labels ?? {});
    const parsed = sessionLabelsInputsSchema.safeParse(known);
    if (!parsed.success) failures.push(...toCheckFailures(parsed.error));
    if (failures.length > 0 || !parsed.success) return { inputs: news, failures };
    return {
      inputs: {
        sessionId: isUnknown(news.sessionId) ? news.sessionId : parsed.data.sessionId,
        labels: containsUnknown(news.labels) ? news.labels : parsed.data.labels,
        ...(news.sessionLabels === undefined ? {} : { sessionLabels: news.sessionLabels }),
      },
    };
  },

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const replaces = isUnknown(news.sessionId) || olds.sessionId !== news.sessionId ? ["sessionId"] : [];
    const labelsChanged = containsUnknown(news.labels) || !labelsEqual(olds.labels as LabelMap, news.labels as LabelMap);
    return { changes: replaces.length > 0 || labelsChanged, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const { sessionId, labels } = inputs as { sessionId: string; labels: LabelMap };
    const sessionLabels = await applyOwnedLabels(sessionId, {}, labels);
    const state: SessionLabelsState = { sessionId, labels, sessionLabels };
    return { id: `${sessionId}/labels`, outs: state };
  },

  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const old = props as unknown as SessionLabelsState;
    let observed: LabelMap;
    try {
      observed = await currentClient().getLabels(old.sessionId);
    } catch (error) {
      if (isNotFound(error)) return { id: "", props: {} };
      throw ProviderError.wrap("labels", error, `could not read the labels of session ${old.sessionId}`);
    }
    const owned = Object.fromEntries(Object.keys(old.labels ?? {}).filter((k) => k in observed).map((k) => [k, observed[k]]));
    const state: SessionLabelsState = { sessionId: old.sessionId, labels: owned, sessionLabels: observed };
    return { id, props: withoutUndefined(state), inputs: { sessionId: old.sessionId, labels: owned } };
  },

  async update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const old = olds as unknown as SessionLabelsState;
    const next = news as { sessionId: string; labels: LabelMap };
    const sessionLabels = await applyOwnedLabels(next.sessionId, old.labels ?? {}, next.labels);
    return { outs: { sessionId: next.sessionId, labels: next.labels, sessionLabels } };
  },

  async delete(_id: string, props: Props): Promise<void> {
    const old = props as unknown as SessionLabelsState;
    try {
      await applyOwnedLabels(old.sessionId, old.labels ?? {}, {});
    } catch (error) {
      if (error instanceof ProviderError && isNotFound(error.cause)) return;
      throw error;
    }
  },
};

/** Drops the keys we owned and no longer declare, sets the ones we declare, leaves the rest. */
async function applyOwnedLabels(sessionId: string, previouslyOwned: LabelMap, owned: LabelMap): Promise<LabelMap> {
  const client = currentClient();
  for (let round = 1; ; round++) {
    const current = await call("labels", sessionId, () => client.getLabels(sessionId));
    const target: LabelMap = { ...current };
    for (const key of Object.keys(previouslyOwned)) if (!(key in owned)) delete target[key];
    Object.assign(target, owned);
    if (labelsEqual(target, current)) return current;
    await writeAll(client, sessionId, target, current);
    const after = await call("labels", sessionId, () => client.getLabels(sessionId));
    const landed = Object.entries(owned).every(([k, v]) => after[k] === v);
    const removed = Object.keys(previouslyOwned).filter((k) => !(k in owned) && k in after);
    if (landed && removed.length === 0) return after;
    if (round >= MAX_WRITE_ROUNDS) {
      throw new ProviderError(
        "labels",
        `session ${sessionId}: ${landed ? `label(s) ${removed.join(", ")} could not be removed` : "another writer keeps changing its labels"} ` +
          `after ${MAX_WRITE_ROUNDS} read-modify-write rounds`,
      );
    }
  }
}

async function writeAll(client: AgbClient, sessionId: string, target: LabelMap, current: LabelMap): Promise<void> {
  try {
    await client.setLabels(sessionId, target);
  } catch (error) {
    if (!isNotFound(error) && Object.keys(target).length === 0 && error instanceof AgbApiError && (error.status ?? 500) < 500) {
      throw new ProviderError(
        "labels",
        `AGB refused an empty label set, so the last labels (${Object.keys(current).join(", ")}) of session ${sessionId} cannot be removed`,
        error,
      );
    }
    throw ProviderError.wrap("labels", error, `could not set the labels of session ${sessionId}`);
  }
}

async function call<T>(property: string, sessionId: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw ProviderError.wrap(property, error, `session ${sessionId}`);
  }
}
