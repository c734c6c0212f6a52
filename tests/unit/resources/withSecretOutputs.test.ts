import { withSecretOutputs } from "../../../provider/resources/withSecretOutputs";

describe("withSecretOutputs", () => {
  test("adds the keys to the user's additionalSecretOutputs, keeping theirs and every other option", () => {
    const opts = withSecretOutputs({ protect: true, additionalSecretOutputs: ["resourceUrl", "effectiveLabels"] }, ["effectiveLabels"]);
    expect(opts).toEqual({ protect: true, additionalSecretOutputs: ["resourceUrl", "effectiveLabels"] });
    expect(withSecretOutputs(undefined, ["sessionLabels"])).toEqual({ additionalSecretOutputs: ["sessionLabels"] });
  });
});
