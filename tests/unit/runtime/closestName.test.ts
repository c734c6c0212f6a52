import { closestName } from "../../../provider/runtime/closestName";

describe("closestName", () => {
  const names = ["imageId", "labels", "idleReleaseTimeout", "policyId", "adoptSessionId", "labelPolicy"];

  it.each([
    ["lables", "labels"],
    ["label", "labels"],
    ["imageID", "imageId"],
    ["imageid", "imageId"],
    ["policyID", "policyId"],
    ["idleReleaseTimout", "idleReleaseTimeout"],
    ["labelPolicies", "labelPolicy"],
  ])("%s -> %s", (typo, meant) => {
    expect(closestName(typo, names)).toBe(meant);
  });

  it.each(["colour", "timeout", "sessionId", "x"])("suggests nothing for %s, which is not close to any", (name) => {
    expect(closestName(name, names)).toBeUndefined();
  });
});
