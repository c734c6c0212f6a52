import fs from "node:fs";
import path from "node:path";
import { cliProject, type CliProject } from "../../../tools/pulumi-driver/cliProjects";

/**
 * A Pulumi.yaml project under `root` (where installPackedPackage put the packed
 * package) whose program is the plain JavaScript file `program`: no type
 * checker, as a user's JavaScript program, and no compile step.
 */
export function contractProject(root: string, name: string, program: string): CliProject {
  const project = cliProject(root, "basic", name);
  for (const file of ["index.ts", "tsconfig.json"]) fs.rmSync(path.join(project.dir, file), { force: true });
  fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);
  fs.writeFileSync(path.join(project.dir, "package.json"), `${JSON.stringify({ name, private: true, main: "index.js" }, null, 2)}\n`);
  fs.copyFileSync(program, path.join(project.dir, "index.js"));
  return project;
}
