export { Session, SESSION_TYPE, type SessionArgs } from "./resources/Session";
export { SessionLabels, SESSION_LABELS_TYPE, type SessionLabelsArgs } from "./resources/SessionLabels";
export { getSessions, getSessionsOutput, type GetSessionsArgs, type GetSessionsResult, type FoundSession } from "./queries/getSessions";
export { registerAutoTagging, DEFAULT_AUTO_TAG_OPTIONS, type AutoTagOptions } from "./autoTag";
export { AgbClient, type Labels, type CreateSessionRequest, type SessionDetails, type SessionSummary } from "./client/AgbClient";
export { DEFAULT_CLIENT_OPTIONS, type ClientOptions, type ClientOptionsInput } from "./client/clientOptions";
export {
  AgbError,
  AgbApiError,
  AgbAuthError,
  AgbNetworkError,
  AgbNotFoundError,
  AgbResponseShapeError,
  AgbTimeoutError,
  AgbValidationError,
  isAgbError,
  isNotFound,
} from "./client/errors";
export { labelPolicySchema, policyViolations, type LabelPolicy, type PolicyViolation } from "./labels/labelPolicy";
export { RELEASED_STATUSES, isReleasedStatus } from "../wire/sessionStatus";
export { CREATE_TOKEN_LABEL } from "./labels/ignoreRules";
