import { attributeObserved } from "../../../provider/labels/attributeObserved";
import { CREATE_TOKEN_LABEL, NO_IGNORE_RULES } from "../../../provider/labels/ignoreRules";

describe("attributeObserved", () => {
  it("gives back the declared split when nothing drifted", () => {
    const observed = { team: "core", env: "dev", [CREATE_TOKEN_LABEL]: "t" };
    expect(attributeObserved(observed, { env: "dev" }, { team: "core" }, NO_IGNORE_RULES)).toEqual({
      own: { env: "dev" },
      defaults: { team: "core" },
    });
  });

  it("records a changed, an added and a removed label as drift", () => {
    const observed = { env: "hand-edited", extra: "x" };
    expect(attributeObserved(observed, { env: "dev", gone: "y" }, {}, NO_IGNORE_RULES)).toEqual({
      own: { env: "hand-edited", extra: "x" },
      defaults: {},
    });
  });

  it("keeps a changed default as a default so the next up restores it", () => {
    expect(attributeObserved({ team: "other" }, {}, { team: "core" }, NO_IGNORE_RULES)).toEqual({
      own: {},
      defaults: { team: "other" },
    });
  });

  it("leaves out labels others own unless they are declared", () => {
    const rules = { keys: ["owner"], prefixes: ["agent/"] };
    const observed = { owner: "bot", "agent/run": "42", env: "dev" };
    expect(attributeObserved(observed, { env: "dev" }, {}, rules).own).toEqual({ env: "dev" });
    expect(attributeObserved(observed, { env: "dev", owner: "me" }, {}, rules).own).toEqual({ env: "dev", owner: "bot" });
  });
});
