#!/usr/bin/env node
/**
 * agb-recover-pending: after a `pulumi up` was killed, write the sessions its
 * pending creates made into the stack's state instead of orphaning them.
 *   npx agb-recover-pending [--stack NAME] [--cwd DIR] [--dry-run]
 * then `pulumi refresh` and `pulumi up` as usual. Uses the `pulumi` on PATH,
 * and the stack's agb:endpoint / agb:apiKey config (or AGB_ENDPOINT / AGB_API_KEY).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { AgbClient } from "../client/AgbClient";
import { resolveClientOptions } from "../client/resolveClientOptions";
import { recoverPendingCreates, type Deployment } from "./recoverPendingCreates";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, cwd: { type: "string" }, "dry-run": { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) {
    process.stdout.write("usage: agb-recover-pending [--stack NAME] [--cwd DIR] [--dry-run]\n");
    return 0;
  }
  const cwd = values.cwd ?? process.cwd();
  const stackArgs = values.stack ? ["--stack", values.stack] : [];
  const pulumi = (args: string[], input?: string) =>
    execFileSync("pulumi", [...args, ...stackArgs], { cwd, encoding: "utf8", input, maxBuffer: 1024 * 1024 * 1024 });
  const configValue = (key: string): string | undefined => {
    try {
      return pulumi(["config", "get", key]).trim() || undefined;
    } catch {
      return undefined;
    }
  };

  const exported = JSON.parse(pulumi(["stack", "export"])) as { version: number; deployment: Deployment };
  const client = new AgbClient(
    resolveClientOptions({}, { "agb:endpoint": configValue("agb:endpoint"), "agb:apiKey": configValue("agb:apiKey") }),
  );
  const dryRun = values["dry-run"] === true;
  // A dry run must change nothing, on the service either: it releases no duplicate.
  const result = await recoverPendingCreates(exported.deployment, client, { dryRun });
  process.stdout.write(
    `pending creates: ${result.pendingCreates}; sessions found and written into state: ${result.adopted.length}; ` +
      `made no session (dropped, the next up creates them): ${result.dropped.length}; ` +
      `duplicates released: ${dryRun ? `0 (dry run; ${result.duplicates.length} found)` : result.released.length}\n`,
  );
  for (const { urn, sessionId } of result.adopted) process.stdout.write(`  ${urn} -> ${sessionId}\n`);
  if (dryRun) {
    process.stdout.write("dry run: state and sessions left as they were\n");
    return 0;
  }
  if (result.pendingCreates === 0) return 0;

  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "agb-recover-")), "state.json");
  fs.writeFileSync(file, JSON.stringify({ ...exported, deployment: result.deployment }));
  try {
    pulumi(["stack", "import", "--file", file]);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  process.stdout.write("state updated; now run `pulumi refresh` and `pulumi up`\n");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`agb-recover-pending: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
