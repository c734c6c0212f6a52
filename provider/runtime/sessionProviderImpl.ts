import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { isReleasedStatus } from "../../wire/sessionStatus";
import { AgbCreateOutcomeUnknownError, AgbValidationError, isNotFound } from "../client/errors";
import { attributeObserved } from "../labels/attributeObserved";
import { CREATE_TOKEN_LABEL, isIgnoredKey, type IgnoreRules } from "../labels/ignoreRules";
import { desiredLabels } from "../labels/desiredLabels";
import { labelsEqual } from "../labels/labelsEqual";
import { policyViolations, type LabelPolicy, type PolicyContext } from "../labels/labelPolicy";
import { toCheckFailures, type CheckFailure } from "../labels/toCheckFailures";
import type { LabelMap } from "../labels/labelMapSchema";
import { createSessionOnce, liveWithToken } from "./createSessionOnce";
import { duplicateNotReleasedError } from "./duplicateNotReleasedError";
import { adoptSession } from "./adoptSession";
import { pendingCreateError, pendingTokenOf } from "./pendingCreate";
import { sessionGoneError, writeLabels } from "./writeLabels";
import { ProviderError } from "./providerError";
import { currentClient, currentIgnoreRules, currentSettings } from "./runtimeState";
import {
  REPLACE_ON_CHANGE,
  SESSION_INPUT_KEYS,
  SESSION_PUBLIC_INPUTS,
  sessionInputsSchema,
  type SessionInputs,
} from "./sessionInputs";
import { unknownPropertyFailures } from "./unknownPropertyFailures";
import {
  checkedInputsOf,
  sessionDetailsOf,
  withoutUndefined,
  type SessionCheckedInputs,
  type SessionState,
} from "./sessionState";
import { containsUnknown, isUnknown } from "./unknowns";
import type { ProviderSettings } from "./providerSettings";

type Props = Record<string, unknown>;

/** The Session provider's logic; loaded from the installed package at call time. */
export const sessionProviderImpl = {
  async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const failures: CheckFailure[] = [];
    let settings: ProviderSettings;
    try {
      settings = currentSettings();
    } catch (error) {
      if (error instanceof AgbValidationError) {
        return { inputs: news, failures: [{ property: error.property, reason: `stack config ${error.message}` }] };
      }
      throw error;
    }
    failures.push(...unknownPropertyFailures(news, SESSION_INPUT_KEYS, "a Session", SESSION_PUBLIC_INPUTS));
    // A value not yet known in a preview is checked when it is known (check runs again in up):
    // an unknown property is left out of the schema, an unknown label value is checked by its key only.
    const { known, unknownKeys, unknownLabelKeys } = knownSessionInputs(news);
    const parsed = sessionInputsSchema.omit(Object.fromEntries(unknownKeys.map((key) => [key, true])) as never).safeParse(known);
    if (!parsed.success) failures.push(...toCheckFailures(parsed.error));
    if (failures.length > 0 || !parsed.success) return { inputs: news, failures };
    const data = parsed.data as unknown as Partial<SessionInputs>;

    const input = { ...data, adoptSessionId: data.adoptSessionId ?? adoptionKept(olds, news) };
    const refusals = adoptionReplaceFailures(olds, news, data);
    if (refusals.length > 0) return { inputs: news, failures: refusals };
    if (!unknownKeys.includes("labels")) {
      const desired = desiredLabels(settings.defaultLabels, input.labels ?? undefined);
      const context: PolicyContext = { providerLabels: input.adoptSessionId || isUnknown(news.adoptSessionId) ? 0 : 1 };
      const violations = [
        ...describeViolations(desired, settings.policy, "stack config agb:labelPolicy", context, unknownLabelKeys),
        ...(unknownKeys.includes("labelPolicy")
          ? []
          : describeViolations(desired, input.labelPolicy ?? undefined, "the labelPolicy input", context, unknownLabelKeys)),
      ];
      if (violations.length > 0) return { inputs: news, failures: [{ property: "labels", reason: violations.join("; ") }] };
    }
    const passThrough = (key: string, value: unknown) => (unknownKeys.includes(key) ? news[key] : value);
    const inputs: Props = withoutUndefined({
      imageId: passThrough("imageId", input.imageId),
      labels: containsUnknown(news.labels) ? news.labels : (input.labels ?? {}),
      defaultLabels: appliedDefaults(settings.defaultLabels, news.labels),
      idleReleaseTimeout: passThrough("idleReleaseTimeout", input.idleReleaseTimeout),
      policyId: passThrough("policyId", input.policyId),
      adoptSessionId: passThrough("adoptSessionId", input.adoptSessionId),
      labelPolicy: passThrough("labelPolicy", input.labelPolicy),
      createToken: input.adoptSessionId || isUnknown(news.adoptSessionId) ? undefined : createTokenFor(olds, news),
    });
    return { inputs };
  },

  async diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    // Whatever the token finds is released first, then the session is made again: never two with one token.
    if (pendingTokenOf(id)) return { changes: true, replaces: ["createToken"], deleteBeforeReplace: true };
    // The update that records an imported session's first imageId makes no API call when the labels are unchanged.
    const imageUnknown = imageNotYetRecorded(olds);
    const imageRecorded = imageUnknown && typeof news.imageId === "string" && news.imageId !== "";
    // Adopting the session this resource already is (the import option naming its own id) is no change of session.
    const adoptsItself = news.adoptSessionId === id;
    const replaces = REPLACE_ON_CHANGE.filter(
      (key) => !(key === "adoptSessionId" && adoptsItself) && !(key === "imageId" && imageUnknown) && !sameValue(olds[key], news[key]),
    );
    refuseReadoption(id, olds, news, replaces);
    const ignore = currentIgnoreRules();
    const desiredNow = desiredLabels(news.defaultLabels as LabelMap, news.labels as LabelMap);
    const labelsChanged =
      containsUnknown(news.labels) ||
      !labelsEqual(desiredLabels(olds.defaultLabels as LabelMap, olds.labels as LabelMap), desiredNow) ||
      // Labels others wrote that a refresh found; recorded only in (secret) effectiveLabels, removed by an update.
      foreignLabelKeys(olds, ignore).some((key) => !(key in desiredNow));
    const bookkeepingChanged =
      !sameValue(olds.labelPolicy, news.labelPolicy) ||
      !sameValue(olds.adoptSessionId, news.adoptSessionId) ||
      !labelsEqual((olds.labels as LabelMap) ?? {}, (news.labels as LabelMap) ?? {}) ||
      !labelsEqual((olds.defaultLabels as LabelMap) ?? {}, (news.defaultLabels as LabelMap) ?? {});
    return {
      changes: replaces.length > 0 || labelsChanged || bookkeepingChanged || imageRecorded,
      replaces: [...replaces],
      deleteBeforeReplace: false,
    };
  },

  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const checked = inputs as unknown as SessionCheckedInputs;
    const client = currentClient();
    const desired = desiredLabels(checked.defaultLabels, checked.labels);
    if (checked.adoptSessionId) return adoptSession(inputs, checked, desired);

    let outcome;
    try {
      outcome = await createSessionOnce(
        client,
        {
          imageId: checked.imageId,
          labels: desired,
          idleReleaseTimeout: checked.idleReleaseTimeout,
          policyId: checked.policyId,
        },
        typeof inputs.createToken === "string" ? inputs.createToken : undefined,
      );
    } catch (error) {
      if (error instanceof AgbCreateOutcomeUnknownError) throw pendingCreateError(inputs, checked, desired, error);
      throw ProviderError.wrap("imageId", error, "could not create the session");
    }
    const state: SessionState = {
      ...checkedInputsOf(checked),
      ...sessionDetailsOf(outcome.session),
      sessionId: outcome.session.sessionId,
      effectiveLabels: { ...desired, [CREATE_TOKEN_LABEL]: outcome.token },
      status: "RUNNING",
      adopted: false,
    };
    if (outcome.unreleasedDuplicates.length > 0) {
      throw duplicateNotReleasedError(inputs, outcome.session.sessionId, outcome.token, outcome.unreleasedDuplicates, { ...withoutUndefined(state) });
    }
    return { id: outcome.session.sessionId, outs: withoutUndefined(state) };
  },

  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const token = pendingTokenOf(id);
    if (token) {
      // Refresh may change the id: a session the token finds becomes this resource; otherwise it stays pending.
      let found;
      try {
        found = await liveWithToken(currentClient(), token);
      } catch (error) {
        throw ProviderError.wrap("sessionId", error, `could not look up the session of create token ${token}`);
      }
      if (found.length === 0) return { id, props };
      return sessionProviderImpl.read(found[0].sessionId, { ...props, sessionId: found[0].sessionId, status: found[0].status });
    }
    const client = currentClient();
    const old = props as Partial<SessionState>;
    let details;
    let observed: LabelMap;
    try {
      details = await client.getSession(id);
      if (isReleasedStatus(details.status)) return gone();
      observed = await client.getLabels(id);
    } catch (error) {
      if (isNotFound(error)) return gone();
      throw ProviderError.wrap("labels", error, `could not read session ${id}`);
    }
    const attributed = attributeObserved(observed, old.labels ?? {}, old.defaultLabels ?? {});
    const state: SessionState = {
      ...checkedInputsOf(old),
      labels: attributed.own,
      defaultLabels: attributed.defaults,
      ...withoutUndefined(sessionDetailsOf(details)),
      sessionId: id,
      imageId: old.imageId ?? "",
      effectiveLabels: observed,
      adopted: old.adopted ?? false,
    };
    const inputs = checkedInputsOf(state);
    return { id, props: withoutUndefined(state), inputs };
  },

  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    if (pendingTokenOf(id)) {
      throw new ProviderError("sessionId", `${id} is a create of unknown outcome, not a session: run \`pulumi refresh\` or \`pulumi up\``);
    }
    const old = olds as unknown as SessionState;
    const next = news as unknown as SessionCheckedInputs;
    const desired = desiredLabels(next.defaultLabels, next.labels);
    let current = old.effectiveLabels ?? desiredLabels(old.defaultLabels, old.labels);
    const ignore = currentIgnoreRules();
    if (ignore.keys.length > 0 || ignore.prefixes.length > 0) {
      // Others may have written labels since the state was last refreshed: read them, or SetLabel would drop them.
      try {
        current = await currentClient().getLabels(id);
      } catch (error) {
        if (isNotFound(error)) throw sessionGoneError(id, error);
        throw ProviderError.wrap("labels", error, `could not read the labels of session ${id}`);
      }
    }
    const effectiveLabels = await writeLabels(id, desired, current);
    return {
      outs: withoutUndefined({ ...old, ...checkedInputsOf(next), sessionId: id, effectiveLabels } as SessionState),
    };
  },

  async delete(id: string, _props?: Props): Promise<void> {
    const client = currentClient();
    try {
      const token = pendingTokenOf(id);
      // A create of unknown outcome: release whatever session it made, if any.
      const ids = token ? (await liveWithToken(client, token)).map((s) => s.sessionId) : [id];
      for (const sessionId of ids) await client.releaseAndWait(sessionId);
    } catch (error) {
      throw ProviderError.wrap("sessionId", error, `could not release session ${id}`);
    }
  },
};

/**
 * A replacement of an adopted session that still names the same session would
 * adopt it again as the "new" resource and then release it as the old one: the
 * stack would be left holding a released session. The service cannot change a
 * session's image, timeout or policy in place, so the change fails loudly
 * before any call. A value not known yet is let through to preview; the `up`
 * that knows it decides.
 */
function refuseReadoption(id: string, olds: Props, news: Props, replaces: readonly string[]): void {
  const sameSession =
    news.adoptSessionId === id ||
    (olds.adopted === true && typeof olds.adoptSessionId === "string" && news.adoptSessionId === olds.adoptSessionId);
  if (!sameSession || replaces.length === 0 || replaces.some((key) => containsUnknown(news[key]))) return;
  throw new ProviderError(
    replaces[0] as string,
    `session ${id} was adopted (adoptSessionId), so a change to ${replaces.join(", ")} cannot replace it: the replacement would adopt ` +
      `the same session and then release it. Set ${replaces.join(", ")} back, or drop adoptSessionId to create a new session in its place`,
  );
}

/**
 * An adopted session stays adopted when the program stops naming it (removing
 * `adoptSessionId` or the `import` option once the session is in state, as
 * Pulumi's docs tell users to do after an import): the same session, no
 * replacement, no API call. Not when something else would replace the
 * session anyway: then a new one is created.
 */
function adoptionKept(olds: Props, news: Props): string | undefined {
  if (typeof olds.adoptSessionId !== "string" || news.adoptSessionId !== undefined) return undefined;
  // An imported session's first imageId is recorded in place (the engine's import reads no image): no replacement.
  const replaced = REPLACE_ON_CHANGE.some(
    (key) => key !== "adoptSessionId" && !(key === "imageId" && imageNotYetRecorded(olds)) && !sameValue(olds[key], news[key]),
  );
  return replaced ? undefined : olds.adoptSessionId;
}

/**
 * A fresh token whenever this check may lead to a create (a new resource, or a
 * change that replaces it), so a replacement never shares its token with the
 * session it replaces. Otherwise the old one is kept: inputs that do not change
 * spare the engine a checkpoint write per resource on every `up`.
 */
function createTokenFor(olds: Props, news: Props): string {
  const previous = olds.createToken;
  const mayCreate = typeof previous !== "string" || REPLACE_ON_CHANGE.some((key) => !sameValue(olds[key], news[key]));
  return mayCreate ? randomUUID() : (previous as string);
}

/**
 * An imported session's image was never known (the service does not report it):
 * the program's first imageId is recorded in place, never a reason to replace it.
 */
function imageNotYetRecorded(olds: Props): boolean {
  // check sees the old inputs (adoptSessionId), diff the old outputs (adopted too); imageId is required otherwise.
  return (olds.adopted === true || typeof olds.adoptSessionId === "string") && !olds.imageId;
}

/** Replace triggers a Session that adopts a session may not change: the replacement would release the adopted one. */
const ADOPTION_FIXED = ["imageId", "idleReleaseTimeout", "policyId"] as const;

/**
 * While the program still declares the adoption it made (the same
 * adoptSessionId or import id), a change that would replace the session is
 * refused: the replacement's create would adopt the same session again and its
 * delete would then release it. Named, with the ways forward.
 */
function adoptionReplaceFailures(olds: Props, news: Props, data: Partial<SessionInputs>): CheckFailure[] {
  if (typeof olds.adoptSessionId !== "string" || news.adoptSessionId === undefined) return [];
  if (!isUnknown(news.adoptSessionId) && data.adoptSessionId !== olds.adoptSessionId) return [];
  const changed = ADOPTION_FIXED.filter(
    (key) => !isUnknown(news[key]) && !sameValue(olds[key], data[key] ?? undefined) && !(key === "imageId" && imageNotYetRecorded(olds)),
  );
  return changed.map((key) => ({
    property: key,
    reason:
      `${key} cannot change while this Session adopts session ${olds.adoptSessionId}: a replacement would release the adopted ` +
      `session. Put ${key} back; or, to replace it with a new session (and release ${olds.adoptSessionId}), remove adoptSessionId ` +
      "and the import option in the same change (add the retainOnDelete option to keep the old session running)",
  }));
}

/** Splits the inputs into what can be checked now and what is not yet known. */
function knownSessionInputs(news: Props): { known: Props; unknownKeys: string[]; unknownLabelKeys: string[] } {
  const known: Props = {};
  const unknownKeys: string[] = [];
  const unknownLabelKeys: string[] = [];
  for (const key of SESSION_PUBLIC_INPUTS) {
    const value = news[key];
    if (key === "labels" && isPlainObject(value) && !isUnknown(value)) {
      // Keys are always known; a value that is not stands in as a valid one, so its key is still checked.
      known.labels = Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          if (!containsUnknown(v)) return [k, v];
          unknownLabelKeys.push(k);
          return [k, UNKNOWN_LABEL_VALUE];
        }),
      );
    } else if (containsUnknown(value)) unknownKeys.push(key);
    else if (value !== undefined) known[key] = value;
  }
  return { known, unknownKeys, unknownLabelKeys };
}

const UNKNOWN_LABEL_VALUE = "unknown";
/** Rules about a label's value, which a value not yet known cannot break yet. */
const VALUE_RULES = new Set(["maxValueLength", "allowedValues", "valuePattern", "valuePatterns"]);

/** Keys a refresh found on the session that neither the session declares nor others own. */
function foreignLabelKeys(olds: Props, ignore: IgnoreRules): string[] {
  const observed = (olds.effectiveLabels as LabelMap | undefined) ?? {};
  const declared = desiredLabels(olds.defaultLabels as LabelMap, olds.labels as LabelMap);
  return Object.keys(observed).filter((key) => !(key in declared) && !isIgnoredKey(key, ignore));
}

function gone(): pulumi.dynamic.ReadResult {
  return { id: "", props: {} };
}

/**
 * The defaults that actually apply: those under keys the session does not set
 * itself. Recorded this way in check, as refresh (attributeObserved) records
 * them, so a default repeating or overridden by an own label never shows as a diff.
 */
function appliedDefaults(defaults: LabelMap, labels: unknown): LabelMap {
  if (!isPlainObject(labels)) return defaults;
  return Object.fromEntries(Object.entries(defaults).filter(([key]) => !(key in labels)));
}

function describeViolations(
  labels: LabelMap,
  policy: LabelPolicy | undefined,
  source: string,
  context: PolicyContext,
  unknownLabelKeys: readonly string[],
): string[] {
  if (!policy) return [];
  return policyViolations(labels, policy, context)
    .filter((v) => !(v.key !== undefined && unknownLabelKeys.includes(v.key) && VALUE_RULES.has(v.rule)))
    .map(
    (v) => `label policy (${source}) rule ${v.rule}${v.key ? ` on key "${v.key}"` : ""}: ${v.message}`,
  );
}

function sameValue(a: unknown, b: unknown): boolean {
  if (isUnknown(b)) return false;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
