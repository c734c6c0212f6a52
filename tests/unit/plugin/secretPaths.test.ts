import { SecretPaths } from "../../../provider/plugin/secretPaths";
import { isSecretWrapper, revealed, secret } from "../../../provider/plugin/secretValues";

describe("secret wrappers on the plugin path", () => {
  test("reveal removes every wrapper; wrap puts them back where they were, per label", () => {
    const paths = new SecretPaths();
    const plain = paths.reveal({ imageId: "img", labels: { team: "a", owner: secret("hidden") }, policyId: secret("p-1") });
    expect(plain).toEqual({ imageId: "img", labels: { team: "a", owner: "hidden" }, policyId: "p-1" });
    const outs = paths.wrap({ imageId: "img", labels: { team: "a", owner: "hidden" }, policyId: "p-1", effectiveLabels: { owner: "hidden" }, status: "RUNNING" }, {
      effectiveLabels: ["labels"],
    });
    expect(outs.imageId).toBe("img");
    expect(outs.status).toBe("RUNNING");
    expect((outs.labels as Record<string, unknown>).team).toBe("a");
    expect(isSecretWrapper((outs.labels as Record<string, unknown>).owner)).toBe(true);
    expect(isSecretWrapper(outs.policyId)).toBe(true);
    expect(isSecretWrapper(outs.effectiveLabels)).toBe(true);
  });

  test("a whole secret map stays whole; nothing secret, nothing wrapped", () => {
    const paths = new SecretPaths();
    expect(paths.reveal({ labels: secret({ a: "1" }) })).toEqual({ labels: { a: "1" } });
    expect(isSecretWrapper(paths.wrap({ labels: { a: "1" } }).labels)).toBe(true);
    const none = new SecretPaths();
    none.reveal({ labels: { a: "1" } });
    expect(none.wrap({ labels: { a: "1" }, effectiveLabels: { a: "1" } }, { effectiveLabels: ["labels"] })).toEqual({ labels: { a: "1" }, effectiveLabels: { a: "1" } });
  });

  test("nested wrappers are found", () => {
    expect(revealed({ a: [secret("x")] })).toEqual({ value: { a: ["x"] }, secret: true });
  });
});
