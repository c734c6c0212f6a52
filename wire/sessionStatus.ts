/**
 * Session status strings. After a release the service reports DELETING, then
 * DELETED or FINISH, before the session answers not-found; the SDKs'
 * integration tests count all three as released
 * (python/tests/integration/test_session_keep_alive.py and its TypeScript twin).
 */
export const RUNNING_STATUS = "RUNNING";
export const RELEASED_STATUSES = ["DELETING", "DELETED", "FINISH"] as const;
export type ReleasedStatus = (typeof RELEASED_STATUSES)[number];

const RELEASED: ReadonlySet<string> = new Set(RELEASED_STATUSES);

/** True when the status says the session is released or on its way out. */
export function isReleasedStatus(status: string | null | undefined): boolean {
  return status !== undefined && status !== null && RELEASED.has(status.toUpperCase());
}
