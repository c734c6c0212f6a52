import * as pulumi from "@pulumi/pulumi";
import { SESSION_TYPE } from "./resources/Session";

export interface AutoTagOptions {
  /** Label key for the stack name; default "pulumi-stack". */
  stackKey?: string;
  /** Label key for the project name; default "pulumi-project". */
  projectKey?: string;
  /** More labels to stamp on every session. */
  extraLabels?: Record<string, string>;
}

export const DEFAULT_AUTO_TAG_OPTIONS = { stackKey: "pulumi-stack", projectKey: "pulumi-project" } as const;

/**
 * Stamps stack-identifying labels on every `Session` the program declares
 * after this call, through a resource transform. A session's own labels win
 * on a key clash; stack default labels sit below both.
 */
export function registerAutoTagging(options: AutoTagOptions = {}): void {
  const settings = { ...DEFAULT_AUTO_TAG_OPTIONS, ...options };
  const stamp: Record<string, string> = {
    ...(settings.extraLabels ?? {}),
    [settings.stackKey]: pulumi.getStack(),
    [settings.projectKey]: pulumi.getProject(),
  };
  pulumi.runtime.registerResourceTransform((args) => {
    if (args.type !== SESSION_TYPE) return undefined;
    const labels = pulumi
      .output(args.props.labels as pulumi.Input<Record<string, string>> | undefined)
      .apply((own) => ({ ...stamp, ...(own ?? {}) }));
    return { props: { ...args.props, labels }, opts: args.opts };
  });
}
