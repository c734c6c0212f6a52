import { labelMapSchema } from "../../../provider/labels/labelMapSchema";
import { toCheckFailures } from "../../../provider/labels/toCheckFailures";
import { z } from "zod";

const inputs = z.object({ labels: labelMapSchema });

function failuresOf(labels: unknown) {
  const result = inputs.safeParse({ labels });
  return result.success ? [] : toCheckFailures(result.error);
}

describe("labelMapSchema", () => {
  it("accepts plain string labels, Unicode included", () => {
    expect(labelMapSchema.parse({ project: "demo", 环境: "生产", "a/b.c_d-e": "x=y,z" })).toEqual({
      project: "demo",
      环境: "生产",
      "a/b.c_d-e": "x=y,z",
    });
  });

  it.each([
    [{ "": "v" }, "empty"],
    [{ "  ": "v" }, "blank"],
    [{ k: "" }, "empty"],
    [{ k: "   " }, "blank"],
    [{ k: 3 }, "got number"],
    [{ k: null }, "got null"],
    [{ k: "\ud800" }, "lone surrogate"],
    [{ "\udc00k": "v" }, "lone surrogate"],
  ])("refuses %j with a reason mentioning %s", (labels, fragment) => {
    const failures = failuresOf(labels);
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe("labels");
    expect(failures[0].reason).toContain(fragment);
  });

  it("reports every bad label under one failure for the property", () => {
    const failures = failuresOf({ "": "a", ok: "fine", b: "" });
    expect(failures).toHaveLength(1);
    expect(failures[0].reason.split(";").length).toBe(2);
  });

  it("invents no limits: what the SDKs send passes (no count, length or character rules)", () => {
    const labels = {
      'quote"key': "a",
      "a=b,c": "x=y,z",
      "back\\slash": "\\",
      " outer spaces ": " kept ",
      "line\nbreak": "tab\there",
      long: "x".repeat(10_000),
      ...Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, "v"])),
    };
    expect(failuresOf(labels)).toEqual([]);
    expect(labelMapSchema.parse(labels)).toEqual(labels);
  });

  it("refuses arrays and non-objects", () => {
    expect(failuresOf(["a"])).toHaveLength(1);
    expect(failuresOf("a=b")).toHaveLength(1);
  });
});

describe("messages about long keys", () => {
  it("quote the start of the key and its length, not the whole key", () => {
    const key = `k${"x".repeat(300)}`;
    const [failure] = failuresOf({ [key]: "" });
    expect(failure.reason).toContain("(301 characters)");
    expect(failure.reason.length).toBeLessThan(200);
  });
});
