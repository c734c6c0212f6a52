import * as pulumi from "@pulumi/pulumi";

export interface AutoTagOptions {
  /** Label key for the stack name; default "pulumi-stack". */
  stackKey?: string;
  /** Label key for the project name; default "pulumi-project". */
  projectKey?: string;
  /** More labels to stamp on every session. */
  extraLabels?: Record<string, string>;
}

export const DEFAULT_AUTO_TAG_OPTIONS = { stackKey: "pulumi-stack", projectKey: "pulumi-project" } as const;

let stamp: Readonly<Record<string, string>> | undefined;

/**
 * Stamps stack-identifying labels on every `Session` the program declares
 * after this call. A session's own labels win on a key clash; stack default
 * labels sit below both. The `Session` constructor applies them, not an engine
 * transform, so it works under every Node.js language host (older hosts do not
 * forward `RegisterStackTransform`).
 * @example
 * agb.registerAutoTagging();                                  // pulumi-stack, pulumi-project
 * agb.registerAutoTagging({ extraLabels: { owner: "platform" } });
 */
export function registerAutoTagging(options: AutoTagOptions = {}): void {
  const settings = { ...DEFAULT_AUTO_TAG_OPTIONS, ...options };
  stamp = {
    ...(settings.extraLabels ?? {}),
    [settings.stackKey]: pulumi.getStack(),
    [settings.projectKey]: pulumi.getProject(),
  };
}

/** `labels` with the registered stamp under them; `labels` itself when auto-tagging is off. */
export function withAutoTags<T extends pulumi.Input<Record<string, pulumi.Input<string>>> | undefined>(labels: T): T | pulumi.Output<Record<string, string>> {
  const current = stamp;
  if (!current) return labels;
  return pulumi.output(labels).apply((own) => ({ ...current, ...((own as Record<string, string> | undefined) ?? {}) }));
}
