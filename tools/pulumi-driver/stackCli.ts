/**
 * Runs one Pulumi action in its own process and prints the result as JSON on
 * the last line of stdout, so each run starts a fresh language runtime:
 *   node dist/tools/pulumi-driver/stackCli.js '<StackSpec JSON>' <action>
 */
import { runAction, type Action, type StackSpec } from "./stackRunner";

async function main(): Promise<void> {
  const [specText, action] = process.argv.slice(2);
  const spec = JSON.parse(specText) as StackSpec;
  const result = await runAction(spec, action as Action);
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`\n${JSON.stringify({ ok: false, error: String(error), changes: {}, outputs: {}, log: "" })}\n`);
  process.exitCode = 1;
});
