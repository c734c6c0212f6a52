import path from "node:path";
import { ensurePulumiCli, WORK_ROOT } from "../../tools/pulumi-driver/pulumiCli";
import { runStackAction } from "../../tools/pulumi-driver/runStackAction";
import type { Action, ActionResult, StackSpec } from "../../tools/pulumi-driver/stackRunner";

let cachedCliDir: string | undefined;

/** The Pulumi CLI directory, built on first use when it is not on PATH. */
export function pulumiCliDir(): string {
  cachedCliDir ??= ensurePulumiCli();
  return cachedCliDir;
}

export type StackOptions = Omit<StackSpec, "cliDir" | "stateDir"> & { stateDir?: string };

/**
 * A stack of one example program, driven by the real CLI in a child process
 * (dist/tools/pulumi-driver/stackCli.js, so run `npm run build` first). State lives in a
 * per-suite directory under .work/.
 */
export class StackFixture {
  constructor(private options: StackOptions & { suite: string }) {}

  setConfig(config: Record<string, string>): void {
    this.options = { ...this.options, config: { ...this.options.config, ...config } };
  }

  /** The full spec the runs use (e.g. to start a run this fixture does not drive, in the same state). */
  spec(env: Record<string, string> = {}): StackSpec {
    return {
      ...this.options,
      cliDir: pulumiCliDir(),
      stateDir: this.options.stateDir ?? path.join(WORK_ROOT, `state-${this.options.suite}`),
      env: { ...this.options.env, ...env },
    };
  }

  async run(action: Action, env: Record<string, string> = {}): Promise<ActionResult> {
    return runStackAction(this.spec(env), action);
  }

  /** Like run, but fails the test with the CLI's log when the action fails. */
  async runOk(action: Action, env: Record<string, string> = {}): Promise<ActionResult> {
    const result = await this.run(action, env);
    if (!result.ok) throw new Error(`pulumi ${action} failed: ${result.error}\n${result.log}`);
    return result;
  }
}
