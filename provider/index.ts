/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The package `pulumi-agb`. What declaring resources needs loads with it; the
 * client, queries and schemas (axios, zod) load on first use, see lazyLoad.
 */
import { lazyLoad } from "./lazyLoad";
import type * as AgbClientModule from "./client/AgbClient";
import type * as ClientOptionsModule from "./client/clientOptions";
import type * as GetSessionsModule from "./queries/getSessions";
import type * as LabelPolicyModule from "./labels/labelPolicy";

export { Session, SESSION_TYPE, type SessionArgs } from "./resources/Session";
export { SessionLabels, SESSION_LABELS_TYPE, type SessionLabelsArgs } from "./resources/SessionLabels";
export { registerAutoTagging, DEFAULT_AUTO_TAG_OPTIONS, type AutoTagOptions } from "./autoTag";
export {
  AgbError,
  AgbApiError,
  AgbAuthError,
  AgbCreateOutcomeUnknownError,
  AgbEndpointError,
  AgbNetworkError,
  AgbNotFoundError,
  AgbResponseShapeError,
  AgbTimeoutError,
  AgbValidationError,
  isAgbError,
  isNotFound,
} from "./client/errors";
export { RELEASED_STATUSES, isReleasedStatus } from "../wire/sessionStatus";
export { CREATE_TOKEN_LABEL } from "./labels/ignoreRules";

export type { GetSessionsArgs, GetSessionsOutputArgs, GetSessionsResult, FoundSession } from "./queries/getSessions";
export const getSessions: typeof GetSessionsModule.getSessions = null as never;
export const getSessionsOutput: typeof GetSessionsModule.getSessionsOutput = null as never;
lazyLoad(exports, ["getSessions", "getSessionsOutput"], () => require("./queries/getSessions"));

export type { Labels, CreateSessionRequest, SessionDetails, SessionSummary } from "./client/AgbClient";
export type AgbClient = AgbClientModule.AgbClient;
export const AgbClient: typeof AgbClientModule.AgbClient = null as never;
lazyLoad(exports, ["AgbClient"], () => require("./client/AgbClient"));

export type { ClientOptions, ClientOptionsInput } from "./client/clientOptions";
export const DEFAULT_CLIENT_OPTIONS: typeof ClientOptionsModule.DEFAULT_CLIENT_OPTIONS = null as never;
lazyLoad(exports, ["DEFAULT_CLIENT_OPTIONS"], () => require("./client/clientOptions"));

export type { LabelPolicy, PolicyViolation } from "./labels/labelPolicy";
export const labelPolicySchema: typeof LabelPolicyModule.labelPolicySchema = null as never;
export const policyViolations: typeof LabelPolicyModule.policyViolations = null as never;
lazyLoad(exports, ["labelPolicySchema", "policyViolations"], () => require("./labels/labelPolicy"));
