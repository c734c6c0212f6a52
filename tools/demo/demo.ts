/**
 * `npm run demo`: the example stack through its whole life with the real
 * Pulumi CLI. By default against a local emulator started here; with
 * `--real` (and AGB_API_KEY set) against the AGB service itself.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { AgbClient } from "../../provider/client/AgbClient";
import { EmulatorControl } from "../pulumi-driver/emulatorControl";
import { ensurePulumiCli, WORK_ROOT } from "../pulumi-driver/pulumiCli";
import { runStackAction } from "../pulumi-driver/runStackAction";
import { startEmulatorProcess, type EmulatorProcess } from "../pulumi-driver/startEmulatorProcess";
import type { Action, ActionResult, StackSpec } from "../pulumi-driver/stackRunner";

const SESSION_COUNT = 3;
const useReal = process.argv.includes("--real");

function say(text = ""): void {
  process.stdout.write(`${text}\n`);
}

function heading(text: string): void {
  say();
  say(`=== ${text} ===`);
}

async function main(): Promise<number> {
  heading("Pulumi CLI");
  const cliDir = ensurePulumiCli();
  say(`using pulumi from ${cliDir}`);

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
  const stateDir = path.join(WORK_ROOT, "demo-state");
  fs.rmSync(stateDir, { recursive: true, force: true });
  const spec: StackSpec = {
    example: "basic",
    project: "agb-demo",
    stack: "demo",
    cliDir,
    stateDir,
    config: { "agb:endpoint": endpoint, sessionCount: String(SESSION_COUNT) },
    secretConfig: { "agb:apiKey": apiKey },
  };

  const step = async (title: string, action: Action, extraConfig: Record<string, string> = {}): Promise<ActionResult> => {
    heading(title);
    await control?.reset("stats");
    const result = await runStackAction({ ...spec, config: { ...spec.config, ...extraConfig } }, action);
    if (!result.ok) throw new Error(`pulumi ${action} failed: ${result.error}\n${result.log}`);
    const changes = Object.entries(result.changes).map(([kind, n]) => `${n} ${kind}`).join(", ");
    say(`pulumi ${action}: ${changes || "no changes"} in ${(result.ms / 1000).toFixed(1)} s`);
    if (control) {
      const stats = await control.stats();
      const calls = Object.entries(stats).map(([p, n]) => `${p} x${n}`).join(", ");
      say(`API calls: ${calls || "none"}`);
    }
    return result;
  };

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
    const up = await step(`up: create ${SESSION_COUNT} sessions with labels`, "up");
    const ids = (up.outputs.sessionIds as string[]) ?? [];
    await showSessions(ids);

    const edit = { labels: JSON.stringify({ environment: "staging" }) };
    const preview = await step("preview a label change (environment: dev -> staging)", "preview", edit);
    say(`the preview says: ${preview.changes.update ?? 0} update, ${preview.changes.replace ?? 0} replace`);
    await step("up: apply the label change in place", "up", edit);
    await showSessions(ids);

    heading("drift: someone changes a label outside Pulumi");
    await client.setLabels(ids[0], { ...(await client.getLabels(ids[0])), environment: "hand-edited" });
    await showSessions(ids.slice(0, 1));
    const refresh = await step("refresh: read the labels back", "refresh", edit);
    say(`refresh recorded: ${refresh.changes.update ?? 0} session(s) drifted`);
    await step("up: restore the declared labels", "up", edit);
    await showSessions(ids.slice(0, 1));

    await step("destroy: release every session", "destroy", edit);
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
