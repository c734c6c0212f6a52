import * as pulumi from "@pulumi/pulumi";
import type { LabelPolicy } from "../labels/labelPolicy";
import { withAutoTags } from "../autoTag";
import { guardLabels } from "./guardLabels";
import { withSecretOutputs } from "./withSecretOutputs";
import sessionProvider from "./providers/session";

/** The inputs of a `Session`. */
export interface SessionArgs {
  /**
   * The image the session runs. A change replaces the session (a new one is
   * created, then the old one released).
   * @example "agb-code-space-1"
   */
  imageId: pulumi.Input<string>;
  /**
   * The session's own labels. A change is an in-place update: one SetLabel
   * with the whole set, never a replacement. `{}` and no labels are the same.
   * Any key and value the AGB SDKs accept is accepted; state stricter rules in
   * `labelPolicy` or `agb:labelPolicy`. Values may be secrets.
   * @example { project: "checkout", environment: "prod", team: "payments" }
   */
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Idle time, in seconds, after which AGB releases the session (AGB's default
   * is 300). Only keep-alive calls reset it. A change replaces the session.
   * @example 1800
   */
  idleReleaseTimeout?: pulumi.Input<number>;
  /**
   * The AGB MCP policy id the session runs under. A change replaces the session.
   * @example "mcp-policy-default"
   */
  policyId?: pulumi.Input<string>;
  /**
   * Bring an existing session under this stack instead of creating one. Its
   * labels are then set to the declared ones (labels other systems own, per
   * `agb:ignoreLabelKeys`/`agb:ignoreLabelPrefixes`, are kept). `pulumi destroy`
   * releases an adopted session like any other; add the `retainOnDelete`
   * resource option to leave it running. The `import` resource option does the
   * same (it is passed on as this input). While adoption is declared, a change to
   * `imageId`, `idleReleaseTimeout` or `policyId` is refused: a replacement would
   * release the adopted session. Stop declaring the adoption to replace it.
   * @example "s-0123456789abcdef"
   */
  adoptSessionId?: pulumi.Input<string>;
  /**
   * Label rules for this session, on top of the stack's `agb:labelPolicy`,
   * checked in `check` before any API call.
   * @example { requiredKeys: ["team"], allowedValues: { environment: ["dev", "prod"] }, maxValueLength: 63 }
   */
  labelPolicy?: pulumi.Input<LabelPolicy>;
}

export const SESSION_TYPE = "pulumi-nodejs:dynamic/agb:Session";

/**
 * An AGB session and its labels. `pulumi up` creates it with its labels (one
 * CreateSession) and keeps the labels exactly as declared; `pulumi refresh`
 * reads them back; `pulumi destroy` releases it.
 * @example
 * const worker = new agb.Session("worker", {
 *   imageId: "agb-code-space-1",
 *   labels: { project: "demo", environment: "dev" },
 * });
 * export const sessionId = worker.sessionId;
 */
export class Session extends pulumi.dynamic.Resource {
  /**
   * The session's id, as AGB knows it.
   * @example "s-0123456789abcdef"
   */
  declare readonly sessionId: pulumi.Output<string>;
  /**
   * The image the session runs.
   * @example "agb-code-space-1"
   */
  declare readonly imageId: pulumi.Output<string>;
  /**
   * The session's own labels as declared (or as found by the last refresh).
   * @example { project: "demo", environment: "dev" }
   */
  declare readonly labels: pulumi.Output<Record<string, string>>;
  /**
   * The stack's default labels applied to this session (`agb:defaultLabels`, minus keys it sets itself).
   * @example { team: "payments" }
   */
  declare readonly defaultLabels: pulumi.Output<Record<string, string>>;
  /**
   * Every label on the session as last read or written: defaults, own labels,
   * labels others own, and the provider's `pulumi-agb-create-token`. Secret
   * when any declared label is.
   * @example { team: "payments", project: "demo", "pulumi-agb-create-token": "0f8c..." }
   */
  declare readonly effectiveLabels: pulumi.Output<Record<string, string>>;
  /**
   * The status AGB last reported; a released session (DELETING, DELETED, FINISH) drops out of state on refresh.
   * @example "RUNNING"
   */
  declare readonly status: pulumi.Output<string>;
  /**
   * The session's resource URL, without the `authcode=` parameter AGB adds: that
   * code is a credential that changes on every read, so state never stores it
   * (ask AGB for a fresh URL, e.g. `AgbClient.getSession`, when you need one that opens the session).
   * @example "https://.../?resourceId=r-0123"
   */
  declare readonly resourceUrl: pulumi.Output<string | undefined>;
  /**
   * The application instance behind the session.
   * @example "ai-0123456789ab"
   */
  declare readonly appInstanceId: pulumi.Output<string | undefined>;
  /**
   * The AGB resource behind the session.
   * @example "r-0123456789ab"
   */
  declare readonly resourceId: pulumi.Output<string | undefined>;
  /**
   * The link URL of the session.
   * @example "https://.../link"
   */
  declare readonly linkUrl: pulumi.Output<string | undefined>;
  /**
   * The WebSocket URL of the session.
   * @example "wss://.../ws"
   */
  declare readonly wsUrl: pulumi.Output<string | undefined>;
  /**
   * The idle-release timeout in seconds, when one was set.
   * @example 1800
   */
  declare readonly idleReleaseTimeout: pulumi.Output<number | undefined>;
  /**
   * The MCP policy id, when one was set.
   * @example "mcp-policy-default"
   */
  declare readonly policyId: pulumi.Output<string | undefined>;
  /**
   * The session this resource adopted, when it was adopted rather than created.
   * @example "s-0123456789abcdef"
   */
  declare readonly adoptSessionId: pulumi.Output<string | undefined>;
  /**
   * True when the stack adopted an existing session instead of creating it.
   * @example false
   */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: SessionArgs, opts?: pulumi.CustomResourceOptions) {
    // Pulumi's own import of a dynamic resource fails (pulumi/pulumi#16175: the engine reads it with no
    // serialized provider). The option is honoured as adoption instead, which needs no engine import.
    const { import: importId, ...options } = opts ?? {};
    if (importId !== undefined && args.adoptSessionId === undefined) args = { ...args, adoptSessionId: importId };
    args = { ...args, labels: withAutoTags(guardLabels(`Session "${name}"`, args.labels)) };
    super(
      sessionProvider,
      name,
      {
        sessionId: undefined,
        status: undefined,
        resourceUrl: undefined,
        appInstanceId: undefined,
        resourceId: undefined,
        linkUrl: undefined,
        wsUrl: undefined,
        adopted: undefined,
        effectiveLabels: undefined,
        // Every property the program passed, known or not, so that check can refuse a misspelt one by name.
        ...args,
        // A placeholder the provider fills in check: secret when the stack set agb:defaultLabels
        // with --secret (the provider gets config in plain text), which keeps the input and the
        // output of that name secret.
        defaultLabels: isSecretConfig("agb:defaultLabels") ? pulumi.secret({}) : undefined,
      },
      // effectiveLabels holds labels others wrote, whose secrecy the provider cannot know: always secret.
      withSecretOutputs(options, ["effectiveLabels"]),
      "agb",
      "Session",
    );
  }
}

/**
 * Whether the stack set a config key with --secret. @pulumi/pulumi answers
 * this for `Config.get`'s warning (runtime.isConfigSecret, marked internal, so
 * it is looked up, not typed); without it, treat the key as secret: a secret
 * output too many is safe, one too few is not.
 */
function isSecretConfig(key: string): boolean {
  const lookup = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  return typeof lookup === "function" ? lookup(key) : true;
}
