import { withoutAuthCode } from "../../../provider/runtime/withoutAuthCode";

describe("withoutAuthCode", () => {
  it.each([
    ["https://h/s?resourceId=r-1&authcode=abc", "https://h/s?resourceId=r-1"],
    ["https://h/s?authcode=abc&resourceId=r-1", "https://h/s?resourceId=r-1"],
    ["https://h/s?AuthCode=abc&resourceId=r-1&auth_code=x#frag", "https://h/s?resourceId=r-1#frag"],
    ["https://h/s?authcode=abc", "https://h/s"],
    ["https://h/s?resourceId=r-1", "https://h/s?resourceId=r-1"],
    ["https://h/s", "https://h/s"],
  ])("%s -> %s", (url, expected) => {
    expect(withoutAuthCode(url)).toBe(expected);
  });

  it("leaves an absent URL absent", () => {
    expect(withoutAuthCode(undefined)).toBeUndefined();
  });
});
