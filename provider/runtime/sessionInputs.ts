import { z } from "zod";
import { labelMapSchema } from "../labels/labelMapSchema";
import { labelPolicySchema } from "../labels/labelPolicy";

/**
 * Provider bookkeeping that travels with the inputs but is not the user's.
 * `createToken` is drawn afresh by a check that may lead to a create, so the
 * engine records it with a pending create before the create starts: if the run is killed, the token
 * in state finds the session the create may have made (see agb-recover-pending).
 */
export const INTERNAL_INPUT_KEYS = ["__provider", "effectiveLabels", "createToken", "defaultLabels"] as const;

export const sessionInputsSchema = z.object({
  imageId: z
    .string({ error: "imageId is required and must be a string, e.g. \"agb-code-space-1\"" })
    .trim()
    .min(1, "imageId may not be empty")
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "imageId may hold only letters, digits, '.', '_' and '-'"),
  labels: labelMapSchema.nullish(),
  idleReleaseTimeout: z
    .number({ error: "idleReleaseTimeout must be a number of seconds" })
    .int("idleReleaseTimeout must be a whole number of seconds")
    .positive("idleReleaseTimeout must be positive")
    .max(86_400, "idleReleaseTimeout may be at most 86400 seconds")
    .nullish(),
  policyId: z.string({ error: "policyId must be a string" }).trim().min(1, "policyId may not be empty").nullish(),
  adoptSessionId: z
    .string({ error: "adoptSessionId must be a string" })
    .trim()
    .min(1, "adoptSessionId may not be empty")
    .nullish(),
  labelPolicy: labelPolicySchema.nullish(),
});
export type SessionInputs = z.infer<typeof sessionInputsSchema>;

/** What a program may pass to a Session. */
export const SESSION_PUBLIC_INPUTS: readonly string[] = Object.keys(sessionInputsSchema.shape);

/** Everything a Session's inputs may hold: the public inputs and the provider's bookkeeping. */
export const SESSION_INPUT_KEYS: ReadonlySet<string> = new Set([...SESSION_PUBLIC_INPUTS, ...INTERNAL_INPUT_KEYS]);

/** Properties that cannot change in place: a change replaces the session. */
export const REPLACE_ON_CHANGE = ["imageId", "idleReleaseTimeout", "policyId", "adoptSessionId"] as const;
