import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { z } from "zod";
import { markProtoKeys } from "../../../provider/plugin/markProtoKeys";
import { labelMapSchema } from "../../../provider/labels/labelMapSchema";
import { toCheckFailures } from "../../../provider/labels/toCheckFailures";

/** A Struct's bytes with `__proto__` as a key, as a YAML or Python program's engine sends it (fromJavaScript cannot make one). */
function structBytesWithProtoKey(): Buffer {
  const bytes = Buffer.from(Struct.fromJavaScript({ labels: { XX_roto__: "x", env: "dev" }, imageId: "img" }).serializeBinary());
  const at = bytes.indexOf("XX_roto__");
  bytes.write("__proto__", at, "latin1");
  return bytes;
}

describe("markProtoKeys", () => {
  test("without it, decoding drops a __proto__ key without a trace", () => {
    const decoded = Struct.deserializeBinary(structBytesWithProtoKey()).toJavaScript() as { labels: Record<string, string> };
    expect(Object.keys(decoded.labels)).toEqual(["env"]);
  });

  test("with it, the key decodes as a marker that check refuses, naming the key as written", () => {
    const decoded = Struct.deserializeBinary(markProtoKeys(structBytesWithProtoKey())).toJavaScript() as { labels: Record<string, string>; imageId: string };
    expect(Object.keys(decoded.labels)).toHaveLength(2);
    expect(decoded.imageId).toBe("img");
    const parsed = z.object({ labels: labelMapSchema }).safeParse(decoded);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(toCheckFailures(parsed.error)[0]?.property).toBe("labels");
    expect(toCheckFailures(parsed.error)[0]?.reason).toMatch(/^"__proto__": a label key may not be "__proto__"/);
  });

  test("leaves other bytes alone, a __proto__ label value among them, and returns the same buffer when nothing matches", () => {
    const bytes = Buffer.from(Struct.fromJavaScript({ labels: { env: "__proto__" } }).serializeBinary());
    expect(markProtoKeys(bytes)).toBe(bytes);
    expect((Struct.deserializeBinary(markProtoKeys(bytes)).toJavaScript() as { labels: Record<string, string> }).labels).toEqual({ env: "__proto__" });
  });
});
