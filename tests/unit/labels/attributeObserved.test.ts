import { attributeObserved } from "../../../provider/labels/attributeObserved";
import { CREATE_TOKEN_LABEL } from "../../../provider/labels/ignoreRules";

describe("attributeObserved", () => {
  it("gives back the declared split when nothing drifted", () => {
    const observed = { team: "core", env: "dev", [CREATE_TOKEN_LABEL]: "t" };
    expect(attributeObserved(observed, { env: "dev" }, { team: "core" })).toEqual({
      own: { env: "dev" },
      defaults: { team: "core" },
    });
  });

  it("records a changed and a removed declared label as drift, and leaves an undeclared one out (it may be another's secret)", () => {
    const observed = { env: "hand-edited", extra: "x" };
    expect(attributeObserved(observed, { env: "dev", gone: "y" }, {})).toEqual({
      own: { env: "hand-edited" },
      defaults: {},
    });
  });

  it("keeps a changed default as a default so the next up restores it", () => {
    expect(attributeObserved({ team: "other" }, {}, { team: "core" })).toEqual({
      own: {},
      defaults: { team: "other" },
    });
  });

  it("keeps a declared key that others also write, under the session's own labels", () => {
    const observed = { owner: "bot", "agent/run": "42", env: "dev" };
    expect(attributeObserved(observed, { env: "dev" }, {}).own).toEqual({ env: "dev" });
    expect(attributeObserved(observed, { env: "dev", owner: "me" }, {}).own).toEqual({ env: "dev", owner: "bot" });
  });
});
