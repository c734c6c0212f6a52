import type * as pulumi from "@pulumi/pulumi";

/**
 * The user's options with outputs the engine must keep secret added. The
 * engine's own mechanism, so nothing stands in the inputs for it (a secret
 * placeholder input cost about 150 B of state per resource).
 */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, keys: readonly string[]): pulumi.CustomResourceOptions {
  const given = opts?.additionalSecretOutputs ?? [];
  return { ...opts, additionalSecretOutputs: [...given, ...keys.filter((key) => !given.includes(key))] };
}
