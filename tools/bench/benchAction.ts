/**
 * One Pulumi operation of the benchmark, in its own process (so each run has a
 * fresh language runtime and the parent can watch this process tree):
 *   node dist/tools/bench/benchAction.js '<BenchActionSpec JSON>'
 * Prints a BenchActionResult as JSON on the last line of stdout. `ms` times
 * the operation alone (stack.up/refresh/destroy); opening the stack and
 * setting config (a few CLI calls) is in `totalMs` only.
 */
import { openStack, runOperation, type StackSpec } from "../pulumi-driver/stackRunner";

export type BenchOp = "up" | "refresh" | "destroy" | "export";

export interface BenchActionSpec extends StackSpec {
  project: string;
  stateDir: string;
  workDir: string;
  config: Record<string, string>;
  op: BenchOp;
}

export interface StateMeasure {
  /** `pulumi stack export` text, bytes. */
  exportBytes: number;
  resources: number;
  /** Resources carrying a serialized dynamic provider. */
  dynamicResources: number;
  /** Bytes of one `__provider` value (min/max over resources; inputs and outputs each hold a copy). */
  providerBytesMin: number;
  providerBytesMax: number;
  /** How many copies of `__provider` one resource keeps in state (inputs, outputs). */
  providerCopiesPerResource: number;
  distinctProviders: number;
  /** Bytes of one dynamic resource's state entry (mean). */
  resourceEntryBytesMean: number;
  /** The first `__provider` text, for inspection. */
  providerSample: string;
}

export interface BenchActionResult {
  op: BenchOp;
  ok: boolean;
  ms: number;
  totalMs: number;
  changes: Record<string, number>;
  error?: string;
  /** The end of the CLI output when the operation failed. */
  logTail?: string;
  state?: StateMeasure;
}

interface ExportedResource {
  custom?: boolean;
  type?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export function measureState(exported: string): StateMeasure {
  const parsed = JSON.parse(exported) as { deployment?: { resources?: ExportedResource[] } };
  const resources = parsed.deployment?.resources ?? [];
  const sizes: number[] = [];
  const entrySizes: number[] = [];
  const distinct = new Set<string>();
  let copies = 0;
  for (const resource of resources) {
    const inProvider = resource.inputs?.__provider;
    const outProvider = resource.outputs?.__provider;
    const provider = typeof inProvider === "string" ? inProvider : typeof outProvider === "string" ? outProvider : undefined;
    if (provider === undefined) continue;
    sizes.push(Buffer.byteLength(provider));
    distinct.add(provider);
    entrySizes.push(Buffer.byteLength(JSON.stringify(resource)));
    copies = Math.max(copies, (typeof inProvider === "string" ? 1 : 0) + (typeof outProvider === "string" ? 1 : 0));
  }
  return {
    exportBytes: Buffer.byteLength(exported),
    resources: resources.length,
    dynamicResources: sizes.length,
    providerBytesMin: sizes.length ? Math.min(...sizes) : 0,
    providerBytesMax: sizes.length ? Math.max(...sizes) : 0,
    providerCopiesPerResource: copies,
    distinctProviders: distinct.size,
    resourceEntryBytesMean: entrySizes.length ? Math.round(entrySizes.reduce((a, b) => a + b, 0) / entrySizes.length) : 0,
    providerSample: distinct.values().next().value ?? "",
  };
}

export async function runBenchAction(spec: BenchActionSpec): Promise<BenchActionResult> {
  const startedTotal = Date.now();
  const result: BenchActionResult = { op: spec.op, ok: true, ms: 0, totalMs: 0, changes: {} };
  const lines: string[] = [];
  const onOutput = (text: string) => {
    lines.push(text);
    if (lines.length > 400) lines.splice(0, lines.length - 200);
  };
  try {
    const stack = await openStack(spec);
    const started = Date.now();
    switch (spec.op) {
      case "up":
      case "refresh":
      case "destroy":
        result.changes = (await runOperation(stack, spec.op, onOutput)).changes;
        break;
      case "export":
        result.state = measureState(JSON.stringify(await stack.exportStack()));
        break;
    }
    result.ms = Date.now() - started;
  } catch (error) {
    result.ok = false;
    result.error = (error instanceof Error ? error.message : String(error)).slice(0, 4000);
    result.logTail = lines.join("").slice(-4000);
  }
  result.totalMs = Date.now() - startedTotal;
  return result;
}


if (require.main === module) {
  runBenchAction(JSON.parse(process.argv[2]) as BenchActionSpec).then(
    (result) => {
      process.stdout.write(`\n${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stdout.write(`\n${JSON.stringify({ ok: false, error: String(error), ms: 0, totalMs: 0, changes: {} })}\n`);
      process.exit(1);
    },
  );
}
