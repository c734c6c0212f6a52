/**
 * Recovery after a `pulumi up` was killed mid-run. The state then holds
 * "pending creates": creates the engine started but never saw finish, some of
 * which did make a session. `pulumi refresh --clear-pending-creates` would
 * forget those sessions while they keep running, unmanaged.
 *
 * Each pending create records the resource's checked inputs, and `check` puts a
 * fresh `createToken` there that the create then stamps on the session (label
 * `pulumi-agb-create-token`). So the session a pending create made, if any, is
 * found exactly with one ListSession filtered by that token, and written into
 * the state as the resource it was meant to be.
 */
import type { AgbClient } from "../client/AgbClient";
import { desiredLabels } from "../labels/desiredLabels";
import { CREATE_TOKEN_LABEL } from "../labels/ignoreRules";
import { liveWithToken } from "../runtime/createSessionOnce";
import type { LabelMap } from "../labels/labelMapSchema";
import { SESSION_TYPE } from "../resources/Session";

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface PendingOperation {
  type: string;
  resource: StateResource;
  [key: string]: unknown;
}

export interface Deployment {
  resources?: StateResource[];
  pending_operations?: PendingOperation[];
  [key: string]: unknown;
}

export interface RecoveryResult {
  deployment: Deployment;
  pendingCreates: number;
  /** Sessions found by their token and written into the state. */
  adopted: Array<{ urn: string; sessionId: string }>;
  /** Pending creates that made no session: dropped, the next `up` creates them. */
  dropped: string[];
  /** Extra sessions with the same token (a create answered twice). */
  duplicates: string[];
  /** The duplicates released (none with `dryRun`). */
  released: string[];
}

export interface RecoveryOptions {
  /** Only look: release no duplicate (the returned deployment is still what a real run would write). */
  dryRun?: boolean;
}

export async function recoverPendingCreates(
  deployment: Deployment,
  client: AgbClient,
  options: RecoveryOptions = {},
): Promise<RecoveryResult> {
  const resources = deployment.resources ?? [];
  const pending = deployment.pending_operations ?? [];
  const creates = pending.filter((op) => op.type === "creating" && op.resource.type === SESSION_TYPE);
  const adopted: RecoveryResult["adopted"] = [];
  const adoptedResources: StateResource[] = [];
  const dropped: string[] = [];
  const duplicates: string[] = [];
  const released: string[] = [];

  for (const op of creates) {
    const inputs = op.resource.inputs ?? {};
    const token = inputs.createToken;
    // Adoption makes no session, and a create without a token predates this mechanism: nothing to find.
    if (typeof token !== "string" || typeof inputs.adoptSessionId === "string") {
      dropped.push(op.resource.urn);
      continue;
    }
    const [found, ...extra] = await liveWithToken(client, token);
    for (const duplicate of extra) {
      duplicates.push(duplicate.sessionId);
      if (options.dryRun) continue;
      await client.releaseAndWait(duplicate.sessionId);
      released.push(duplicate.sessionId);
    }
    if (!found) {
      dropped.push(op.resource.urn);
      continue;
    }
    const labels = desiredLabels(inputs.defaultLabels as LabelMap, inputs.labels as LabelMap);
    adoptedResources.push({
      ...op.resource,
      id: found.sessionId,
      // Enough for `read` (the refresh that follows) to fill in the rest.
      outputs: {
        ...inputs,
        sessionId: found.sessionId,
        effectiveLabels: { ...labels, [CREATE_TOKEN_LABEL]: token },
        status: found.status ?? "RUNNING",
        adopted: false,
      },
    });
    adopted.push({ urn: op.resource.urn, sessionId: found.sessionId });
  }

  // A pending create under a URN the state already holds live is a replacement (create before delete):
  // the old session is marked for deletion, as the engine does once the new one is created, and the next
  // `up` releases it. Two live resources under one URN would make `pulumi stack import` refuse the state.
  const replaced = new Set(adoptedResources.map((r) => r.urn));
  return {
    deployment: {
      ...deployment,
      resources: [...resources.map((r) => (replaced.has(r.urn) && !r.delete ? { ...r, delete: true } : r)), ...adoptedResources],
      pending_operations: pending.filter((op) => !creates.includes(op)),
    },
    pendingCreates: creates.length,
    adopted,
    dropped,
    duplicates,
    released,
  };
}
