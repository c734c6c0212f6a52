import { sessionProviderImpl } from "../../../provider/runtime/sessionProviderImpl";
import { UNKNOWN_VALUE } from "../../../provider/runtime/unknowns";
import { ProviderError } from "../../../provider/runtime/providerError";

const base = { imageId: "agb-code-space-1", labels: { env: "dev" }, defaultLabels: { team: "core" } };

describe("Session diff (local, no API call)", () => {
  it("reports no change for identical inputs", async () => {
    expect(await sessionProviderImpl.diff("s-1", base, { ...base })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("treats {} and missing labels alike", async () => {
    const a = { imageId: "i", labels: {} };
    const b = { imageId: "i" };
    expect((await sessionProviderImpl.diff("s-1", a, b)).changes).toBe(false);
  });

  it("updates in place for a label edit or a default change", async () => {
    const labelEdit = await sessionProviderImpl.diff("s-1", base, { ...base, labels: { env: "prod" } });
    expect(labelEdit).toMatchObject({ changes: true, replaces: [] });
    const defaultEdit = await sessionProviderImpl.diff("s-1", base, { ...base, defaultLabels: { team: "web" } });
    expect(defaultEdit).toMatchObject({ changes: true, replaces: [] });
  });

  it("sees no change when a default and an own label repeat each other", async () => {
    const olds = { imageId: "i", labels: { env: "dev" }, defaultLabels: { env: "dev" } };
    expect((await sessionProviderImpl.diff("s-1", olds, { ...olds })).changes).toBe(false);
  });

  it("replaces for imageId, idleReleaseTimeout, policyId and adoptSessionId", async () => {
    const result = await sessionProviderImpl.diff("s-1", base, {
      ...base,
      imageId: "agb-browser-use-1",
      idleReleaseTimeout: 60,
      policyId: "p",
      adoptSessionId: "s-2",
    });
    expect(result.replaces).toEqual(["imageId", "idleReleaseTimeout", "policyId", "adoptSessionId"]);
  });

  it("records the first imageId of an imported session (its image was never known) in place, never replacing it", async () => {
    const imported = { adopted: true, adoptSessionId: "s-1", labels: { env: "dev" }, defaultLabels: {} };
    const result = await sessionProviderImpl.diff("s-1", imported, { ...imported, imageId: "agb-code-space-1" });
    expect(result).toMatchObject({ changes: true, replaces: [] });
    const recorded = { ...imported, imageId: "agb-code-space-1" };
    await expect(sessionProviderImpl.diff("s-1", recorded, { ...recorded, imageId: "agb-browser-use-1" })).rejects.toBeInstanceOf(ProviderError);
  });

  it("refuses to replace an adopted session that the new inputs adopt again (the replacement would release it); an unknown value previews as a replace", async () => {
    const adopted = { adopted: true, adoptSessionId: "s-1", imageId: "agb-code-space-1", labels: {}, defaultLabels: {} };
    for (const change of [{ imageId: "agb-browser-use-1" }, { idleReleaseTimeout: 60 }, { policyId: "p" }]) {
      const failure = await sessionProviderImpl.diff("s-1", adopted, { ...adopted, ...change }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ProviderError);
      expect((failure as ProviderError).property).toBe(Object.keys(change)[0]);
    }
    expect((await sessionProviderImpl.diff("s-1", adopted, { ...adopted, imageId: UNKNOWN_VALUE })).replaces).toEqual(["imageId"]);
    // Another session to adopt, or none: a real replacement, as before.
    expect((await sessionProviderImpl.diff("s-1", adopted, { ...adopted, adoptSessionId: "s-2" })).replaces).toEqual(["adoptSessionId"]);
    const { adoptSessionId: _dropped, ...created } = adopted;
    void _dropped;
    expect((await sessionProviderImpl.diff("s-1", adopted, { ...created, imageId: "agb-browser-use-1" })).replaces).toEqual(["imageId", "adoptSessionId"]);
  });

  it("assumes a change when a value is not known yet", async () => {
    const result = await sessionProviderImpl.diff("s-1", base, { ...base, labels: { env: UNKNOWN_VALUE } });
    expect(result).toMatchObject({ changes: true, replaces: [] });
  });
});
