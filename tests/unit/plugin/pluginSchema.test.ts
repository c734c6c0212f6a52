/**
 * The plugin's schema is generated from the TypeScript interface's doc
 * comments and the runtime's zod schemas: every property documented, secrets
 * flagged, replace-on-change exactly where the runtime replaces.
 */
import path from "node:path";
import { pluginSchema, type SchemaProperty } from "../../../codegen/pluginSchema";
import { REPLACE_ON_CHANGE, SESSION_PUBLIC_INPUTS } from "../../../provider/runtime/sessionInputs";
import { STACK_CONFIG_KEYS } from "../../../provider/config/stackConfigSchema";

const ROOT = path.resolve(__dirname, "..", "..", "..");
type Props = Record<string, SchemaProperty>;
const schema = pluginSchema(ROOT, "1.2.3") as {
  version: string;
  config: { variables: Props };
  types: Record<string, { properties: Props }>;
  resources: Record<string, { description: string; inputProperties: Props; properties: Props; requiredInputs: string[] }>;
  functions: Record<string, { description: string; inputs: { properties: Props }; outputs: { properties: Props } }>;
};

function everyProperty(): [string, SchemaProperty][] {
  const out: [string, SchemaProperty][] = [];
  const add = (where: string, props: Props) => Object.entries(props).forEach(([k, v]) => out.push([`${where}.${k}`, v]));
  add("config", schema.config.variables);
  for (const [token, type] of Object.entries(schema.types)) add(token, type.properties);
  for (const [token, resource] of Object.entries(schema.resources)) {
    add(`${token}.inputs`, resource.inputProperties);
    add(`${token}.outputs`, resource.properties);
  }
  for (const [token, fn] of Object.entries(schema.functions)) {
    add(`${token}.inputs`, fn.inputs.properties);
    add(`${token}.outputs`, fn.outputs.properties);
  }
  return out;
}

describe("the agb plugin schema", () => {
  test("every property, resource and function is documented", () => {
    expect(everyProperty().filter(([, p]) => !p.description || p.description.length < 10).map(([name]) => name)).toEqual([]);
    for (const r of Object.values(schema.resources)) expect(r.description.length).toBeGreaterThan(20);
    for (const f of Object.values(schema.functions)) expect(f.description.length).toBeGreaterThan(20);
  });

  test("Session's inputs are the runtime's public inputs; replace-on-change exactly where the runtime replaces", () => {
    const session = schema.resources["agb:index:Session"];
    expect(Object.keys(session.inputProperties).sort()).toEqual([...SESSION_PUBLIC_INPUTS].sort());
    const replacing = Object.entries(session.inputProperties).filter(([, p]) => p.replaceOnChanges).map(([k]) => k);
    expect(replacing.sort()).toEqual([...REPLACE_ON_CHANGE].sort());
    expect(session.inputProperties.idleReleaseTimeout.type).toBe("integer");
    expect(session.requiredInputs).toEqual(["imageId"]);
    const labels = schema.resources["agb:index:SessionLabels"];
    expect(Object.entries(labels.inputProperties).filter(([, p]) => p.replaceOnChanges).map(([k]) => k)).toEqual(["sessionId"]);
  });

  test("every agb:* config key is there; the API key and the outputs holding labels others wrote are secret", () => {
    expect(Object.keys(schema.config.variables).map((k) => `agb:${k}`)).toEqual(STACK_CONFIG_KEYS);
    expect(schema.config.variables.apiKey.secret).toBe(true);
    // resourceUrl is stored without its auth code (withoutAuthCode), so it carries no credential.
    expect(schema.resources["agb:index:Session"].properties.resourceUrl.secret).toBeUndefined();
    expect(everyProperty().filter(([, p]) => p.secret).map(([name]) => name).sort()).toEqual([
      "agb:index:Session.outputs.effectiveLabels",
      "agb:index:SessionLabels.outputs.sessionLabels",
      "config.apiKey",
    ]);
    expect(schema.version).toBe("1.2.3");
  });
});
