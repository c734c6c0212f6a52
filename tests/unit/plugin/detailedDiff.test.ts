import { DIFF_KIND, detailedDiff } from "../../../provider/plugin/detailedDiff";
import { UNKNOWN_VALUE } from "../../../provider/runtime/unknowns";

const declared = ["imageId", "labels", "policyId"];

describe("the plugin's detailed diff, from the runtime's verdict", () => {
  test("no change: empty", () => {
    expect(detailedDiff({ labels: { a: "1" } }, { labels: { a: "1" } }, { changes: false }, declared, "labels")).toEqual({});
  });
  test("a label edit is an update of labels only", () => {
    expect(detailedDiff({ imageId: "i", labels: { a: "1" } }, { imageId: "i", labels: { a: "2" } }, { changes: true, replaces: [] }, declared, "labels")).toEqual({
      labels: DIFF_KIND.UPDATE,
    });
  });
  test("a label unknown at preview is an update, not a replace", () => {
    expect(detailedDiff({ imageId: "i", labels: { a: "1" } }, { imageId: "i", labels: { a: UNKNOWN_VALUE } }, { changes: true, replaces: [] }, declared, "labels")).toEqual({
      labels: DIFF_KIND.UPDATE,
    });
  });
  test("the runtime's replaces are replace kinds; added and removed properties are told apart", () => {
    expect(
      detailedDiff({ imageId: "i", labels: {} }, { imageId: "j", labels: {}, policyId: "p" }, { changes: true, replaces: ["imageId", "policyId"] }, declared, "labels"),
    ).toEqual({ imageId: DIFF_KIND.UPDATE_REPLACE, policyId: DIFF_KIND.ADD_REPLACE });
  });
  test("a change among none of the declared properties is shown on the fallback", () => {
    expect(detailedDiff({ labels: {} }, { labels: {} }, { changes: true, replaces: [] }, declared, "labels")).toEqual({ labels: DIFF_KIND.UPDATE });
  });
});
