/**
 * Query parameters of a session URL that carry a credential: the SDKs' test of
 * getSession says the resource URL "will have different authcode on each call".
 * Spelled as the service's other parameters are (resourceId), matched in any casing.
 */
const CREDENTIAL_PARAMETERS = new Set(["authcode", "auth_code", "auth-code"]);

/**
 * A session URL as the stack stores it: without its auth code. Dropped rather
 * than kept as a secret output, because the code changes on every read: kept,
 * every refresh would record a changed output (a perpetual diff), and the
 * stored code would be stale by the next read anyway, so state would hold a
 * credential that is of no use to anyone but a reader of that state. Whoever
 * needs a URL that opens the session asks AGB for a fresh one (getSession) at
 * the time of use. Every other part of the URL is kept as the service gave it.
 */
export function withoutAuthCode(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const queryStart = url.indexOf("?");
  if (queryStart < 0) return url;
  const fragmentStart = url.indexOf("#", queryStart);
  const query = url.slice(queryStart + 1, fragmentStart < 0 ? undefined : fragmentStart);
  const fragment = fragmentStart < 0 ? "" : url.slice(fragmentStart);
  const kept = query.split("&").filter((pair) => {
    const name = pair.split("=", 1)[0];
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // a malformed escape: compare the name as it stands
    }
    return pair !== "" && !CREDENTIAL_PARAMETERS.has(decoded.toLowerCase());
  });
  return `${url.slice(0, queryStart)}${kept.length > 0 ? `?${kept.join("&")}` : ""}${fragment}`;
}
