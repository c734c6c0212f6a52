/** The local AGB emulator, for your own tests: `import { startEmulator } from "pulumi-agb/emulator"`. */
export { startEmulator, type EmulatorOptions, type RunningEmulator } from "./startEmulator";
export type { FaultConfigInput, ScriptedFault } from "./faults";
export type { StoredSession } from "./EmulatorStore";
export type { Concurrency } from "./controlRoutes";
