/**
 * Runs one Pulumi action in its own process and prints the result as JSON on
 * the last line of stdout, so each run starts a fresh language runtime:
 *   node dist/tools/pulumi-driver/stackCli.js '<StackSpec JSON>' '<action or StackOp JSON>'
 */
import { runAction, type Action, type StackOp, type StackSpec } from "./stackRunner";

const [specText, opText] = process.argv.slice(2);
const op: StackOp | Action = opText.startsWith("{") ? (JSON.parse(opText) as StackOp) : (opText as Action);
runAction(JSON.parse(specText) as StackSpec, op).then(
  (result) => process.stdout.write(`\n${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stdout.write(`\n${JSON.stringify({ ok: false, error: String(error), changes: {}, outputs: {}, log: "", ms: 0, totalMs: 0 })}\n`);
    process.exitCode = 1;
  },
);
