import { NOT_FOUND_CODE } from "../../../wire/protocol";
import { isSessionGoneAnswer } from "../../../wire/sessionGoneAnswer";

const ID = "s-0123";

describe("isSessionGoneAnswer: only an answer about this session means it is gone", () => {
  it.each([
    ["the documented code, HTTP 400", { status: 400, code: NOT_FOUND_CODE, message: `session ${ID} not found` }],
    ["the code with HTTP 200 and success false", { status: 200, code: NOT_FOUND_CODE }],
    ["the code with HTTP 404", { status: 404, code: NOT_FOUND_CODE, message: "" }],
    ["the code in another casing", { status: 400, code: "invalidmcpsession.notfound" }],
    ["another not-found code naming a session", { status: 400, code: "InvalidSession.NotFound" }],
    ["a message saying so, no code", { status: 400, message: `Session ${ID} not found` }],
    ["a message saying so beside a generic NotFound code", { status: 400, code: "NotFound", message: "session does not exist: not found" }],
    ["a message saying so beside an InvalidParameter code", { status: 400, code: "InvalidParameter.SessionId", message: "session not found" }],
  ])("gone: %s", (_name, answer) => {
    expect(isSessionGoneAnswer(answer, ID)).toBe(true);
  });

  it.each([
    ["a 404 for the path (the emulator's unknown operation)", { status: 404, code: "NotFound.Operation", message: "no operation at /wrong/mcp/getSession" }],
    ["a gateway's generic 404", { status: 404, code: "NotFound", message: "Not Found" }],
    ["a path echoed with not found", { status: 404, code: "", message: "/v2/mcp/getSession not found" }],
    ["a query echoed with not found", { status: 404, message: `not found: /sdk/GetLabel?sessionId=${ID}` }],
    ["a 404 envelope with no code whose message says a session is not found (any server at a wrong base path)", { status: 404, message: "session not found" }],
    ["a 404 with a generic NotFound code and a session message", { status: 404, code: "NotFound", message: "session does not exist: not found" }],
    ["an api key not found, HTTP 400", { status: 400, code: "InvalidApiKey.NotFound", message: "api key not found" }],
    ["a 401 whose message says the session is not found", { status: 401, code: "Unauthorized", message: "session not found for this key" }],
    ["a 403 with the session code", { status: 403, code: NOT_FOUND_CODE }],
    ["a 5xx with the session code", { status: 503, code: NOT_FOUND_CODE }],
    ["a 429", { status: 429, code: "Throttling", message: "session not found yet, slow down" }],
    ["a failure that says nothing of not found", { status: 400, code: "InvalidParameter.Labels", message: "bad session labels" }],
  ])("not gone: %s", (_name, answer) => {
    expect(isSessionGoneAnswer(answer, ID)).toBe(false);
  });

  it("is never true for an operation about no session", () => {
    expect(isSessionGoneAnswer({ status: 400, code: NOT_FOUND_CODE }, undefined)).toBe(false);
  });
});
