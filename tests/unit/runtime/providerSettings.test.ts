import { AgbValidationError } from "../../../provider/client/errors";
import { settingsFromConfig } from "../../../provider/runtime/providerSettings";

describe("settingsFromConfig", () => {
  it("reads defaults, ignore rules and policy from stack config", () => {
    const settings = settingsFromConfig(
      {
        "agb:defaultLabels": '{"team":"core"}',
        "agb:ignoreLabelKeys": '["owner"]',
        "agb:ignoreLabelPrefixes": '["agent/"]',
        "agb:labelPolicy": '{"requiredKeys":["team"]}',
      },
      {},
    );
    expect(settings.defaultLabels).toEqual({ team: "core" });
    expect(settings.ignore).toEqual({ keys: ["owner"], prefixes: ["agent/"] });
    expect(settings.policy).toEqual({ requiredKeys: ["team"] });
  });

  it.each([
    ["agb:defaultLabels", "{not json"],
    ["agb:defaultLabels", '{"team":""}'],
    ["agb:ignoreLabelKeys", '"owner"'],
    ["agb:labelPolicy", '{"maxLabel":1}'],
  ])("names %s when it is malformed", (key, value) => {
    let caught: unknown;
    try {
      settingsFromConfig({ [key]: value }, {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AgbValidationError);
    expect((caught as AgbValidationError).property).toBe(key);
  });
});
