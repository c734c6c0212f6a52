/**
 * Every input and output of the public resources, and every option of
 * getSessions, documents itself in the editor: a doc comment with an example.
 * Every stack config key is in the configuration table of docs/configuration.md.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { STACK_CONFIG_KEYS, stackConfigSchema } from "../../provider/config/stackConfigSchema";

const ROOT = path.resolve(__dirname, "..", "..");

function documentedMembers(file: string, containers: string[]): { name: string; doc: string; example: boolean }[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
  const out: { name: string; doc: string; example: boolean }[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name && containers.includes(node.name.text)) {
      for (const member of node.members) {
        if (!(ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) || !member.name) continue;
        const docs = ts.getJSDocCommentsAndTags(member);
        out.push({
          name: `${node.name.text}.${member.name.getText(source)}`,
          doc: docs.map((d) => d.getText(source)).join("\n"),
          example: ts.getJSDocTags(member).some((tag) => tag.tagName.text === "example"),
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe("the public API documents itself", () => {
  it.each([
    ["provider/resources/Session.ts", ["SessionArgs", "Session"]],
    ["provider/resources/SessionLabels.ts", ["SessionLabelsArgs", "SessionLabels"]],
    ["provider/queries/getSessions.ts", ["GetSessionsArgs", "FoundSession", "GetSessionsResult"]],
  ])("%s: every input, output and option has a doc comment with an @example", (file, containers) => {
    const members = documentedMembers(file, containers);
    expect(members.length).toBeGreaterThan(0);
    expect(members.filter((m) => !m.doc || !m.example).map((m) => m.name)).toEqual([]);
  });

  it("every stack config key has a description and a row in docs/configuration.md's table", () => {
    const reference = fs.readFileSync(path.join(ROOT, "docs", "configuration.md"), "utf8");
    for (const key of STACK_CONFIG_KEYS) {
      expect(stackConfigSchema.shape[key].description?.length ?? 0).toBeGreaterThan(10);
      expect(reference).toContain(`| \`${key}\``);
    }
  });
});
