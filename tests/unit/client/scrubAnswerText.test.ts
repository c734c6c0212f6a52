import { scrubAnswerText } from "../../../provider/client/scrubAnswerText";

const LABELS = JSON.stringify({ owner: "hunter2-secret", env: "a b:c", n: "3" });

describe("scrubAnswerText: what an error may quote of an answer", () => {
  it("cuts an echoed query string, drops markup, and bounds the text", () => {
    const page = `<html><h1>404 Not Found</h1><p>/sdk/SetLabel?sessionId=s-1&Labels=${encodeURIComponent(LABELS)}</p></html>`;
    const out = scrubAnswerText(page, { sessionId: "s-1", Labels: LABELS }, [], 200);
    expect(out).toBe("404 Not Found /sdk/SetLabel?[query]");
    expect(scrubAnswerText("x".repeat(500), {}, [], 10)).toBe(`${"x".repeat(10)}…`);
  });

  it("removes each label key and value in every form it could be echoed in", () => {
    const echoes = [
      `body ${LABELS}`,
      `labels: ${JSON.stringify(LABELS)}`,
      "owner is hunter2-secret",
      `env ${encodeURIComponent("a b:c")}`,
      "env a+b:c",
      'value "3" refused',
    ];
    for (const echo of echoes) {
      const out = scrubAnswerText(echo, { labels: LABELS }, [], 500);
      for (const leak of ["hunter2", "a b:c", "a+b:c", "a%20b", '"3"']) expect(out).not.toContain(leak);
    }
  });

  it("removes a value a server echoes percent-decoded but with its spaces still '+' (a decoded request line)", () => {
    // Seen under the real CLI: a page quoting decodeURIComponent(request URL) carried a secret label value.
    const labels = JSON.stringify({ owner: 'zz SECRET/ü&"X1' });
    const url = `/sdk/SetLabel?sessionId=s-1&Labels=${encodeURIComponent(labels).replace(/%20/g, "+")}`;
    for (const echo of [`bad: ${decodeURIComponent(url)}`, `bad: ${decodeURIComponent(url).replace(/\?/, " ")}`, `x ${"zz SECRET/ü&\"X1".replace(/ /g, "+")}`]) {
      const out = scrubAnswerText(echo, { sessionId: "s-1", Labels: labels }, [], 500);
      expect(out).not.toContain("SECRET");
    }
  });

  it("keeps the answer's own words and numbers, and the session id", () => {
    expect(scrubAnswerText("too many labels: 4, at most 3 on s-1", { sessionId: "s-1", labels: LABELS }, [], 500)).toBe(
      "too many labels: 4, at most 3 on s-1",
    );
  });

  it("redacts credentials", () => {
    expect(scrubAnswerText("key akm-abc123 Bearer xyz", {}, ["supersecret"], 500)).toBe("key [redacted] [redacted]");
  });
});
