import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../../emulator/startEmulator";
import { EmulatorControl } from "../../../tools/pulumi-driver/emulatorControl";
import { AgbClient } from "pulumi-agb";
import { cleanSuite, E2E_API_KEY } from "./e2eSupport";

export interface E2eEmulator {
  emulator: RunningEmulator;
  control: EmulatorControl;
  /** A client with the suite's key, for changes made outside Pulumi. */
  client: AgbClient;
}

/**
 * The emulator of an end-to-end suite: before the suite, the suite's old state
 * and project directories are removed and an emulator starts that demands
 * E2E_API_KEY, with idle and lifetime limits long enough that no session ends
 * on its own; after the suite it is closed. Read the fields inside tests.
 */
export function useE2eEmulator(suite: string, projects: readonly string[], options: EmulatorOptions = {}): E2eEmulator {
  const holder = {} as E2eEmulator;
  beforeAll(async () => {
    for (const project of projects) cleanSuite(suite, project);
    holder.emulator = await startEmulator({ apiKey: E2E_API_KEY, defaultIdleSeconds: 3600, maxLifetimeSeconds: 7200, ...options });
    holder.control = new EmulatorControl(holder.emulator.url);
    holder.client = new AgbClient({ endpoint: holder.emulator.url, apiKey: E2E_API_KEY });
  });
  afterAll(async () => {
    await holder.emulator?.close();
  });
  return holder;
}
