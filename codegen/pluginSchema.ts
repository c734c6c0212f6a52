/**
 * The `agb` plugin's Pulumi package schema, generated from what already
 * describes the package: the doc comments of the TypeScript interface
 * (Session, SessionLabels, getSessions), the zod schemas the runtime checks
 * inputs with, the runtime's replace-on-change list and the stack config
 * schema. Nothing is written twice, so the schema cannot drift from the code.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { z } from "zod";
import { stackConfigSchema, STACK_CONFIG_KEYS } from "../provider/config/stackConfigSchema";
import { labelPolicySchema } from "../provider/labels/labelPolicy";
import { ALWAYS_SECRET_OUTPUTS, GET_SESSIONS_TOKEN, SESSION_LABELS_TOKEN, SESSION_TOKEN } from "../provider/plugin/agbPlugin";
import { REPLACE_ON_CHANGE, sessionInputsSchema } from "../provider/runtime/sessionInputs";

type JsonSchema = Record<string, unknown>;
export interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  description: string;
  secret?: boolean;
  replaceOnChanges?: boolean;
  willReplaceOnChanges?: boolean;
}
type Properties = Record<string, SchemaProperty>;

const LABEL_POLICY_TYPE = "agb:index:LabelPolicy";
const FOUND_SESSION_TYPE = "agb:index:FoundSession";

/** Config keys whose values are secrets. */
const SECRET_CONFIG = new Set(["agb:apiKey"]);
/** What the SessionLabels runtime replaces on (its diff): the labels move to another session. */
const SESSION_LABELS_REPLACE_ON_CHANGE = ["sessionId"];

interface Member {
  doc: string;
  type: string;
  optional: boolean;
}

/** The documented members of the named interfaces and classes of a source file. */
export function documentedMembers(file: string, container: string): Map<string, Member> {
  const text = fs.readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out = new Map<string, Member>();
  const visit = (node: ts.Node) => {
    if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name?.text === container) {
      for (const member of node.members) {
        if (!(ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) || !member.name) continue;
        out.set(member.name.getText(source), {
          doc: describe(member, source),
          type: member.type?.getText(source) ?? "unknown",
          optional: member.questionToken !== undefined,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** A doc comment as schema text: the prose, then its example. */
function describe(node: ts.Node, source: ts.SourceFile): string {
  const parts: string[] = [];
  for (const doc of ts.getJSDocCommentsAndTags(node)) {
    if (!ts.isJSDoc(doc)) continue;
    const prose = ts.getTextOfJSDocComment(doc.comment);
    if (prose) parts.push(prose.replace(/\s*\n\s*/g, " ").trim());
    for (const tag of doc.tags ?? []) {
      if (tag.tagName.text !== "example") continue;
      const example = (ts.getTextOfJSDocComment(tag.comment) ?? "").trim();
      if (example) parts.push(`Example: \`${example.replace(/\s*\n\s*/g, " ")}\``);
    }
  }
  void source;
  return parts.join("\n\n");
}

/** A zod-derived JSON Schema as a Pulumi schema type. */
function fromJsonSchema(schema: JsonSchema): Omit<SchemaProperty, "description"> {
  const anyOf = schema.anyOf as JsonSchema[] | undefined;
  if (anyOf) return fromJsonSchema(anyOf.find((s) => s.type !== "null") ?? {});
  switch (schema.type) {
    case "string":
    case "integer":
    case "number":
    case "boolean":
      return { type: schema.type };
    case "array":
      return { type: "array", items: { ...fromJsonSchema((schema.items as JsonSchema) ?? {}), description: "" } };
    case "object":
      if (schema.properties) return { $ref: `#/types/${LABEL_POLICY_TYPE}` };
      return { type: "object", additionalProperties: { ...fromJsonSchema(nonEmpty(schema.additionalProperties)), description: "" } };
    default:
      return { type: "string" };
  }
}

/** A label map's values are strings, though zod checks them itself (for better messages). */
function nonEmpty(schema: unknown): JsonSchema {
  return schema && typeof schema === "object" && Object.keys(schema).length > 0 ? (schema as JsonSchema) : { type: "string" };
}

/** A TypeScript declared type (`pulumi.Output<Record<string, string>>`) as a Pulumi schema type. */
function fromTypeText(text: string): Omit<SchemaProperty, "description"> {
  const inner = text
    .replace(/pulumi\.(Input|Output)<(.*)>$/s, "$2")
    .replace(/\|\s*undefined/g, "")
    .trim();
  if (inner !== text) return fromTypeText(inner);
  if (/^(string|number|boolean)$/.test(inner)) return { type: inner };
  if (inner.endsWith("[]")) return { type: "array", items: { ...fromTypeText(inner.slice(0, -2)), description: "" } };
  if (inner === "FoundSession") return { $ref: `#/types/${FOUND_SESSION_TYPE}` };
  if (inner === "LabelPolicy") return { $ref: `#/types/${LABEL_POLICY_TYPE}` };
  if (/^Record<string,\s*(pulumi\.Input<string>|string)>$/.test(inner)) {
    return { type: "object", additionalProperties: { type: "string", description: "" } };
  }
  throw new Error(`plugin schema: no schema type for the TypeScript type ${text}`);
}

function cleaned(property: SchemaProperty): SchemaProperty {
  const out = { ...property };
  if (out.items) out.items = stripDescription(out.items);
  if (out.additionalProperties) out.additionalProperties = stripDescription(out.additionalProperties);
  return out;
}

function stripDescription(property: SchemaProperty): SchemaProperty {
  const { description: _unused, ...rest } = cleaned(property);
  void _unused;
  return rest as SchemaProperty;
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

export function pluginSchema(repoRoot: string, version: string): Record<string, unknown> {
  const file = (...parts: string[]) => path.join(repoRoot, ...parts);
  const sessionArgs = documentedMembers(file("provider", "resources", "Session.ts"), "SessionArgs");
  const sessionOutputs = documentedMembers(file("provider", "resources", "Session.ts"), "Session");
  const labelsArgs = documentedMembers(file("provider", "resources", "SessionLabels.ts"), "SessionLabelsArgs");
  const labelsOutputs = documentedMembers(file("provider", "resources", "SessionLabels.ts"), "SessionLabels");
  const getArgs = documentedMembers(file("provider", "queries", "getSessions.ts"), "GetSessionsArgs");
  const getResult = documentedMembers(file("provider", "queries", "getSessions.ts"), "GetSessionsResult");
  const found = documentedMembers(file("provider", "queries", "getSessions.ts"), "FoundSession");
  const classDoc = (relative: string, name: string) => declarationDescription(file(...relative.split("/")), name, "class");

  const sessionInputJson = jsonSchemaOf(sessionInputsSchema);
  const inputShapes = sessionInputJson.properties as Record<string, JsonSchema>;
  const sessionReplaces = new Set<string>(REPLACE_ON_CHANGE);
  const sessionInputs: Properties = {};
  for (const [name, member] of sessionArgs) {
    const shape = inputShapes[name];
    if (!shape) throw new Error(`plugin schema: SessionArgs.${name} is not in sessionInputsSchema`);
    sessionInputs[name] = cleaned({ ...fromJsonSchema(shape), description: member.doc, ...replaceFlag(sessionReplaces.has(name)) });
  }
  const sessionProperties = outputsOf(sessionOutputs, sessionInputs, ALWAYS_SECRET_OUTPUTS[SESSION_TOKEN]);

  const labelsReplaces = new Set(SESSION_LABELS_REPLACE_ON_CHANGE);
  const labelsInputs: Properties = {};
  for (const [name, member] of labelsArgs) {
    labelsInputs[name] = cleaned({ ...fromTypeText(member.type), description: member.doc, ...replaceFlag(labelsReplaces.has(name)) });
  }

  const getInputs: Properties = {};
  for (const [name, member] of getArgs) {
    if (name === "client") continue; // a TypeScript program's client object; the plugin uses the provider's config
    getInputs[name] = cleaned({ ...fromTypeText(member.type), description: member.doc });
  }

  const config: Properties = {};
  for (const key of STACK_CONFIG_KEYS) {
    const name = key.replace(/^agb:/, "");
    config[name] = { type: "string", description: stackConfigSchema.shape[key].description ?? "", ...(SECRET_CONFIG.has(key) ? { secret: true } : {}) };
  }

  const policyJson = jsonSchemaOf(labelPolicySchema);
  const policyProperties: Properties = {};
  for (const [name, shape] of Object.entries(policyJson.properties as Record<string, JsonSchema>)) {
    policyProperties[name] = cleaned({
      ...fromJsonSchema(shape),
      description: String(shape.description ?? ""),
    });
  }

  return {
    name: "agb",
    displayName: "AGB",
    version,
    description: "AGB (agb.cloud) sessions and their labels: the same runtime as the pulumi-agb dynamic provider, for every Pulumi language.",
    keywords: ["pulumi", "agb", "category/cloud", "kind/native"],
    license: "Apache-2.0",
    config: { variables: config },
    provider: { description: "The agb provider: its settings are the agb:* stack config keys.", inputProperties: config },
    types: {
      [LABEL_POLICY_TYPE]: {
        type: "object",
        description: "Label rules checked before any API call, on top of agb:labelPolicy.",
        properties: policyProperties,
      },
      [FOUND_SESSION_TYPE]: {
        type: "object",
        description: "One session getSessions found.",
        properties: plainProperties(found),
        required: requiredOf(found),
      },
    },
    resources: {
      [SESSION_TOKEN]: {
        description: classDoc("provider/resources/Session.ts", "Session"),
        inputProperties: sessionInputs,
        requiredInputs: sessionInputJson.required ?? [],
        properties: sessionProperties,
        required: ["sessionId", "imageId", "labels", "defaultLabels", "effectiveLabels", "status", "adopted"],
      },
      [SESSION_LABELS_TOKEN]: {
        description: classDoc("provider/resources/SessionLabels.ts", "SessionLabels"),
        inputProperties: labelsInputs,
        requiredInputs: requiredOf(labelsArgs),
        properties: outputsOf(labelsOutputs, labelsInputs, ALWAYS_SECRET_OUTPUTS[SESSION_LABELS_TOKEN]),
        required: [...labelsOutputs.keys()],
      },
    },
    functions: {
      [GET_SESSIONS_TOKEN]: {
        description: declarationDescription(file("provider", "queries", "getSessions.ts"), "getSessions", "function"),
        inputs: { properties: getInputs },
        outputs: { properties: plainProperties(getResult), required: requiredOf(getResult) },
      },
    },
    language: { nodejs: { packageName: "@pulumi-agb/agb" }, python: { packageName: "pulumi_agb" } },
  };
}

function replaceFlag(replaces: boolean): Partial<SchemaProperty> {
  return replaces ? { replaceOnChanges: true, willReplaceOnChanges: true } : {};
}

/** Outputs: typed as the input of the same name where there is one, documented by the class. */
function outputsOf(outputs: Map<string, Member>, inputs: Properties, secretOutputs: readonly string[]): Properties {
  const out: Properties = {};
  for (const [name, member] of outputs) {
    const { replaceOnChanges: _r, willReplaceOnChanges: _w, ...asInput } = inputs[name] ?? fromTypeText(member.type);
    void _r;
    void _w;
    out[name] = cleaned({ ...asInput, description: member.doc, ...(secretOutputs.includes(name) ? { secret: true } : {}) } as SchemaProperty);
  }
  return out;
}

function plainProperties(members: Map<string, Member>): Properties {
  return Object.fromEntries([...members].map(([name, m]) => [name, cleaned({ ...fromTypeText(m.type), description: m.doc })]));
}

function requiredOf(members: Map<string, Member>): string[] {
  return [...members].filter(([, m]) => !m.optional && !/\|\s*undefined/.test(m.type)).map(([name]) => name);
}

/** The doc comment of the top-level class or function `name` declared in `file`. */
function declarationDescription(file: string, name: string, kind: "class" | "function"): string {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const matches = (node: ts.Node) => (kind === "class" ? ts.isClassDeclaration(node) : ts.isFunctionDeclaration(node));
  let found = "";
  source.forEachChild((node) => {
    if (matches(node) && (node as ts.ClassDeclaration | ts.FunctionDeclaration).name?.text === name) found = describe(node, source);
  });
  return found;
}
