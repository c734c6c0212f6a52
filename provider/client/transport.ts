import http from "node:http";
import https from "node:https";
import axios, { AxiosError, type AxiosInstance } from "axios";
import { envelopeSchema, OPERATIONS, type Envelope, type OperationName } from "../../wire/protocol";
import { normalizeReleaseAnswer } from "../../wire/releaseAnswer";
import { isSessionGoneAnswer } from "../../wire/sessionGoneAnswer";
import type { ClientOptions } from "./clientOptions";
import {
  AgbApiError,
  AgbAuthError,
  AgbEndpointError,
  AgbNetworkError,
  AgbNotFoundError,
  AgbResponseShapeError,
  redactSecrets,
} from "./errors";
import { RateLimiter } from "./rateLimiter";
import { scrubAnswerText } from "./scrubAnswerText";
import { classifyError, parseRetryAfter } from "./retry/classifyError";
import { withRetry } from "./retry/withRetry";

export type Params = Record<string, string | number | boolean | undefined>;

export interface CallStats {
  /** HTTP attempts made, retries included. */
  attempts: number;
  retries: number;
}

/** Codes that prove the request never left this machine. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const BODY_EXCERPT_CHARS = 200;
const MESSAGE_CHARS = 500;
const NOT_FOUND_STATUS = 404;

/**
 * Sends one API operation: places each parameter where the protocol says,
 * adds auth, unwraps the envelope into data or a typed error, and retries what
 * is safe to retry. Requests go through a shared rate limiter.
 */
export class Transport {
  readonly stats: CallStats = { attempts: 0, retries: 0 };
  private readonly http: AxiosInstance;
  private readonly limiter: RateLimiter;
  /** The endpoint as errors name it: without credentials or a query. */
  readonly endpointForErrors: string;

  constructor(private readonly options: ClientOptions) {
    this.endpointForErrors = displayEndpoint(options.endpoint);
    this.http = axios.create({
      baseURL: options.endpoint,
      timeout: options.timeoutMs,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
      httpAgent: new http.Agent({ keepAlive: true }),
      httpsAgent: new https.Agent({ keepAlive: true }),
      headers: { "Content-Type": "application/json" },
    });
    this.limiter = new RateLimiter(options.rateLimit, options.clock);
  }

  async call(operationName: OperationName, params: Params): Promise<Envelope> {
    const retry = {
      ...this.options.retry,
      onRetry: (info: Parameters<NonNullable<ClientOptions["retry"]["onRetry"]>>[0]) => {
        this.stats.retries++;
        this.options.retry.onRetry?.(info);
      },
    };
    return withRetry(operationName, () => this.limiter.run(() => this.attemptNoted(operationName, params)), retry, this.options.clock);
  }

  /** One attempt, telling the limiter whether the service took it or refused it for rate. */
  private async attemptNoted(operationName: OperationName, params: Params): Promise<Envelope> {
    try {
      const envelope = await this.attempt(operationName, params);
      this.limiter.noteAnswered();
      return envelope;
    } catch (error) {
      const decision = classifyError(error, operationName);
      if (decision.kind === "throttled") this.limiter.noteThrottled();
      else if (!(error instanceof AgbNetworkError)) this.limiter.noteAnswered();
      throw error;
    }
  }

  private async attempt(operationName: OperationName, params: Params): Promise<Envelope> {
    const spec = OPERATIONS[operationName];
    const query: Record<string, string> = {};
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      if (spec.query.includes(key)) query[key] = String(value);
      else if (spec.body.includes(key)) body[key] = value;
      else throw new Error(`internal: ${key} is not a parameter of ${operationName}`);
    }
    const headers: Record<string, string> = {};
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;

    this.stats.attempts++;
    let response;
    try {
      response = await this.http.request<string>({
        method: spec.method,
        url: spec.path,
        params: query,
        data: spec.method === "POST" ? body : undefined,
        headers,
      });
    } catch (error) {
      throw this.networkError(operationName, error);
    }

    const requestIdHeader = headerValue(response.headers["x-request-id"]);
    const retryAfterMs = parseRetryAfter(headerValue(response.headers["retry-after"]), this.options.clock.now());
    const text = typeof response.data === "string" ? response.data : "";
    const sessionId = typeof params.sessionId === "string" ? params.sessionId : undefined;
    const where = { operation: operationName, status: response.status, retryAfterMs, endpoint: this.endpointForErrors, sessionId };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      const details = { ...where, requestId: requestIdHeader };
      const excerpt = this.excerpt(text, params);
      // A proxy's HTML error page on a 5xx or 429 is still that status, worth a retry.
      if (response.status >= 500 || response.status === 429) {
        throw new AgbApiError({ ...details, apiMessage: `non-JSON answer: ${excerpt}` });
      }
      // Never a session gone, whatever the page says: only an envelope answers about a session.
      if (response.status === 401 || response.status === 403) throw new AgbAuthError({ ...details, apiMessage: `non-JSON answer: ${excerpt}` });
      if (response.status === NOT_FOUND_STATUS) throw new AgbEndpointError({ ...details, apiMessage: `non-JSON answer: ${excerpt}` });
      throw new AgbResponseShapeError({ ...details, bodyExcerpt: excerpt }, `the answer is not JSON: ${excerpt}`);
    }
    const envelope = envelopeSchema.safeParse(spec.answerInEitherCasing ? normalizeReleaseAnswer(parsed) : parsed);
    if (!envelope.success) {
      const details = { ...where, requestId: requestIdHeader };
      const excerpt = this.excerpt(text, params);
      if (response.status >= 500 || response.status === 429) {
        throw new AgbApiError({ ...details, apiMessage: "answer without an AGB envelope" });
      }
      if (response.status === 401 || response.status === 403) throw new AgbAuthError({ ...details, apiMessage: `answer without an AGB envelope: ${excerpt}` });
      if (response.status === NOT_FOUND_STATUS) throw new AgbEndpointError({ ...details, apiMessage: `answer without an AGB envelope: ${excerpt}` });
      throw new AgbResponseShapeError(
        { ...details, bodyExcerpt: excerpt },
        `the answer is not an AGB envelope (${envelope.error.issues[0]?.message ?? "bad shape"})`,
      );
    }
    const data = envelope.data;
    if (response.status < 400 && data.success) return data;

    const details = {
      ...where,
      code: data.code ?? undefined,
      requestId: data.requestId ?? requestIdHeader,
      apiMessage: data.message ? scrubAnswerText(data.message, params, this.secrets(), MESSAGE_CHARS) : undefined,
    };
    if (isSessionGoneAnswer({ status: response.status, code: data.code, message: data.message }, sessionId)) {
      throw new AgbNotFoundError(details);
    }
    if (response.status === 401 || response.status === 403) throw new AgbAuthError(details);
    if (response.status === NOT_FOUND_STATUS) throw new AgbEndpointError(details);
    throw new AgbApiError(details);
  }

  /** Scrubs text from an answer (see scrubAnswerText) for an error built outside the transport. */
  scrub(text: string, params: Params): string {
    return scrubAnswerText(text, params, this.secrets(), MESSAGE_CHARS);
  }

  private networkError(operation: OperationName, error: unknown): AgbNetworkError {
    const code = error instanceof AxiosError ? error.code : undefined;
    const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
    const networkCode = code === "ERR_NETWORK" || code === undefined ? (cause?.code ?? code) : code;
    const notSent = networkCode !== undefined && NOT_SENT_CODES.has(networkCode);
    const message = error instanceof Error ? redactSecrets(error.message, this.secrets()) : "network failure";
    // The axios error holds the request config, headers included: keep only its text as the cause.
    return new AgbNetworkError(
      { operation, notSent, networkCode, endpoint: this.endpointForErrors, cause: new Error(message) },
      `${networkCode ?? "network error"}: ${message}`,
    );
  }

  private excerpt(text: string, params: Params): string {
    return JSON.stringify(scrubAnswerText(text, params, this.secrets(), BODY_EXCERPT_CHARS));
  }

  private secrets(): string[] {
    return this.options.apiKey ? [this.options.apiKey] : [];
  }
}

/** Scheme, host and path of an endpoint: a user:password or a query in it is no part of an error. */
export function displayEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  } catch {
    return redactSecrets(endpoint.replace(/[?#].*$/, "").replace(/\/\/[^/@]*@/, "//"));
  }
}

function headerValue(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  return undefined;
}
