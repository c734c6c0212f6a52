import { labelPolicySchema, policyViolations } from "../../../provider/labels/labelPolicy";

describe("policyViolations", () => {
  const policy = labelPolicySchema.parse({
    requiredKeys: ["team", "env"],
    allowedValues: { env: ["dev", "staging", "prod"] },
    keyPattern: "[a-z][a-z0-9-]*",
    valuePatterns: { team: "[a-z]+" },
    valuePattern: "[A-Za-z0-9-]+",
    maxLabels: 3,
  });

  it("passes labels that follow every rule", () => {
    expect(policyViolations({ team: "core", env: "dev" }, policy)).toEqual([]);
  });

  it("names the key and the rule of every violation", () => {
    const violations = policyViolations({ env: "qa", Bad_Key: "x", team: "Core9", other: "a b" }, policy);
    expect(violations.map((v) => `${v.rule}:${v.key ?? ""}`).sort()).toEqual(
      ["allowedValues:env", "keyPattern:Bad_Key", "maxLabels:", "valuePattern:other", "valuePatterns:team"].sort(),
    );
  });

  it("reports a missing required key", () => {
    expect(policyViolations({ env: "dev" }, policy)).toEqual([
      expect.objectContaining({ rule: "requiredKeys", key: "team" }),
    ]);
  });

  it("matches patterns against the whole key, not a part", () => {
    const keys = labelPolicySchema.parse({ keyPattern: "[a-z]+" });
    expect(policyViolations({ abc1: "v" }, keys)).toHaveLength(1);
  });

  it("refuses a policy with an invalid pattern or an unknown rule", () => {
    expect(labelPolicySchema.safeParse({ keyPattern: "(" }).success).toBe(false);
    expect(labelPolicySchema.safeParse({ maxLabel: 3 }).success).toBe(false);
  });
});
