import * as pulumi from "@pulumi/pulumi";
import type { LabelPolicy } from "../labels/labelPolicy";
import sessionProvider from "./providers/session";

export interface SessionArgs {
  /** Image to run, e.g. "agb-code-space-1". A change replaces the session. */
  imageId: pulumi.Input<string>;
  /** The session's labels. A change is an in-place update (one SetLabel). `{}` and no labels are the same. */
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Idle time, in seconds, after which AGB releases the session. A change replaces it. */
  idleReleaseTimeout?: pulumi.Input<number>;
  /** AGB MCP policy id. A change replaces the session. */
  policyId?: pulumi.Input<string>;
  /**
   * Bring an existing session under this stack instead of creating one. Its
   * labels are then set to the declared ones (labels other systems own, per
   * `agb:ignoreLabelKeys`/`agb:ignoreLabelPrefixes`, are kept). `pulumi destroy`
   * releases an adopted session like any other; add the `retainOnDelete`
   * resource option to leave it running.
   */
  adoptSessionId?: pulumi.Input<string>;
  /** Label rules for this session, on top of the stack's `agb:labelPolicy`. */
  labelPolicy?: pulumi.Input<LabelPolicy>;
}

export const SESSION_TYPE = "pulumi-nodejs:dynamic/agb:Session";

/** An AGB session and its labels. */
export class Session extends pulumi.dynamic.Resource {
  declare readonly sessionId: pulumi.Output<string>;
  declare readonly imageId: pulumi.Output<string>;
  /** The session's own labels as declared (or as found by the last refresh). */
  declare readonly labels: pulumi.Output<Record<string, string>>;
  /** The stack's default labels applied to this session (`agb:defaultLabels`, minus keys it sets itself). */
  declare readonly defaultLabels: pulumi.Output<Record<string, string>>;
  /** Every label on the session as last read or written: defaults, own labels and labels others own. */
  declare readonly effectiveLabels: pulumi.Output<Record<string, string>>;
  declare readonly status: pulumi.Output<string>;
  declare readonly resourceUrl: pulumi.Output<string | undefined>;
  declare readonly appInstanceId: pulumi.Output<string | undefined>;
  declare readonly resourceId: pulumi.Output<string | undefined>;
  declare readonly linkUrl: pulumi.Output<string | undefined>;
  declare readonly wsUrl: pulumi.Output<string | undefined>;
  declare readonly idleReleaseTimeout: pulumi.Output<number | undefined>;
  declare readonly policyId: pulumi.Output<string | undefined>;
  declare readonly adoptSessionId: pulumi.Output<string | undefined>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: SessionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      sessionProvider,
      name,
      {
        sessionId: undefined,
        defaultLabels: undefined,
        status: undefined,
        resourceUrl: undefined,
        appInstanceId: undefined,
        resourceId: undefined,
        linkUrl: undefined,
        wsUrl: undefined,
        adopted: undefined,
        // Every property the program passed, known or not, so that check can refuse a misspelt one by name.
        ...args,
        // An empty map that is secret exactly when the labels are: the engine then
        // marks the effectiveLabels output secret too, so a secret label value never
        // shows in plain text there.
        effectiveLabels: pulumi.output(args.labels).apply(() => ({})),
      },
      opts,
      "agb",
      "Session",
    );
  }
}
