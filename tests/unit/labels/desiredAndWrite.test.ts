import { desiredLabels } from "../../../provider/labels/desiredLabels";
import { labelsToWrite } from "../../../provider/labels/labelsToWrite";
import { CREATE_TOKEN_LABEL, NO_IGNORE_RULES } from "../../../provider/labels/ignoreRules";

describe("desiredLabels", () => {
  it("puts a session's own labels over the stack defaults", () => {
    expect(desiredLabels({ team: "core", env: "dev" }, { env: "prod" })).toEqual({ team: "core", env: "prod" });
  });
  it("treats missing maps as empty", () => {
    expect(desiredLabels(undefined, undefined)).toEqual({});
  });
});

describe("labelsToWrite", () => {
  it("keeps labels owned by others and drops undeclared ones", () => {
    const current = { a: "1", "agent/x": "y", stray: "z", [CREATE_TOKEN_LABEL]: "t" };
    expect(labelsToWrite({ a: "2" }, current, { keys: [], prefixes: ["agent/"] })).toEqual({
      a: "2",
      "agent/x": "y",
      [CREATE_TOKEN_LABEL]: "t",
    });
  });
  it("lets a declared key win over an ignore rule", () => {
    expect(labelsToWrite({ owner: "me" }, { owner: "agent" }, { keys: ["owner"], prefixes: [] })).toEqual({ owner: "me" });
  });
  it("writes exactly the desired set when nothing is ignored", () => {
    expect(labelsToWrite({ a: "1" }, { b: "2" }, NO_IGNORE_RULES)).toEqual({ a: "1" });
  });
});
