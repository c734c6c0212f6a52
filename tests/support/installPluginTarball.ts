import { execFileSync } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "../../tools/pulumi-driver/pulumiCli";

/**
 * Packages the `agb` plugin from the built code (scripts/package-plugin.js;
 * run `npm run build` first) and returns the tarball's path, the last line
 * the script prints.
 */
export function packagePlugin(): string {
  const out = execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts", "package-plugin.js")], { cwd: REPO_ROOT, encoding: "utf8" });
  return out.trim().split("\n").pop() as string;
}

/** The version the tarball's name carries (`pulumi-resource-agb-v<version>-linux-amd64.tar.gz`). */
export function pluginVersionOf(tarball: string): string {
  const match = /pulumi-resource-agb-v(.+)-linux-amd64\.tar\.gz$/.exec(path.basename(tarball));
  if (!match) throw new Error(`not a plugin tarball name: ${tarball}`);
  return match[1];
}
