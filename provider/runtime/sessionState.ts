import type { CreatedSession, SessionDetails } from "../client/AgbClient";
import type { LabelMap } from "../labels/labelMapSchema";
import type { LabelPolicy } from "../labels/labelPolicy";
import { withoutAuthCode } from "./withoutAuthCode";

/** A Session's checked inputs, as stored in state. */
export interface SessionCheckedInputs {
  imageId: string;
  labels: LabelMap;
  /** The stack's default labels in force when the inputs were checked. */
  defaultLabels: LabelMap;
  idleReleaseTimeout?: number;
  policyId?: string;
  adoptSessionId?: string;
  labelPolicy?: LabelPolicy;
}

/** A Session's outputs: its inputs plus what the service told us. */
export interface SessionState extends SessionCheckedInputs, SessionDetails {
  /** Every label on the session as last read or written. */
  effectiveLabels: LabelMap;
  /** True when the stack adopted an existing session instead of creating it. */
  adopted: boolean;
}

export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

export function sessionDetailsOf(details: CreatedSession | SessionDetails): Partial<SessionState> {
  return {
    status: "status" in details ? details.status : undefined,
    // The service's URLs, never the auth code a URL carries (see withoutAuthCode).
    resourceUrl: withoutAuthCode(details.resourceUrl),
    appInstanceId: details.appInstanceId,
    resourceId: details.resourceId,
    linkUrl: withoutAuthCode(details.linkUrl),
    wsUrl: withoutAuthCode(details.wsUrl),
  };
}

export function checkedInputsOf(state: Partial<SessionState>): SessionCheckedInputs {
  return withoutUndefined({
    imageId: state.imageId ?? "",
    labels: state.labels ?? {},
    defaultLabels: state.defaultLabels ?? {},
    idleReleaseTimeout: state.idleReleaseTimeout,
    policyId: state.policyId,
    adoptSessionId: state.adoptSessionId,
    labelPolicy: state.labelPolicy,
  });
}
