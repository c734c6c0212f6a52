import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./pulumiCli";

/**
 * Installs this package into `projectDir/node_modules` as npm would, a real
 * directory (package.json and the published dist folders), not the link to the
 * checkout that `npm install` makes here, so Pulumi serializes its providers as
 * in a user's project. @pulumi/pulumi is copied beside it, as npm places it:
 * its closure serializer looks the package up from its own location, and a
 * link would lead it back to the checkout (it is a peer dependency: the
 * project's one copy also hosts the dynamic provider). The other dependencies are linked.
 * Drive the project with the Automation API of its own @pulumi/pulumi
 * (stackRunner's openStack does). Build first: the copy is taken from dist/.
 */
export function installPackageCopy(projectDir: string): string {
  // A project of its own: without a package.json here, Node would take this checkout's (a package named
  // pulumi-agb) as the nearest and resolve "pulumi-agb/..." to the checkout itself, by self-reference.
  const projectManifest = path.join(projectDir, "package.json");
  fs.mkdirSync(projectDir, { recursive: true });
  if (!fs.existsSync(projectManifest)) {
    fs.writeFileSync(projectManifest, `${JSON.stringify({ name: path.basename(projectDir), private: true }, null, 2)}\n`);
  }
  const modules = path.join(projectDir, "node_modules");
  const packageDir = path.join(modules, "pulumi-agb");
  fs.rmSync(packageDir, { recursive: true, force: true });
  fs.mkdirSync(packageDir, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    files: string[];
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
  };
  fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(packageDir, "package.json"));
  for (const entry of manifest.files.filter((f) => f.startsWith("dist/"))) {
    fs.cpSync(path.join(REPO_ROOT, entry), path.join(packageDir, entry), { recursive: true });
  }
  for (const dependency of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]) {
    const target = path.join(modules, dependency);
    const source = path.join(REPO_ROOT, "node_modules", dependency);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.rmSync(target, { recursive: true, force: true });
    if (dependency === "@pulumi/pulumi") fs.cpSync(source, target, { recursive: true });
    else fs.symlinkSync(source, target, "dir");
  }
  return packageDir;
}
