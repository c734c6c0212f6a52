import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { isReleasedStatus, RUNNING_STATUS } from "../wire/sessionStatus";

export interface StoredSession {
  sessionId: string;
  imageId: string;
  labels: Record<string, string>;
  status: string;
  /** Emulated epoch milliseconds. */
  createdAt: number;
  lastActivityAt: number;
  idleTimeoutSeconds: number;
  policyId?: string;
  contextId?: string;
  resourceId: string;
  appInstanceId: string;
  releasedAt?: number;
}

export interface StoreOptions {
  /** Emulated seconds per real second; tests speed expiry up with a larger figure. */
  timeScale: number;
  defaultIdleSeconds: number;
  maxLifetimeSeconds: number;
  /** How long a released session still answers with a status before it is not-found. */
  tombstoneSeconds: number;
  /** How long a released session reports DELETING before its final status. */
  deletingSeconds: number;
  /** The status a released session settles on: the service has been seen to report either. */
  releasedStatus: "FINISH" | "DELETED";
  /**
   * What resets the idle timer. The SDKs' integration tests show that polling
   * status does not keep a session alive and keep-alive does; whether other
   * calls (SetLabel, GetLabel) count is unknown. "keepalive" is the reading
   * that expires sessions soonest.
   */
  idleReset: "keepalive" | "any";
  /** How SetLabel treats the existing set: the real service's choice is unknown. */
  labelSemantics: "replace" | "merge";
  /** Whether SetLabel accepts `{}`: unknown for the real service. */
  emptyLabels: "accept" | "reject";
  stateFile?: string;
  now: () => number;
}

export const DEFAULT_STORE_OPTIONS: StoreOptions = {
  timeScale: 1,
  defaultIdleSeconds: 300,
  maxLifetimeSeconds: 1800,
  tombstoneSeconds: 60,
  deletingSeconds: 2,
  releasedStatus: "FINISH",
  idleReset: "keepalive",
  labelSemantics: "replace",
  emptyLabels: "accept",
  now: Date.now,
};

/** In-memory sessions with emulated time, optionally mirrored to a JSON file. */
export class EmulatorStore {
  private sessions = new Map<string, StoredSession>();
  private readonly realStart: number;
  private emulatedStart: number;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(readonly options: StoreOptions) {
    this.realStart = options.now();
    this.emulatedStart = this.realStart;
    if (options.stateFile) this.load(options.stateFile);
  }

  /** Emulated time, in epoch milliseconds. */
  now(): number {
    return this.emulatedStart + (this.options.now() - this.realStart) * this.options.timeScale;
  }

  create(input: {
    imageId: string;
    labels: Record<string, string>;
    idleTimeoutSeconds?: number;
    policyId?: string;
    contextId?: string;
  }): StoredSession {
    const now = this.now();
    const id = `s-${randomBytes(8).toString("hex")}`;
    const session: StoredSession = {
      sessionId: id,
      imageId: input.imageId,
      labels: { ...input.labels },
      status: RUNNING_STATUS,
      createdAt: now,
      lastActivityAt: now,
      idleTimeoutSeconds: input.idleTimeoutSeconds ?? this.options.defaultIdleSeconds,
      policyId: input.policyId,
      contextId: input.contextId,
      resourceId: `r-${randomBytes(6).toString("hex")}`,
      appInstanceId: `ai-${randomBytes(6).toString("hex")}`,
    };
    this.sessions.set(id, session);
    this.changed();
    return session;
  }

  /**
   * A live session, for a call about it; undefined when released or expired.
   * Resets the idle timer when `keepAlive`, or for any call under `idleReset: "any"`.
   */
  use(sessionId: string, keepAlive = false): StoredSession | undefined {
    const session = this.live(sessionId);
    if (session && (keepAlive || this.options.idleReset === "any")) session.lastActivityAt = this.now();
    return session;
  }

  /** Live or recently released: what getSession and getSessionInfo can still describe. */
  describe(sessionId: string): StoredSession | undefined {
    this.sweep();
    return this.sessions.get(sessionId);
  }

  setLabels(session: StoredSession, labels: Record<string, string>): void {
    session.labels = this.options.labelSemantics === "merge" ? { ...session.labels, ...labels } : { ...labels };
    this.changed();
  }

  release(sessionId: string): boolean {
    const session = this.live(sessionId);
    if (!session) return false;
    this.finish(session);
    this.changed();
    return true;
  }

  /** Ends a session at once, as an idle timeout would. */
  expire(sessionId: string): boolean {
    return this.release(sessionId);
  }

  list(filter: Record<string, string>, includeFinished: boolean): StoredSession[] {
    this.sweep();
    return [...this.sessions.values()].filter(
      (s) =>
        (includeFinished || !isReleasedStatus(s.status)) &&
        Object.entries(filter).every(([k, v]) => s.labels[k] === v),
    );
  }

  all(): StoredSession[] {
    this.sweep();
    return [...this.sessions.values()];
  }

  liveCount(): number {
    return this.all().filter((s) => !isReleasedStatus(s.status)).length;
  }

  clear(): void {
    this.sessions.clear();
    this.changed();
  }

  private live(sessionId: string): StoredSession | undefined {
    this.sweep();
    const session = this.sessions.get(sessionId);
    return session && !isReleasedStatus(session.status) ? session : undefined;
  }

  private finish(session: StoredSession, at: number = this.now()): void {
    session.status = this.options.deletingSeconds > 0 ? "DELETING" : this.options.releasedStatus;
    session.releasedAt = at;
  }

  /** Applies idle release, maximum lifetime, the DELETING phase and tombstone expiry. */
  private sweep(): void {
    const now = this.now();
    let changed = false;
    for (const session of this.sessions.values()) {
      if (isReleasedStatus(session.status)) {
        const releasedFor = now - (session.releasedAt ?? now);
        if (releasedFor > this.options.tombstoneSeconds * 1000) {
          this.sessions.delete(session.sessionId);
          changed = true;
        } else if (session.status === "DELETING" && releasedFor >= this.options.deletingSeconds * 1000) {
          session.status = this.options.releasedStatus;
          changed = true;
        }
        continue;
      }
      // A timeout takes effect at the moment it ran out, not when it is noticed.
      const endsAt = Math.min(
        session.lastActivityAt + session.idleTimeoutSeconds * 1000,
        session.createdAt + this.options.maxLifetimeSeconds * 1000,
      );
      if (now > endsAt) {
        this.finish(session, endsAt);
        if (now - endsAt >= this.options.deletingSeconds * 1000) session.status = this.options.releasedStatus;
        changed = true;
      }
    }
    if (changed) this.changed();
  }

  private changed(): void {
    if (!this.options.stateFile || this.saveTimer) return;
    // Coalesce bursts of writes (a 500-session `up`) into one file write.
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, 20);
    this.saveTimer.unref();
  }

  /** Writes the state file at once (atomically); called on shutdown too. */
  saveNow(): void {
    if (!this.options.stateFile) return;
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    const file = this.options.stateFile;
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    const body = { version: 1, savedAt: this.now(), sessions: [...this.sessions.values()] };
    fs.writeFileSync(tmp, JSON.stringify(body));
    fs.renameSync(tmp, file);
  }

  private load(file: string): void {
    if (!fs.existsSync(file)) return;
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { savedAt?: number; sessions?: StoredSession[] };
    for (const session of parsed.sessions ?? []) this.sessions.set(session.sessionId, session);
    // Time keeps running from where the saved emulator left it, so saved timers stay meaningful.
    if (typeof parsed.savedAt === "number" && parsed.savedAt > this.emulatedStart) this.emulatedStart = parsed.savedAt;
  }
}
