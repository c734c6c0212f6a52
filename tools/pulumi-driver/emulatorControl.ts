import { OPERATIONS } from "../../wire/protocol";
import { isReleasedStatus } from "../../wire/sessionStatus";
import type { Concurrency } from "../../emulator/controlRoutes";
import type { StoredSession } from "../../emulator/EmulatorStore";
import type { FaultConfigInput } from "../../emulator/faults";

/** The emulator's /_emulator/ control routes, for tests, the demo and the benchmark. */
export class EmulatorControl {
  constructor(readonly url: string) {}

  /** Calls received per API path, e.g. { [OPERATIONS.setLabel.path]: 3 }. */
  async stats(): Promise<Record<string, number>> {
    return this.get("/_emulator/stats");
  }

  /** API requests in flight now, and the most at once since the last reset of the stats. */
  async concurrency(): Promise<Concurrency> {
    return this.get("/_emulator/concurrency");
  }

  async sessions(): Promise<StoredSession[]> {
    return this.get("/_emulator/sessions");
  }

  async liveSessions(): Promise<StoredSession[]> {
    return (await this.sessions()).filter((s) => !isReleasedStatus(s.status));
  }

  async reset(what: "all" | "stats" | "sessions" | "faults" = "stats"): Promise<void> {
    await this.post(`/_emulator/reset?what=${what}`, {});
  }

  async expire(sessionId: string): Promise<void> {
    await this.post(`/_emulator/expire?sessionId=${encodeURIComponent(sessionId)}`, {});
  }

  async setFaults(config: FaultConfigInput): Promise<void> {
    await this.post("/_emulator/faults", config);
  }

  async faults(): Promise<{ config: unknown; injected: Record<string, number> }> {
    return this.get("/_emulator/faults");
  }

  private async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`);
    if (!response.ok) throw new Error(`emulator ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  private async post(path: string, body: unknown): Promise<void> {
    const response = await fetch(`${this.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${path}: HTTP ${response.status} ${await response.text()}`);
  }
}

/** Only the calls that change something on the service. */
export const MUTATING_PATHS = [
  OPERATIONS.createSession.path,
  OPERATIONS.setLabel.path,
  OPERATIONS.releaseSessionAsync.path,
  OPERATIONS.releaseSession.path,
] as const;

export function mutatingCalls(stats: Record<string, number>): number {
  return MUTATING_PATHS.reduce((sum, path) => sum + (stats[path] ?? 0), 0);
}
