import { AgbApiError, AgbError, AgbNotFoundError, isNotFound, redactSecrets } from "../../../provider/client/errors";

describe("errors", () => {
  it("puts operation, status, code and request id in the message", () => {
    const error = new AgbNotFoundError({
      operation: "getLabel",
      status: 400,
      code: "InvalidMcpSession.NotFound",
      requestId: "req-1",
      apiMessage: "session s-1 not found",
    });
    expect(error).toBeInstanceOf(AgbApiError);
    expect(error).toBeInstanceOf(AgbError);
    expect(isNotFound(error)).toBe(true);
    expect(error.name).toBe("AgbNotFoundError");
    expect(error.message).toBe(
      "AGB getLabel failed: session s-1 not found; HTTP 400; code InvalidMcpSession.NotFound; request id req-1",
    );
  });

  it("redacts bearer tokens, akm- keys and given secrets", () => {
    expect(redactSecrets("authorization: Bearer abc.def and akm-123_x and hunter22", ["hunter22"])).toBe(
      "authorization: [redacted] and [redacted] and [redacted]",
    );
  });
});
