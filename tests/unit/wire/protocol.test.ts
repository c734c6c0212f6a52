import { decodeLabels, encodeLabels, OPERATIONS, parseLabelsStrict } from "../../../wire/protocol";

describe("wire protocol", () => {
  it("round-trips labels, Unicode and JSON-special characters included", () => {
    const labels = { "环境": "生产", quote: 'say "hi"', slash: "a\\b", emoji: "🚀" };
    expect(decodeLabels(encodeLabels(labels))).toEqual(labels);
  });

  it("reads missing or unparsable labels as empty, as the SDKs do", () => {
    expect(decodeLabels(undefined)).toEqual({});
    expect(decodeLabels("{oops")).toEqual({});
    expect(decodeLabels("[1]")).toEqual({});
    expect(decodeLabels('{"a":"b","n":1}')).toEqual({ a: "b" });
  });

  it("parses strictly for the emulator", () => {
    expect(parseLabelsStrict("{")).toBe("Labels is not valid JSON");
    expect(parseLabelsStrict('{"a":1}')).toContain("string value");
    expect(parseLabelsStrict('{"a":"b"}')).toEqual({ a: "b" });
  });

  it("places SetLabel's parameters in the query and getSession's in the body", () => {
    expect(OPERATIONS.setLabel).toMatchObject({ method: "POST", query: ["sessionId", "Labels"], body: [] });
    expect(OPERATIONS.getSession).toMatchObject({ method: "POST", query: [], body: ["sessionId"] });
    expect(OPERATIONS.listSession.query).toContain("labels");
  });
});
