import type { z } from "zod";
import {
  createSessionDataSchema,
  decodeLabels,
  encodeLabels,
  getLabelDataSchema,
  getSessionDataSchema,
  listSessionDataSchema,
  sessionInfoDataSchema,
  type Envelope,
  type OperationName,
} from "../../wire/protocol";
import { isReleasedStatus } from "../../wire/sessionStatus";
import { mergeClientOptions, type ClientOptions, type ClientOptionsInput } from "./clientOptions";
import { AgbApiError, AgbResponseShapeError, AgbTimeoutError, isNotFound } from "./errors";
import { classifyError, isRetryable } from "./retry/classifyError";
import { Transport } from "./transport";

export type Labels = Record<string, string>;

export interface CreateSessionRequest {
  imageId: string;
  labels?: Labels;
  /** Idle-release timeout, in seconds. */
  idleReleaseTimeout?: number;
  policyId?: string;
  contextId?: string;
}

export interface SessionDetails {
  sessionId: string;
  status?: string;
  resourceUrl?: string;
  appInstanceId?: string;
  resourceId?: string;
  linkUrl?: string;
  wsUrl?: string;
}

/** What createSession answers: the session's details (no status yet) and the request id. */
export interface CreatedSession extends Omit<SessionDetails, "status"> {
  requestId?: string;
}

export interface SessionSummary {
  sessionId: string;
  status?: string;
}

/** One method per operation of the AGB session API. */
export class AgbClient {
  readonly options: ClientOptions;
  private readonly transport: Transport;

  constructor(options: ClientOptionsInput = {}) {
    this.options = mergeClientOptions(options);
    this.transport = new Transport(this.options);
  }

  get stats() {
    return this.transport.stats;
  }

  async createSession(request: CreateSessionRequest): Promise<CreatedSession> {
    const params = {
      imageId: request.imageId,
      labels: request.labels && Object.keys(request.labels).length > 0 ? encodeLabels(request.labels) : undefined,
      timeout: request.idleReleaseTimeout,
      mcpPolicyId: request.policyId,
      contextId: request.contextId,
    };
    const envelope = await this.transport.call("createSession", params);
    const data = this.parse("createSession", envelope, createSessionDataSchema);
    if (data.success === false || !data.sessionId) {
      throw new AgbApiError({
        operation: "createSession",
        code: envelope.code ?? undefined,
        requestId: envelope.requestId ?? undefined,
        endpoint: this.transport.endpointForErrors,
        apiMessage: data.errMsg ? this.transport.scrub(data.errMsg, params) : "the service created no session",
      });
    }
    return { sessionId: data.sessionId, ...endpointsOf(data), requestId: envelope.requestId ?? undefined };
  }

  async getSession(sessionId: string): Promise<SessionDetails> {
    const envelope = await this.transport.call("getSession", { sessionId });
    const data = this.parse("getSession", envelope, getSessionDataSchema);
    return { sessionId: data.sessionId, status: data.status ?? undefined, ...endpointsOf(data) };
  }

  /** The session's status; DELETING, DELETED or FINISH once released (see isReleasedStatus). */
  async getSessionStatus(sessionId: string): Promise<string | undefined> {
    const envelope = await this.transport.call("getSessionInfo", { sessionId });
    const data = this.parse("getSessionInfo", envelope, sessionInfoDataSchema);
    return data.status ?? data.Status ?? undefined;
  }

  /** Sends the full label map; the service's merge-or-replace behaviour is the caller's concern. */
  async setLabels(sessionId: string, labels: Labels): Promise<void> {
    await this.transport.call("setLabel", { sessionId, Labels: encodeLabels(labels) });
  }

  /** Every label of the session, all pages followed. */
  async getLabels(sessionId: string): Promise<Labels> {
    const labels: Labels = {};
    let nextToken: string | undefined;
    const seen = new Set<string>();
    do {
      const envelope = await this.transport.call("getLabel", { sessionId, nextToken });
      const data = this.parse("getLabel", envelope, getLabelDataSchema.nullable().optional()) ?? {};
      Object.assign(labels, decodeLabels(data.labels));
      nextToken = data.nextToken || undefined;
      if (nextToken && seen.has(nextToken)) throw this.loopError("getLabel", envelope);
      if (nextToken) seen.add(nextToken);
    } while (nextToken);
    return labels;
  }

  /** Sessions carrying every given label, all pages followed. */
  async listSessions(filter: Labels = {}, options: { includeAll?: boolean } = {}): Promise<SessionSummary[]> {
    const out: SessionSummary[] = [];
    let nextToken: string | undefined;
    const seen = new Set<string>();
    do {
      const envelope = await this.transport.call("listSession", {
        labels: encodeLabels(filter),
        maxResults: this.options.listPageSize,
        nextToken,
        isAll: options.includeAll ? true : undefined,
      });
      const items = this.parse("listSession", envelope, listSessionDataSchema) ?? [];
      for (const item of items) out.push({ sessionId: item.sessionId, status: item.sessionStatus ?? undefined });
      nextToken = envelope.nextToken || undefined;
      if (nextToken && seen.has(nextToken)) throw this.loopError("listSession", envelope);
      if (nextToken) seen.add(nextToken);
    } while (nextToken);
    return out;
  }

  async releaseSessionAsync(sessionId: string): Promise<void> {
    await this.transport.call("releaseSessionAsync", { sessionId });
  }

  async releaseSession(sessionId: string): Promise<void> {
    await this.transport.call("releaseSession", { sessionId });
  }

  async refreshSessionIdleTime(sessionId: string): Promise<void> {
    await this.transport.call("refreshSessionIdleTime", { sessionId });
  }

  /**
   * Releases and waits until the service reports the session released
   * (not-found, or a released status). A session already gone counts as released.
   * Returns the number of status polls made.
   */
  async releaseAndWait(sessionId: string): Promise<number> {
    try {
      await this.releaseSessionAsync(sessionId);
    } catch (error) {
      if (isNotFound(error)) return 0;
      throw error;
    }
    const { clock } = this.options;
    const deadline = clock.now() + this.options.releaseTimeoutMs;
    for (let polls = 1; ; polls++) {
      try {
        const status = await this.getSessionStatus(sessionId);
        if (isReleasedStatus(status)) return polls;
      } catch (error) {
        if (isNotFound(error)) return polls;
        // The release itself was accepted: a poll that failed for a passing reason is
        // polled again (within the deadline) rather than failing the whole delete.
        if (!isRetryable(classifyError(error, "getSessionInfo"))) throw error;
      }
      if (clock.now() + this.options.releasePollIntervalMs > deadline) {
        throw new AgbTimeoutError(
          { operation: "releaseSessionAsync" },
          `session ${sessionId} was still not released after ${this.options.releaseTimeoutMs} ms`,
        );
      }
      await clock.sleep(this.options.releasePollIntervalMs);
    }
  }

  private parse<S extends z.ZodTypeAny>(operation: OperationName, envelope: Envelope, schema: S): z.infer<S> {
    const result = schema.safeParse(envelope.data);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `data.${issue.path.join(".")}` : "data";
    throw new AgbResponseShapeError(
      { operation, requestId: envelope.requestId ?? undefined, endpoint: this.transport.endpointForErrors },
      `unexpected answer shape at ${where}: ${issue?.message ?? "invalid"}`,
    );
  }

  private loopError(operation: OperationName, envelope: Envelope): AgbResponseShapeError {
    return new AgbResponseShapeError(
      { operation, requestId: envelope.requestId ?? undefined, endpoint: this.transport.endpointForErrors },
      "the service repeated a page token; stopped following pages",
    );
  }
}

type SessionEndpoints = Pick<SessionDetails, "resourceUrl" | "appInstanceId" | "resourceId" | "linkUrl" | "wsUrl">;

/** The fields createSession and getSession both answer with, nulls read as absent. */
function endpointsOf(data: { [K in keyof SessionEndpoints]?: string | null }): SessionEndpoints {
  return {
    resourceUrl: data.resourceUrl ?? undefined,
    appInstanceId: data.appInstanceId ?? undefined,
    resourceId: data.resourceId ?? undefined,
    linkUrl: data.linkUrl ?? undefined,
    wsUrl: data.wsUrl ?? undefined,
  };
}
