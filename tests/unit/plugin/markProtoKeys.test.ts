import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { z } from "zod";
import { markProtoKeys } from "../../../provider/plugin/markProtoKeys";
import { labelMapSchema } from "../../../provider/labels/labelMapSchema";
import { toCheckFailures } from "../../../provider/labels/toCheckFailures";
import { REFUSED_PROTO_KEY_ON_WIRE } from "../../../wire/labelRules";
import { getSessions } from "../../../provider/queries/getSessions";
import { AgbValidationError } from "../../../provider/client/errors";

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

describe("markProtoKeys reads the wire format, not a byte search", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CheckRequest } = require("@pulumi/pulumi/proto/provider_pb");

  /** A CheckRequest as the engine sends it, `__proto__` put in place of each XX_roto__ key. */
  function checkRequestBytes(news: Record<string, unknown>): Buffer {
    const request = new CheckRequest();
    request.setUrn("urn:pulumi:dev::p::agb:index:Session::s");
    request.setOlds(Struct.fromJavaScript({}));
    request.setNews(Struct.fromJavaScript(news as never));
    const bytes = Buffer.from(request.serializeBinary());
    for (let at = bytes.indexOf("XX_roto__"); at >= 0; at = bytes.indexOf("XX_roto__", at)) bytes.write("__proto__", at, "latin1");
    return bytes;
  }

  test('a label value holding a newline, a tab and "__proto__" reaches check as written', () => {
    const value = "a\n\t__proto__";
    const bytes = checkRequestBytes({ labels: { note: value } });
    const decoded = CheckRequest.deserializeBinary(markProtoKeys(bytes)).getNews().toJavaScript();
    expect(decoded.labels).toEqual({ note: value });
  });

  test("a __proto__ key in a request's Struct is marked, nested in objects and lists too, beside such a value", () => {
    const bytes = checkRequestBytes({ labels: { XX_roto__: "x", note: "a\n\t__proto__" }, list: [{ XX_roto__: 1 }] });
    const decoded = CheckRequest.deserializeBinary(markProtoKeys(bytes));
    const news = decoded.getNews().toJavaScript();
    expect(news.labels).toEqual({ [REFUSED_PROTO_KEY_ON_WIRE]: "x", note: "a\n\t__proto__" });
    expect(news.list).toEqual([{ [REFUSED_PROTO_KEY_ON_WIRE]: 1 }]);
    expect(decoded.getUrn()).toBe("urn:pulumi:dev::p::agb:index:Session::s");
  });

  test("getSessions names a marked filter key as written, with no NUL byte in the message", async () => {
    const failure = await getSessions({ labels: { [REFUSED_PROTO_KEY_ON_WIRE]: "evil" } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AgbValidationError);
    expect((failure as AgbValidationError).reason).toMatch(/^"__proto__" a label key may not be "__proto__"/);
    expect((failure as AgbValidationError).reason).not.toContain("\u0000");
  });
});
