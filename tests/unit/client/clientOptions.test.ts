import { DEFAULT_CLIENT_OPTIONS, mergeClientOptions, normalizeEndpoint } from "../../../provider/client/clientOptions";
import { AgbValidationError } from "../../../provider/client/errors";
import { resolveClientOptions } from "../../../provider/client/resolveClientOptions";

describe("client options", () => {
  it("adds https:// to an endpoint without a scheme and drops trailing slashes", () => {
    expect(normalizeEndpoint("sdk-api.agb.cloud/")).toBe("https://sdk-api.agb.cloud");
    expect(normalizeEndpoint("http://127.0.0.1:8080")).toBe("http://127.0.0.1:8080");
  });

  it("resolves option > stack config > env > default", () => {
    const env = { AGB_ENDPOINT: "env.example", AGB_API_KEY: "akm-env", AGB_TIMEOUT_MS: "5000" };
    const config = { "agb:endpoint": "http://config.example", "agb:apiKey": "akm-config" };
    expect(resolveClientOptions({ endpoint: "http://explicit" }, config, env)).toMatchObject({
      endpoint: "http://explicit",
      apiKey: "akm-config",
      timeoutMs: 5000,
    });
    expect(resolveClientOptions({}, {}, env)).toMatchObject({ endpoint: "env.example", apiKey: "akm-env" });
    const merged = mergeClientOptions(resolveClientOptions({}, {}, {}));
    expect(merged.endpoint).toBe(DEFAULT_CLIENT_OPTIONS.endpoint);
    expect(merged.timeoutMs).toBe(60_000);
    expect(merged.apiKey).toBeUndefined();
  });

  it("names the setting when a number is malformed", () => {
    expect(() => resolveClientOptions({}, {}, { AGB_TIMEOUT_MS: "soon" })).toThrow(AgbValidationError);
    expect(() => resolveClientOptions({}, { "agb:maxRequestsPerSecond": "-1" }, {})).toThrow("agb:maxRequestsPerSecond");
  });

  it("merges user options over the one defaults object", () => {
    const merged = mergeClientOptions({ retry: { maxAttempts: 2 }, rateLimit: { maxPerSecond: 10 } });
    expect(merged.retry.maxAttempts).toBe(2);
    expect(merged.retry.baseDelayMs).toBe(DEFAULT_CLIENT_OPTIONS.retry.baseDelayMs);
    expect(merged.rateLimit).toEqual({ ...DEFAULT_CLIENT_OPTIONS.rateLimit, maxPerSecond: 10 });
  });
});
