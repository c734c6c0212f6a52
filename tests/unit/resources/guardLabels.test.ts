import * as pulumi from "@pulumi/pulumi";
import { AgbValidationError } from "../../../provider/client/errors";
import { guardLabels } from "../../../provider/resources/guardLabels";
import { keyProblem } from "../../../wire/labelRules";

describe("guardLabels (the program's refusals, before serialization)", () => {
  it("refuses an own __proto__ key, naming the resource and the key", () => {
    const labels = JSON.parse('{"__proto__":"x","env":"dev"}') as Record<string, string>;
    expect(() => guardLabels('Session "w"', labels)).toThrow(AgbValidationError);
    expect(() => guardLabels('Session "w"', labels)).toThrow(/Session "w": a label key may not be "__proto__"/);
  });

  it("refuses a lone surrogate in a key or a known value, never quoting the value", () => {
    expect(() => guardLabels('SessionLabels "l"', { ["k\ud800"]: "v" })).toThrow(/SessionLabels "l": label key .* lone surrogate/);
    let caught: unknown;
    try {
      guardLabels('Session "w"', { note: "SECRET\udc00" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AgbValidationError);
    expect((caught as Error).message).toMatch(/the value of label "note"/);
    expect((caught as Error).message).not.toContain("SECRET");
  });

  it("passes good labels through, and leaves Outputs to be checked when they resolve (tests/e2e/contract)", () => {
    expect(guardLabels('Session "w"', { env: "dev" })).toEqual({ env: "dev" });
    expect(guardLabels('Session "w"', undefined)).toBeUndefined();
    expect(pulumi.Output.isInstance(guardLabels('Session "w"', pulumi.output({ env: "dev" })))).toBe(true);
  });

  it("marks a lone surrogate in a key of a map that is an Output, so that check refuses it", async () => {
    const guarded = guardLabels('Session "w"', pulumi.output({ ["\udc00k"]: "v", ok: "1" })) as unknown as pulumi.Output<Record<string, string>>;
    const resolved = await new Promise<Record<string, string>>((resolve) => guarded.apply((v) => resolve(v)));
    const keys = Object.keys(resolved).filter((k) => k !== "ok");
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toMatch(/\udc00/);
    expect(keyProblem(keys[0])).toMatch(/lone surrogate/);
    expect(resolved.ok).toBe("1");
  });
});
