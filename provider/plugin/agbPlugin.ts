import type * as provider from "@pulumi/pulumi/provider";
import { AgbValidationError } from "../client/errors";
import { getSessions } from "../queries/getSessions";
import { CREATE_TOKEN_LABEL, isIgnoredKey } from "../labels/ignoreRules";
import { currentClient, currentIgnoreRules } from "../runtime/runtimeState";
import { ProviderError } from "../runtime/providerError";
import { SESSION_PUBLIC_INPUTS } from "../runtime/sessionInputs";
import { sessionLabelsProviderImpl } from "../runtime/sessionLabelsProviderImpl";
import { sessionProviderImpl } from "../runtime/sessionProviderImpl";
import { detailedDiff, type DiffKind } from "./detailedDiff";
import { SecretPaths } from "./secretPaths";
import { isSecretConfig } from "./secretConfig";
import { isSecretWrapper, secret } from "./secretValues";

type Props = Record<string, unknown>;

export const SESSION_TOKEN = "agb:index:Session";
export const SESSION_LABELS_TOKEN = "agb:index:SessionLabels";

/**
 * Outputs secret on every path, as the dynamic resources declare them: a refresh
 * records there labels that other resources or tools wrote, whose secretness the
 * provider cannot know. The schema flags the same ones.
 */
export const ALWAYS_SECRET_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  [SESSION_TOKEN]: ["effectiveLabels"],
  [SESSION_LABELS_TOKEN]: ["sessionLabels"],
};
export const GET_SESSIONS_TOKEN = "agb:index:getSessions";

/** What the runtime's providers offer: the same object the dynamic providers call. */
type RuntimeProvider = typeof sessionProviderImpl | typeof sessionLabelsProviderImpl;

interface PluginType {
  runtime: RuntimeProvider;
  /** The properties a program declares, diffed one by one for the engine. */
  declared: readonly string[];
  /** Outputs made of inputs: secret when any of those inputs is. */
  derived: Readonly<Record<string, readonly string[]>>;
  /** Outputs that are secret whatever the inputs (as on the dynamic path): they hold labels others wrote. */
  secretOutputs: readonly string[];
}

const TYPES: Readonly<Record<string, PluginType>> = {
  [SESSION_TOKEN]: {
    runtime: sessionProviderImpl,
    declared: [...SESSION_PUBLIC_INPUTS, "defaultLabels"],
    derived: { effectiveLabels: ["labels", "defaultLabels"], sessionId: ["adoptSessionId"] },
    secretOutputs: ALWAYS_SECRET_OUTPUTS[SESSION_TOKEN],
  },
  [SESSION_LABELS_TOKEN]: {
    runtime: sessionLabelsProviderImpl,
    declared: ["sessionId", "labels"],
    derived: { sessionLabels: ["labels"] },
    secretOutputs: ALWAYS_SECRET_OUTPUTS[SESSION_LABELS_TOKEN],
  },
};

/** A diff as the plugin answers it: the runtime's verdict plus the property-by-property detail. */
export interface PluginDiffResult extends provider.DiffResult {
  detailedDiff: Record<string, DiffKind>;
}

/**
 * The `agb` resource provider plugin. Every method hands over to the runtime
 * functions the dynamic providers call (provider/runtime), so both paths
 * behave the same; this layer only translates what differs on the plugin
 * protocol: secret wrappers in and out, the resource type from the URN, a
 * detailed diff, and `pulumi import` (a read with no prior state).
 */
export const agbPlugin = {
  async check(urn: string, olds: Props, news: Props): Promise<provider.CheckResult> {
    const type = typeOf(urn);
    const secrets = new SecretPaths();
    const newInputs = secrets.reveal(news);
    const result = await type.runtime.check(new SecretPaths().reveal(olds), newInputs);
    const inputs = secrets.wrap((result.inputs ?? newInputs) as Props);
    // The defaults come from provider config, not from the program: secret when that config was.
    if (inputs.defaultLabels !== undefined && !isSecretWrapper(inputs.defaultLabels) && isSecretConfig("agb:defaultLabels")) {
      inputs.defaultLabels = secret(inputs.defaultLabels);
    }
    return { inputs, failures: result.failures };
  },

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<PluginDiffResult> {
    const type = typeOf(urn);
    const before = new SecretPaths().reveal(olds);
    const after = new SecretPaths().reveal(news);
    const verdict = await type.runtime.diff(id, before, after);
    return { ...verdict, detailedDiff: detailedDiff(before, after, verdict, type.declared, "labels") };
  },

  async create(urn: string, inputs: Props): Promise<provider.CreateResult> {
    const type = typeOf(urn);
    const secrets = new SecretPaths();
    const result = await type.runtime.create(secrets.reveal(inputs));
    return { id: result.id, outs: outputsFor(type, secrets, (result.outs ?? {}) as Props) };
  },

  async read(id: string, urn: string, props: Props | undefined): Promise<provider.ReadResult> {
    const type = typeOf(urn);
    const secrets = new SecretPaths();
    const old = secrets.reveal(props);
    if (type.runtime === sessionProviderImpl && old.sessionId === undefined) return importSession(id);
    const result = await type.runtime.read(id, old);
    const found = (result.props ?? {}) as Props;
    return {
      id: result.id,
      props: outputsFor(type, secrets, found),
      inputs: result.inputs === undefined ? undefined : secrets.wrap(result.inputs as Props),
    };
  },

  async update(id: string, urn: string, olds: Props, news: Props): Promise<provider.UpdateResult> {
    const type = typeOf(urn);
    const secrets = new SecretPaths();
    const next = secrets.reveal(news);
    const result = await type.runtime.update(id, new SecretPaths().reveal(olds), next);
    return { outs: outputsFor(type, secrets, (result.outs ?? {}) as Props) };
  },

  async delete(id: string, urn: string, props: Props): Promise<void> {
    await typeOf(urn).runtime.delete(id, new SecretPaths().reveal(props));
  },

  async invoke(token: string, args: Props): Promise<provider.InvokeResult> {
    if (token !== GET_SESSIONS_TOKEN) throw new AgbValidationError("token", `unknown function ${token}; the agb plugin serves ${GET_SESSIONS_TOKEN}`);
    const secrets = new SecretPaths();
    const options = secrets.reveal(args);
    try {
      const result = await getSessions({ ...options, client: currentClient() });
      const outputs = { sessions: result.sessions, sessionIds: result.sessionIds };
      // Sessions found by a secret label filter are as secret as the filter.
      const hidden = secrets.has("labels");
      return { outputs: hidden ? { sessions: secret(outputs.sessions), sessionIds: secret(outputs.sessionIds) } : outputs };
    } catch (error) {
      if (error instanceof AgbValidationError) return { failures: [{ property: error.property, reason: error.reason }] };
      throw error;
    }
  },
};

/** Outputs with the wrappers the inputs had, around those derived from secrets, and around the always-secret ones. */
function outputsFor(type: PluginType, secrets: SecretPaths, outs: Props): Props {
  const wrapped = secrets.wrap(outs, type.derived);
  for (const key of type.secretOutputs) {
    if (wrapped[key] !== undefined && !isSecretWrapper(wrapped[key])) wrapped[key] = secret(wrapped[key]);
  }
  return wrapped;
}

/**
 * `pulumi import agb:index:Session <name> <id>`: a read with no state. The
 * session is adopted (as the dynamic path's `import` option adopts), its
 * labels, less those others own, become its declared labels; nothing is
 * written. The service does not report the image a session runs, so imageId
 * is left out: the engine warns that the generated code needs it, and the
 * runtime records the program's imageId without replacing an imported session.
 * Nothing read back is known to have been secret: the generated code holds
 * the labels in plain text.
 */
async function importSession(id: string): Promise<provider.ReadResult> {
  const result = await sessionProviderImpl.read(id, { sessionId: id, adoptSessionId: id, adopted: true });
  // An empty answer reads to the engine as "provider does not support importing": say what was found instead.
  if (!result.id) throw new ProviderError("sessionId", `session ${id} does not exist or is already released (GetSession); nothing was imported`);
  const { imageId: _unknownImage, ...found } = result.props as Props;
  void _unknownImage;
  const observed = (found.effectiveLabels as Record<string, string> | undefined) ?? {};
  refuseHeldSession(id, observed);
  // A refresh records only declared keys; an import declares every label found, less those others own.
  const ignore = currentIgnoreRules();
  const props = { ...found, labels: Object.fromEntries(Object.entries(observed).filter(([key]) => !isIgnoredKey(key, ignore))) };
  const declared = new Set(SESSION_PUBLIC_INPUTS);
  const inputs = Object.fromEntries(Object.entries(props).filter(([key, value]) => declared.has(key) && value !== undefined));
  return { id: result.id, props: outputsFor(TYPES[SESSION_TOKEN], new SecretPaths(), props), inputs };
}

/**
 * A session carrying the create token was made by a pulumi-agb Session, so a
 * stack holds it (most often this one: the plugin cannot see the state). A
 * second resource for it would write its labels against the first, and either
 * one's replacement or destroy would release it under the other. Refused
 * before anything is recorded; a session whose stack is gone is taken over
 * deliberately, by declaring it with adoptSessionId.
 */
function refuseHeldSession(id: string, observed: Record<string, string>): void {
  const token = observed[CREATE_TOKEN_LABEL];
  if (token === undefined) return;
  throw new ProviderError(
    "sessionId",
    `session ${id} carries ${CREATE_TOKEN_LABEL}=${token}: a pulumi-agb Session created it, so a stack already holds it ` +
      "(look for it with `pulumi stack export`). Importing it as a second resource would make both write its labels, and " +
      "either one's replacement or destroy would release it under the other; nothing was imported. If the stack that " +
      `created it is gone, declare the session in the program with adoptSessionId: ${id} instead`,
  );
}

/** The resource type a URN names (`urn:pulumi:stack::project::agb:index:Session::name`). */
function typeOf(urn: string): PluginType {
  const qualified = urn.split("::")[2] ?? "";
  const token = qualified.split("$").pop() ?? "";
  const type = TYPES[token];
  if (!type) throw new AgbValidationError("type", `unknown resource type ${token}; the agb plugin serves ${Object.keys(TYPES).join(", ")}`);
  return type;
}
