/**
 * Recovery after a `pulumi up` was killed mid-run: the state then holds
 * "pending creates" (creates the engine started but never saw finish), and some
 * of them did make a session. Clearing them (`pulumi refresh
 * --clear-pending-creates`) forgets those sessions: they keep running,
 * unmanaged. This finds them through the AGB API alone, and writes them into the
 * state as the resources they were meant to be.
 *
 * A pending create records the resource's checked inputs but not the random
 * create token the provider put on the session, so a session is matched by its
 * labels: it must carry exactly the pending resource's desired labels plus a
 * create token no resource in the state knows. This is safe when the label set
 * identifies the stack (e.g. with registerAutoTagging); when there are more
 * candidates than pending creates with that label set, nothing is adopted and
 * the candidates are reported instead.
 */
import type { AgbClient } from "../../provider/client/AgbClient";
import { desiredLabels } from "../../provider/labels/desiredLabels";
import { CREATE_TOKEN_LABEL } from "../../provider/labels/ignoreRules";
import type { LabelMap } from "../../provider/labels/labelMapSchema";
import { SESSION_TYPE } from "../../provider/resources/Session";

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

interface PendingOperation {
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
  adopted: Array<{ urn: string; sessionId: string }>;
  /** Pending creates not adopted (they made no session, or were ambiguous): dropped, the next `up` creates them. */
  dropped: number;
  /** Label sets with more unknown sessions than pending creates: left alone, listed for a human. */
  ambiguous: Array<{ labels: LabelMap; candidates: string[] }>;
}

export async function recoverPendingCreates(deployment: Deployment, client: AgbClient): Promise<RecoveryResult> {
  const resources = deployment.resources ?? [];
  const pending = deployment.pending_operations ?? [];
  const creates = pending.filter((op) => op.type === "creating" && op.resource.type === SESSION_TYPE);
  const knownIds = new Set(resources.map((r) => r.id).filter((id): id is string => typeof id === "string"));
  const knownTokens = new Set(
    resources
      .map((r) => (r.outputs?.effectiveLabels as LabelMap | undefined)?.[CREATE_TOKEN_LABEL])
      .filter((t): t is string => typeof t === "string"),
  );

  const groups = new Map<string, { labels: LabelMap; ops: PendingOperation[] }>();
  for (const op of creates) {
    const inputs = op.resource.inputs ?? {};
    if (typeof inputs.adoptSessionId === "string") continue; // adoption makes no session
    const labels = desiredLabels((inputs.defaultLabels as LabelMap) ?? {}, (inputs.labels as LabelMap) ?? {});
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const group = groups.get(key) ?? { labels, ops: [] };
    group.ops.push(op);
    groups.set(key, group);
  }

  const adopted: RecoveryResult["adopted"] = [];
  const adoptedResources: StateResource[] = [];
  const ambiguous: RecoveryResult["ambiguous"] = [];
  for (const { labels, ops } of groups.values()) {
    const candidates: Array<{ sessionId: string; labels: LabelMap }> = [];
    for (const found of await client.listSessions(labels)) {
      if (knownIds.has(found.sessionId)) continue;
      const observed = await client.getLabels(found.sessionId);
      const token = observed[CREATE_TOKEN_LABEL];
      if (!token || knownTokens.has(token)) continue;
      const { [CREATE_TOKEN_LABEL]: _token, ...rest } = observed;
      if (JSON.stringify(sorted(rest)) !== JSON.stringify(sorted(labels))) continue;
      candidates.push({ sessionId: found.sessionId, labels: observed });
    }
    if (candidates.length > ops.length) {
      ambiguous.push({ labels, candidates: candidates.map((c) => c.sessionId) });
      continue;
    }
    candidates.forEach((candidate, i) => {
      const op = ops[i];
      const inputs = op.resource.inputs ?? {};
      adoptedResources.push({
        ...op.resource,
        id: candidate.sessionId,
        // Enough for `read` (run by the refresh that follows) to fill in the rest.
        outputs: { ...inputs, sessionId: candidate.sessionId, effectiveLabels: candidate.labels, status: "RUNNING", adopted: false },
      });
      adopted.push({ urn: op.resource.urn, sessionId: candidate.sessionId });
    });
  }

  return {
    deployment: {
      ...deployment,
      resources: [...resources, ...adoptedResources],
      pending_operations: pending.filter((op) => !creates.includes(op)),
    },
    pendingCreates: creates.length,
    adopted,
    dropped: creates.length - adopted.length,
    ambiguous,
  };
}

function sorted(labels: LabelMap): Array<[string, string]> {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
