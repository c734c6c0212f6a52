import * as pulumi from "@pulumi/pulumi";
import sessionLabelsProvider from "./providers/sessionLabels";

export interface SessionLabelsArgs {
  /** A session this stack does not own. A change moves the labels (replacement). */
  sessionId: pulumi.Input<string>;
  /** The labels this resource owns on that session; other keys are left alone. */
  labels: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export const SESSION_LABELS_TYPE = "pulumi-nodejs:dynamic/agb:SessionLabels";

/**
 * Some labels on a session created elsewhere: creates and updates merge these
 * keys into the session's labels, destroy removes only these keys, and refresh
 * reports drift of these keys only.
 */
export class SessionLabels extends pulumi.dynamic.Resource {
  declare readonly sessionId: pulumi.Output<string>;
  declare readonly labels: pulumi.Output<Record<string, string>>;
  /** Every label on the session after the last write or refresh. */
  declare readonly sessionLabels: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: SessionLabelsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      sessionLabelsProvider,
      name,
      // Every property the program passed, known or not, so that check can refuse a misspelt one by name.
      { sessionLabels: undefined, ...args },
      opts,
      "agb",
      "SessionLabels",
    );
  }
}
