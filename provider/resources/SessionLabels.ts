import * as pulumi from "@pulumi/pulumi";
import { guardLabels } from "./guardLabels";
import { withSecretOutputs } from "./withSecretOutputs";
import sessionLabelsProvider from "./providers/sessionLabels";

/** The inputs of a `SessionLabels`. */
export interface SessionLabelsArgs {
  /**
   * A session this stack does not own. A change moves the labels (replacement).
   * @example "s-0123456789abcdef"
   */
  sessionId: pulumi.Input<string>;
  /**
   * The labels this resource owns on that session; other keys are left alone.
   * @example { owner: "platform", "cost-center": "cc-0042" }
   */
  labels: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export const SESSION_LABELS_TYPE = "pulumi-nodejs:dynamic/agb:SessionLabels";

/**
 * Some labels on a session created elsewhere: creates and updates merge these
 * keys into the session's labels, destroy removes only these keys, and refresh
 * reports drift of these keys only.
 * @example
 * new agb.SessionLabels("ci-labels", { sessionId: "s-0123456789abcdef", labels: { owner: "platform" } });
 */
export class SessionLabels extends pulumi.dynamic.Resource {
  /**
   * The session the labels are on.
   * @example "s-0123456789abcdef"
   */
  declare readonly sessionId: pulumi.Output<string>;
  /**
   * The labels this resource owns, as last written or read.
   * @example { owner: "platform" }
   */
  declare readonly labels: pulumi.Output<Record<string, string>>;
  /**
   * Every label on the session after the last write or refresh, others' included.
   * Always secret: it holds labels other resources and tools wrote, whose
   * secrecy this resource cannot know.
   * @example { owner: "platform", runner: "ci-7" }
   */
  declare readonly sessionLabels: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: SessionLabelsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      sessionLabelsProvider,
      name,
      // Every property the program passed, known or not, so that check can refuse a misspelt one by name.
      { ...args, labels: guardLabels(`SessionLabels "${name}"`, args.labels), sessionLabels: undefined },
      // sessionLabels holds labels other resources and tools wrote: always secret.
      withSecretOutputs(opts, ["sessionLabels"]),
      "agb",
      "SessionLabels",
    );
  }
}
