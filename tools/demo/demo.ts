/**
 * `npm run demo`: what a user types, on examples/basic as a Pulumi.yaml
 * project with the package installed from its packed tarball: `pulumi stack
 * init`, `pulumi config set --secret agb:apiKey`, `pulumi up`, `pulumi preview
 * --diff`, `pulumi refresh`, `pulumi destroy`, through the real CLI and the
 * Node.js language host. By default against a local emulator started here;
 * with `--real` (and AGB_API_KEY set) against the AGB service itself.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { AgbClient } from "../../provider/client/AgbClient";
import { cliProject, expectOk, installPackedPackage, type CliProject } from "../pulumi-driver/cliProjects";
import { EmulatorControl } from "../pulumi-driver/emulatorControl";
import { ensurePulumiCli, WORK_ROOT } from "../pulumi-driver/pulumiCli";
import { startEmulatorProcess, type EmulatorProcess } from "../pulumi-driver/startEmulatorProcess";

const SESSION_COUNT = 3;
const useReal = process.argv.includes("--real");

function say(text = ""): void {
  process.stdout.write(`${text}\n`);
}

function heading(text: string): void {
  say();
  say(`=== ${text} ===`);
}

/** The CLI's last "Resources:" summary (an `up` prints the preview's first), as the user reads it. */
function summary(stdout: string): string[] {
  const lines = stdout.split("\n");
  const start = lines.map((l) => l.startsWith("Resources:")).lastIndexOf(true);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.trim() === "");
  return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => `  ${l.trim()}`);
}

async function main(): Promise<number> {
  heading("Pulumi CLI and the Node.js language host");
  const cliDir = ensurePulumiCli();
  say(`using ${cliDir}/pulumi and pulumi-language-nodejs`);

  let emulator: EmulatorProcess | undefined;
  let endpoint: string;
  let apiKey: string;
  if (useReal) {
    apiKey = process.env.AGB_API_KEY ?? "";
    if (!apiKey) {
      say("--real needs AGB_API_KEY in the environment");
      return 2;
    }
    endpoint = process.env.AGB_ENDPOINT ?? "https://sdk-api.agb.cloud";
    say(`against the AGB service at ${endpoint}`);
  } else {
    // A throwaway key, so the demo exercises the same auth path as the real service.
    apiKey = `akm-demo-${randomBytes(8).toString("hex")}`;
    emulator = await startEmulatorProcess(["--api-key", apiKey]);
    endpoint = emulator.url;
    say(`started agb-emulator at ${endpoint}`);
  }
  const control = emulator ? new EmulatorControl(endpoint) : undefined;
  const client = new AgbClient({ endpoint, apiKey });

  heading("a project folder: examples/basic with pulumi-agb installed from its packed tarball");
  const root = path.join(WORK_ROOT, "demo");
  const tarball = installPackedPackage(root);
  const project: CliProject = cliProject(root, "basic", "demo-project");
  say(`npm install ${path.basename(tarball)} @pulumi/pulumi typescript   (in ${root})`);
  say(`project: ${project.dir}`);

  const pulumi = async (args: string[], options: { quiet?: boolean; secretArg?: string } = {}) => {
    const shown = args.map((a) => (a === options.secretArg ? "********" : a)).join(" ");
    say(`$ pulumi ${shown}`);
    await control?.reset("stats");
    const result = expectOk(await project.pulumi(args), shown);
    if (!options.quiet) {
      for (const line of summary(result.stdout)) say(line);
      say(`  (${(result.ms / 1000).toFixed(1)} s)`);
      if (control) {
        const stats = await control.stats();
        const calls = Object.entries(stats).map(([p, n]) => `${p} x${n}`).join(", ");
        say(`  API calls: ${calls || "none"}`);
      }
    }
    return result;
  };

  const sessionIds = async (): Promise<string[]> =>
    JSON.parse((await project.pulumi(["stack", "output", "sessionIds", "--json"])).stdout || "[]") as string[];

  const showSessions = async (ids: string[]) => {
    for (const id of ids) {
      try {
        const labels = await client.getLabels(id);
        const shown = Object.entries(labels)
          .filter(([k]) => k !== "pulumi-agb-create-token")
          .map(([k, v]) => `${k}=${v}`)
          .join(", ");
        say(`  ${id}: ${shown}`);
      } catch (error) {
        say(`  ${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  let exitCode = 0;
  try {
    heading("set up the stack");
    await pulumi(["stack", "init", "demo"], { quiet: true });
    await pulumi(["config", "set", "agb:endpoint", endpoint], { quiet: true });
    await pulumi(["config", "set", "--secret", "agb:apiKey", apiKey], { quiet: true, secretArg: apiKey });
    await pulumi(["config", "set", "sessionCount", String(SESSION_COUNT)], { quiet: true });

    heading(`up: create ${SESSION_COUNT} sessions with labels`);
    await pulumi(["up", "--yes"]);
    const ids = await sessionIds();
    await showSessions(ids);

    heading("preview a label change (environment: dev -> staging)");
    await pulumi(["config", "set", "labels", JSON.stringify({ environment: "staging" })], { quiet: true });
    const preview = await pulumi(["preview", "--diff"]);
    for (const line of preview.stdout.split("\n").filter((l) => /environment|update|replace/.test(l)).slice(0, 8)) say(`  | ${line.trimEnd()}`);

    heading("up: apply the label change in place");
    await pulumi(["up", "--yes"]);
    await showSessions(ids);

    heading("drift: someone changes a label outside Pulumi");
    await client.setLabels(ids[0], { ...(await client.getLabels(ids[0])), environment: "hand-edited" });
    await showSessions(ids.slice(0, 1));
    heading("refresh: read the labels back");
    await pulumi(["refresh", "--yes"]);
    heading("up: restore the declared labels");
    await pulumi(["up", "--yes"]);
    await showSessions(ids.slice(0, 1));

    heading("destroy: release every session");
    await pulumi(["destroy", "--yes"]);
    if (control) say(`sessions still alive on the emulator: ${(await control.liveSessions()).length}`);
    say();
    say("demo finished");
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    exitCode = 1;
  } finally {
    await emulator?.stop();
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
