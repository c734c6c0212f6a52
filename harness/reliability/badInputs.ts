/**
 * The bad-input table: inputs a user (or a buggy program) can hand the Session
 * and SessionLabels providers' `check`. Each must give a check failure naming
 * the property, send nothing to AGB and not throw. Shared by
 * tests/reliability/badInput.test.ts and the reliability report.
 */
import { configureRuntime } from "../../provider/runtime/runtimeState";
import { sessionProviderImpl } from "../../provider/runtime/sessionProviderImpl";
import { sessionLabelsProviderImpl } from "../../provider/runtime/sessionLabelsProviderImpl";

export interface BadInputCase {
  name: string;
  resource: "Session" | "SessionLabels";
  /** Built lazily: some are megabytes. */
  inputs: () => Record<string, unknown>;
  /** The property the failure must name. */
  property: string;
}

const IMAGE = "agb-code-space-1";
const session = (name: string, property: string, inputs: () => Record<string, unknown>): BadInputCase => ({
  name,
  resource: "Session",
  inputs,
  property,
});
/** A Session with a good image and the given labels. */
const labels = (name: string, value: () => unknown): BadInputCase =>
  session(name, "labels", () => ({ imageId: IMAGE, labels: value() }));
/** A Session whose labels break a limit stated in its labelPolicy input. */
const limited = (name: string, labelPolicy: Record<string, unknown>, value: () => unknown): BadInputCase =>
  session(name, "labels", () => ({ imageId: IMAGE, labels: value(), labelPolicy }));
const sessionLabels = (name: string, property: string, inputs: () => Record<string, unknown>): BadInputCase => ({
  name,
  resource: "SessionLabels",
  inputs,
  property,
});

const manyLabels = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`key-${i}`, `value-${i}`]));

export const BAD_INPUTS: readonly BadInputCase[] = [
  // Keys
  labels("empty key", () => ({ "": "v" })),
  labels("blank key", () => ({ "   ": "v" })),
  labels("key with a lone low surrogate", () => ({ "a\udc00": "v" })),
  labels("key __proto__ (would vanish in a plain object)", () => JSON.parse('{"__proto__":"v"}')),
  // Values
  labels("empty value", () => ({ env: "" })),
  labels("blank value", () => ({ env: "  \u3000 " })),
  labels("number value", () => ({ env: 42 })),
  labels("boolean value", () => ({ env: true })),
  labels("null value", () => ({ env: null })),
  labels("array value", () => ({ env: ["a", "b"] })),
  labels("object value", () => ({ env: { nested: "x" } })),
  labels("value with a lone high surrogate", () => ({ env: "x\ud83d" })),
  // Limits: AGB states none, so only a label policy sets them (and check enforces it before any request)
  limited("key over the policy's maxKeyLength", { maxKeyLength: 63 }, () => ({ ["k".repeat(64)]: "v" })),
  limited("value over the policy's maxValueLength", { maxValueLength: 256 }, () => ({ env: "v".repeat(257) })),
  limited("more labels than the policy's maxLabels", { maxLabels: 64 }, () => manyLabels(65)),
  limited("policy maxLabels counts the create-token label", { maxLabels: 64 }, () => manyLabels(64)),
  limited("key outside the policy's keyPattern", { keyPattern: "[a-z][a-z0-9-]*" }, () => ({ "a=b": "v" })),
  // Wrong types for labels itself
  labels("labels as a string", () => "env=prod"),
  labels("labels as a JSON string", () => '{"env":"prod"}'),
  labels("labels as an array", () => [["env", "prod"]]),
  labels("labels as a number", () => 7),
  labels("labels as a boolean", () => true),
  // imageId
  session("imageId missing", "imageId", () => ({ labels: { env: "prod" } })),
  session("imageId null", "imageId", () => ({ imageId: null })),
  session("imageId number", "imageId", () => ({ imageId: 1 })),
  session("imageId array", "imageId", () => ({ imageId: [IMAGE] })),
  session("imageId empty", "imageId", () => ({ imageId: "" })),
  session("imageId blank", "imageId", () => ({ imageId: "   " })),
  session("imageId with a space and a slash", "imageId", () => ({ imageId: "agb code/space" })),
  session("imageId with a newline", "imageId", () => ({ imageId: `${IMAGE}\n` + "x" })),
  // idleReleaseTimeout
  session("idleReleaseTimeout string", "idleReleaseTimeout", () => ({ imageId: IMAGE, idleReleaseTimeout: "300" })),
  session("idleReleaseTimeout negative", "idleReleaseTimeout", () => ({ imageId: IMAGE, idleReleaseTimeout: -5 })),
  session("idleReleaseTimeout zero", "idleReleaseTimeout", () => ({ imageId: IMAGE, idleReleaseTimeout: 0 })),
  session("idleReleaseTimeout fraction", "idleReleaseTimeout", () => ({ imageId: IMAGE, idleReleaseTimeout: 1.5 })),
  session("idleReleaseTimeout NaN", "idleReleaseTimeout", () => ({ imageId: IMAGE, idleReleaseTimeout: Number.NaN })),
  session("idleReleaseTimeout Infinity", "idleReleaseTimeout", () => ({ imageId: IMAGE, idleReleaseTimeout: Infinity })),
  session("idleReleaseTimeout huge", "idleReleaseTimeout", () => ({ imageId: IMAGE, idleReleaseTimeout: 1e12 })),
  session("idleReleaseTimeout boolean", "idleReleaseTimeout", () => ({ imageId: IMAGE, idleReleaseTimeout: true })),
  // policyId
  session("policyId number", "policyId", () => ({ imageId: IMAGE, policyId: 12 })),
  session("policyId blank", "policyId", () => ({ imageId: IMAGE, policyId: "  " })),
  session("policyId object", "policyId", () => ({ imageId: IMAGE, policyId: { id: "p" } })),
  // adoptSessionId
  session("adoptSessionId object", "adoptSessionId", () => ({ imageId: IMAGE, adoptSessionId: { id: "s-1" } })),
  session("adoptSessionId empty", "adoptSessionId", () => ({ imageId: IMAGE, adoptSessionId: "" })),
  session("adoptSessionId number", "adoptSessionId", () => ({ imageId: IMAGE, adoptSessionId: 1 })),
  // labelPolicy
  session("labelPolicy string", "labelPolicy", () => ({ imageId: IMAGE, labelPolicy: "strict" })),
  session("labelPolicy unknown rule", "labelPolicy", () => ({ imageId: IMAGE, labelPolicy: { requireKeys: ["env"] } })),
  session("labelPolicy invalid regex", "labelPolicy", () => ({ imageId: IMAGE, labelPolicy: { keyPattern: "([a-z" } })),
  session("labelPolicy negative maxLabels", "labelPolicy", () => ({ imageId: IMAGE, labelPolicy: { maxLabels: -1 } })),
  session("labelPolicy requiredKeys not an array", "labelPolicy", () => ({ imageId: IMAGE, labelPolicy: { requiredKeys: "env" } })),
  session("labels breaking the labelPolicy input", "labels", () => ({
    imageId: IMAGE,
    labels: { env: "prod" },
    labelPolicy: { requiredKeys: ["owner"] },
  })),
  // Unknown properties
  session("unknown property (typo 'label')", "label", () => ({ imageId: IMAGE, label: { env: "prod" } })),
  session("unknown property 'timeout'", "timeout", () => ({ imageId: IMAGE, timeout: 300 })),
  session("unknown property 'sessionId'", "sessionId", () => ({ imageId: IMAGE, sessionId: "s-1" })),
  // SessionLabels
  sessionLabels("SessionLabels: sessionId missing", "sessionId", () => ({ labels: { env: "prod" } })),
  sessionLabels("SessionLabels: sessionId number", "sessionId", () => ({ sessionId: 5, labels: { env: "prod" } })),
  sessionLabels("SessionLabels: sessionId blank", "sessionId", () => ({ sessionId: "  ", labels: { env: "prod" } })),
  sessionLabels("SessionLabels: labels array", "labels", () => ({ sessionId: "s-1", labels: ["env"] })),
  sessionLabels("SessionLabels: labels string", "labels", () => ({ sessionId: "s-1", labels: "env=prod" })),
  sessionLabels("SessionLabels: null value", "labels", () => ({ sessionId: "s-1", labels: { env: null } })),
  sessionLabels("SessionLabels: lone surrogate value", "labels", () => ({ sessionId: "s-1", labels: { env: "\ud800" } })),
  sessionLabels("SessionLabels: __proto__ key", "labels", () => ({ sessionId: "s-1", labels: JSON.parse('{"__proto__":"v"}') })),
  sessionLabels("SessionLabels: unknown property", "label", () => ({ sessionId: "s-1", labels: { env: "p" }, label: {} })),
];

/**
 * Labels the official SDKs send without complaint, so the provider must too,
 * and AGB (here, the emulator's defaults) must store and give back exactly
 * (create, then GetLabel).
 */
export const ACCEPTED_LABELS: Readonly<Record<string, string>> = {
  " env ": " surrounding spaces kept ",
  "a=b": "x=y",
  "a,b": "k=v,k2=v2",
  'a"b': 'say "hi"',
  "a'b": "it's",
  "a\\b": "C:\\path",
  '{"x":"y"}': '{"json":"text"}',
  "a\nb": "line\nbreak\r\n",
  "a\tb": "tab\there",
  "a\u0000b": "nul\u0000inside",
  ["k".repeat(1_000)]: "a 1000-character key",
  "long-value": "v".repeat(20_000),
  环境: "生产",
  "🚀": "🎉 launch",
  "emoji-zwj": "👩‍👩‍👧‍👦",
  café: "naïve résumé",
  "nfd-e\u0301": "e\u0301 stays decomposed",
  "a/b.c_d-e": "x",
  "a:b": "c:d",
  "{braces}": "[brackets]",
  "json-value": '{"quoted":"\\"x\\"","slash":"\\\\"}',
  "delimiters-in-value": "k=v,k2=v2;'single' \"double\"",
  بيئة: "إنتاج",
  "日本語キー": "値".repeat(256),
  "percent%20": "100% + plus",
  constructor: "not special",
};

export interface BadInputResult {
  name: string;
  resource: BadInputCase["resource"];
  expected: string;
  /** Properties named by the failures. */
  properties: string[];
  /** First reason, cut to 160 characters. */
  reason: string;
  threw?: string;
  /** A failure names the expected property and nothing threw. */
  ok: boolean;
}

/** Runs one case through the provider's check, as the engine would. */
export async function runBadInput(c: BadInputCase): Promise<BadInputResult> {
  const impl = c.resource === "Session" ? sessionProviderImpl : sessionLabelsProviderImpl;
  try {
    const result = await impl.check({}, c.inputs());
    const failures = result.failures ?? [];
    const properties = failures.map((f) => f.property);
    const named = failures.find((f) => f.property === c.property);
    return {
      name: c.name,
      resource: c.resource,
      expected: c.property,
      properties,
      reason: (named ?? failures[0])?.reason.slice(0, 160) ?? "",
      ok: named !== undefined && named.reason.trim().length > 0,
    };
  } catch (error) {
    return {
      name: c.name,
      resource: c.resource,
      expected: c.property,
      properties: [],
      reason: "",
      threw: error instanceof Error ? error.message : String(error),
      ok: false,
    };
  }
}

/** Points the provider runtime at an endpoint, as `configure` does in the provider process. */
export function configureProviderRuntime(endpoint: string, extra: Record<string, string> = {}): void {
  const config: Record<string, string> = { "agb:endpoint": endpoint, "agb:apiKey": "akm-reliability-test", ...extra };
  configureRuntime({ get: (key) => config[key] });
}
