import type { Codec } from "./codec.js";
import {
  ApiError,
  ConnectionError,
  InvalidArgumentError,
  TimeoutError,
  UserAbortError,
  dropSecretHeaders,
  errorForResponse,
  redactCutText,
  redactError,
  redactText,
  redactingReviver,
  type ApiErrorClass,
} from "./errors.js";
import {
  checkBaseUrl,
  checkDelayMs,
  checkDispatcher,
  checkMaxResponseBytes,
  checkHeaders,
  checkOptionalMs,
  checkPositiveMs,
  checkCount,
  checkStatuses,
  checkOptionsObject,
  type Logger,
  type RequestOptions,
} from "./options.js";
import { resolveAuth, type AuthSettings } from "./auth.js";
import { LogLimiter, truncate } from "./log-limiter.js";
import { backoffDelayMs, retryAfterMs, sleep } from "./retry.js";
import { HttpExchange, flattenHeaders, type Dispatcher, type HttpRequest, type HttpResponse } from "./transport.js";
import { ACCEPT_BY_CONTENT, downloadOf, textOf } from "./download.js";
import { buildPath, buildQuery, describe, type QueryArrayFormat, type QueryParam } from "./url.js";
import { ApiPromise, type DescribeResponse, type Exchanged } from "./api-promise.js";
import { fetchPage, PagePromise, type PaginationSpec } from "./pagination.js";

/** What generated code says about one operation; the runtime does the rest. */
export interface Operation<Result> {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path template with `{wire_name}` placeholders. */
  readonly path: string;
  /** Name of the server (from the manifest) the operation is sent to. */
  readonly server: string;
  readonly pathParams?: readonly (readonly [tsName: string, wireName: string])[];
  readonly query?: readonly QueryParam[];
  /** Codec of the JSON body; the body is built from the same argument object as path and query parameters. */
  readonly body?: Codec<any>;
  /** Codec of the JSON result, or null when the response carries no JSON the caller needs (see `content`). */
  readonly response: Codec<Result> | null;
  /** A body read as bytes (the result is a Download) or as text (a string) rather than as JSON. */
  readonly content?: "binary" | "text";
  /** Name of the envelope field that holds the result, when the API wraps responses. */
  readonly envelope?: string;
  /** Error-body field with the server's message, when the operation's differs from its error classes'. */
  readonly errorMessageField?: string;
  /** Codec of the operation's own error body, when it declares one. */
  readonly errorBody?: Codec<unknown>;
  /** How the operation's pages follow one another, when it answers a list in pages. */
  readonly pagination?: PaginationSpec;
}

/**
 * An operation whose descriptor is in its resource's operations module, loaded on the resource's first call. Its route
 * ("GET /plans/{plan_id}") is all a call needs to be refused before anything is sent (arguments or options that are
 * not objects, a closed request gate), so such a call loads nothing.
 */
export interface DeferredOperation<Result> {
  readonly route: string;
  load(): Promise<Operation<Result>>;
}

/** An operation as a generated method hands it to the core: its descriptor, or the way to load it. */
export type OperationRef<Result> = Operation<Result> | DeferredOperation<Result>;

/** How an operation's error responses are read, where it differs from its error classes. */
type OperationErrorBody = { messageField: string | undefined; bodyCodec: Codec<unknown> | undefined };

/** Everything a client needs, resolved: the generated client fills it from its options and the manifest. */
/**
 * Stops every call before it is sent while closed, and lets the client start without credentials: how a capability's
 * mode of sending nothing reaches the core, which knows no such mode itself.
 */
export interface RequestGate {
  readonly closed: boolean;
  /** The error a stopped call throws; `route` names the operation ("GET /companies/{id}"). */
  refusal(route: string): ApiError;
  /** How a client can start without credentials, for the message that asks for them. */
  readonly waiver: string;
}

export interface ClientSettings extends AuthSettings {
  servers: Readonly<Record<string, { readonly option: string; readonly url: string }>>;
  errorClasses: Readonly<Record<number, ApiErrorClass>>;
  queryArrays: QueryArrayFormat;
  /** Field of an error body that holds the server's message, when the API declares one other than `error`. */
  errorMessageField?: string | undefined;
  timeoutMs: number;
  headers: Record<string, string>;
  maxRetries: number;
  retryStatuses: readonly number[];
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  totalTimeoutMs: number | null;
  /** Stops calls before they are sent (a capability's mode of sending nothing); none for a client that always sends. */
  gate?: RequestGate | undefined;
  dispatcher?: Dispatcher | undefined;
  /** Largest 2xx response body accepted, in bytes; see RuntimeOptions.maxResponseBytes. */
  maxResponseBytes?: number | undefined;
  logger?: Logger | undefined;
}

/** Shared by every resource of one client: holds its settings and sends its requests, with timeouts and retries. */
export class ClientCore {
  private readonly settings: ClientSettings;
  /** Per server: the origin undici connects to, and the path prefix of the base URL. */
  private readonly servers: Record<string, { origin: string; basePath: string }> = {};
  /**
   * Headers of every request, without and with a JSON body; shared, never mutated. They and the credentials are
   * #private, and `settings` keeps none: neither util.inspect nor JSON.stringify of a client can show them.
   */
  readonly #headers: Record<string, string>;
  readonly #jsonHeaders: Record<string, string>;
  /** Texts redacted from every error: the secret, and the form it is sent in when that differs (basic). */
  readonly #secrets: readonly string[];
  /** `name=value` appended to every query, for query-parameter auth. */
  readonly #authQuery: string | undefined;
  /** The name of that parameter, which a caller's form-style query map may not take. */
  private readonly authQueryName: string | undefined;
  /** The header that carries the credentials (lower case) and why a call may not set it. */
  private readonly reservedHeader: { name: string; reason: string } | undefined;
  private readonly retryStatuses: ReadonlySet<number>;
  /** Retry lines: one per cause per interval during an outage, cut to a bounded length. */
  private readonly log: LogLimiter;

  constructor(settings: ClientSettings) {
    const auth = resolveAuth(settings, settings.gate);
    for (const [server, { option, url }] of Object.entries(settings.servers)) {
      const base = checkBaseUrl(option, url);
      this.servers[server] = { origin: base.origin, basePath: base.pathname.replace(/\/+$/, "") };
    }
    checkPositiveMs("timeoutMs", settings.timeoutMs);
    checkCount("maxRetries", settings.maxRetries);
    this.retryStatuses = new Set(checkStatuses("retryStatuses", settings.retryStatuses));
    checkDelayMs("retryBaseDelayMs", settings.retryBaseDelayMs);
    checkDelayMs("retryMaxDelayMs", settings.retryMaxDelayMs);
    checkOptionalMs("totalTimeoutMs", settings.totalTimeoutMs);
    checkDispatcher(settings.dispatcher);
    checkMaxResponseBytes(settings.maxResponseBytes);
    this.settings = { ...settings, secret: undefined, username: undefined };
    this.log = new LogLimiter(settings.logger);
    this.reservedHeader = auth.reservedHeader;
    this.#secrets = auth.secrets;
    this.#authQuery = auth.query;
    this.authQueryName = settings.auth.kind === "query" ? settings.auth.name : undefined;
    this.#headers = { ...this.checkHeaders("headers", settings.headers), accept: "application/json" };
    if (auth.header) this.#headers[auth.header[0]] = auth.header[1];
    this.#jsonHeaders = { ...this.#headers, "content-type": "application/json" };
  }

  /** Sends an operation and answers its decoded result. */
  async request<Result>(op: Operation<Result>, args: object = {}, options: RequestOptions = {}): Promise<Result> {
    return (await this.redactedRequest(op, args, options)).data;
  }

  /** What a generated method answers: the result, with `withResponse()` for the response beside it. */
  call<Result>(op: OperationRef<Result>, args: object = {}, options: RequestOptions = {}): ApiPromise<Result> {
    return new ApiPromise(this.redactedRequest(op, args, options), this.describeResponse);
  }

  /** What a generated list method answers: its first page, and the way through the others. */
  page<Item>(op: OperationRef<unknown>, args: object = {}, options: RequestOptions = {}): PagePromise<Item> {
    const answer = this.loaded(op, args, options).then((loaded) => {
      const fetch = (params: object, pageOptions: RequestOptions) => this.redactedRequest(loaded, params, pageOptions);
      const source = { spec: loaded.pagination!, fetch, describe: this.describeResponse, options, where: `${loaded.method} ${loaded.path}` };
      return fetchPage<Item>(source, args as Readonly<Record<string, unknown>>);
    });
    return new PagePromise<Item>(answer, this.describeResponse);
  }

  /** The descriptor of `op`, loaded unless the call is refused first (see DeferredOperation). */
  private async loaded<Result>(op: OperationRef<Result>, args: object, options: RequestOptions): Promise<Operation<Result>> {
    if (!("load" in op)) return op;
    checkCall(op.route, args, options, this.settings.gate);
    return op.load();
  }

  private async redactedRequest<Result>(op: OperationRef<Result>, args: object, options: RequestOptions): Promise<Exchanged<Result>> {
    try {
      return await this.unredactedRequest(await this.loaded(op, args, options), args, options);
    } catch (error) {
      // A server may echo the request (the credentials included) into an error body, its headers or a message.
      for (const secret of this.#secrets) redactError(error as Error, secret);
      throw error;
    }
  }

  private async unredactedRequest<Result>(op: Operation<Result>, args: object, options: RequestOptions): Promise<Exchanged<Result>> {
    checkCall(`${op.method} ${op.path}`, args, options, this.settings.gate);
    const params = args as Readonly<Record<string, unknown>>;
    const path = op.pathParams ? buildPath(op.path, op.pathParams, params) : op.path;
    const query = this.withAuthQuery(op.query ? buildQuery(op.query, params, this.settings.queryArrays, this.authQueryName) : "");
    // Serialized once: every attempt sends the same bytes, idempotency keys included.
    const body = op.body ? serializeBody(op, params) : undefined;
    const json = body === undefined ? this.#headers : this.#jsonHeaders;
    const shared = op.content === undefined ? json : { ...json, accept: ACCEPT_BY_CONTENT[op.content] };
    const headers = options.headers ? { ...shared, ...this.checkHeaders("options.headers", options.headers) } : shared;
    const server = this.servers[op.server]!;
    const { dispatcher, maxResponseBytes } = this.settings;
    const request = { origin: server.origin, path: server.basePath + path + query, method: op.method, headers, body, dispatcher, maxResponseBytes };
    const response = await this.send(request, path, options, { messageField: op.errorMessageField, bodyCodec: op.errorBody });
    return { data: this.decode(op, path, response), response };
  }

  /**
   * Status, headers and request id of a response, built only when a caller asks (`withResponse()`). A header that
   * repeats a credential (an echoing server's) tells the caller nothing and is left out, as errors leave it out.
   */
  private readonly describeResponse: DescribeResponse = (response) => {
    const headers = flattenHeaders(response.rawHeaders);
    for (const secret of this.#secrets) dropSecretHeaders(headers, secret);
    return { status: response.statusCode, headers, requestId: headers[REQUEST_ID_HEADER] };
  };

  /** Sends until a response is final: attempts under their own timeout, retries with backoff within the budget. */
  private async send(request: HttpRequest, path: string, options: RequestOptions, errorBody: OperationErrorBody): Promise<HttpResponse> {
    const { settings } = this;
    const timeoutMs = options.timeoutMs === undefined ? settings.timeoutMs : checkPositiveMs("options.timeoutMs", options.timeoutMs);
    const maxRetries = options.maxRetries === undefined ? settings.maxRetries : checkCount("options.maxRetries", options.maxRetries);
    const totalTimeoutMs =
      options.totalTimeoutMs === undefined ? settings.totalTimeoutMs : checkOptionalMs("options.totalTimeoutMs", options.totalTimeoutMs);
    const { signal } = options;
    const where = `${request.method} ${path}`;
    const deadline = totalTimeoutMs === null ? Infinity : Date.now() + totalTimeoutMs;

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new UserAbortError(`${where} was aborted by the caller`);
      const attemptTimeoutMs = Math.min(timeoutMs, deadline - Date.now());
      const timeoutMessage = () =>
        attemptTimeoutMs < timeoutMs
          ? `${where} timed out within its total budget of ${totalTimeoutMs} ms (attempt ${attempt})`
          : `${where} timed out after ${timeoutMs} ms`;
      if (attemptTimeoutMs <= 0) throw new TimeoutError(timeoutMessage());

      const exchange = new HttpExchange(request);
      const timer = setTimeout(abortForTimeout, attemptTimeoutMs, exchange);
      const onAbort = signal && (() => exchange.abort(new Error("aborted by the caller")));
      if (onAbort) signal!.addEventListener("abort", onAbort, { once: true });
      let failure: ApiError;
      let delayMs: number;
      try {
        const response = await exchange.response;
        const { statusCode } = response;
        if (statusCode >= 200 && statusCode < 300) return response;
        failure = this.errorFor({ method: request.method, path, ...errorBody }, response);
        if (!this.retryStatuses.has(statusCode) || attempt > maxRetries) throw failure;
        delayMs = retryAfterMs(flattenHeaders(response.rawHeaders)) ?? this.backoff(attempt);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        if (error === TIMED_OUT) throw new TimeoutError(timeoutMessage());
        if (signal?.aborted) throw new UserAbortError(`${where} was aborted by the caller`, { cause: error });
        const code = (error as { code?: string }).code;
        const reason = [code, error instanceof Error ? error.message : String(error)].filter(Boolean).join(": ");
        failure = new ConnectionError(`${where} failed: no response (${reason})`, { cause: error });
        if (attempt > maxRetries) throw failure;
        delayMs = this.backoff(attempt);
      } finally {
        clearTimeout(timer);
        if (onAbort) signal!.removeEventListener("abort", onAbort);
      }
      // A wait the budget cannot afford is not started: the caller hears now rather than after a useless sleep.
      if (Date.now() + delayMs >= deadline) throw failure;
      const problem = failure.statusCode === undefined ? "no response" : `status ${failure.statusCode}`;
      this.log.warn(`request retried (${problem})`, `${where}: ${problem}; retry ${attempt} of ${maxRetries} in ${delayMs} ms`);
      try {
        await sleep(delayMs, signal);
      } catch (error) {
        throw new UserAbortError(`${where} was aborted by the caller while waiting to retry`, { cause: error });
      }
    }
  }

  /** Whether a failure is worth another attempt: no response, a timeout, or a retriable status. */
  isRetriable(error: ApiError): boolean {
    if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
    return error.statusCode !== undefined && this.retryStatuses.has(error.statusCode);
  }

  private backoff(retry: number): number {
    return backoffDelayMs(retry, this.settings.retryBaseDelayMs, this.settings.retryMaxDelayMs);
  }

  /** Headers given by the caller, checked; the credentials' header is refused, since the client's options set it. */
  private checkHeaders(where: string, headers: unknown): Record<string, string> {
    const checked = checkHeaders(where, headers);
    if (this.reservedHeader && Object.hasOwn(checked, this.reservedHeader.name)) {
      throw new InvalidArgumentError(`${where}: ${this.reservedHeader.reason}`);
    }
    return checked;
  }

  /** A query string (empty, or starting with "?") with the API key's parameter, for query-parameter auth. */
  private withAuthQuery(query: string): string {
    if (this.#authQuery === undefined) return query;
    return `${query === "" ? "?" : `${query}&`}${this.#authQuery}`;
  }

  /** `text` with every credential replaced, for a body cut at the size limit when `cut`. */
  private redacted(text: string, cut = false): string {
    for (const secret of this.#secrets) text = cut ? redactCutText(text, secret) : redactText(text, secret);
    return text;
  }

  private errorFor(request: { method: string; path: string } & OperationErrorBody, response: HttpResponse): ApiError {
    // A cut body is no whole JSON, and may end inside an echoed key.
    const body = response.text === "" ? undefined : response.cut ? this.redacted(response.text, true) : this.parseErrorBody(response.text);
    const details = { statusCode: response.statusCode, body, headers: flattenHeaders(response.rawHeaders) };
    return errorForResponse(this.settings.errorClasses, request, details, this.settings.errorMessageField);
  }

  /** An error body as JSON when it is JSON, else its text; parsed without the credentials, since the message quotes the body. */
  private parseErrorBody(text: string): unknown {
    try {
      const revivers = this.#secrets.map(redactingReviver);
      return JSON.parse(text, (name, value) => revivers.reduce((current, revive) => revive(name, current), value));
    } catch {
      return this.redacted(text);
    }
  }

  private decode<Result>(op: Operation<Result>, path: string, response: HttpResponse): Result {
    if (op.content === "binary") return downloadOf(response) as Result;
    if (op.content === "text") return textOf(response, `${op.method} ${path}`) as Result;
    if (op.response === null) return undefined as Result;
    const fail = (problem: string, body: unknown) =>
      new ApiError(`${op.method} ${path} returned ${response.statusCode} ${problem}`, {
        statusCode: response.statusCode,
        body,
        headers: flattenHeaders(response.rawHeaders),
      });
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw fail("with a body that is not valid JSON", response.text);
    }
    if (op.envelope !== undefined) {
      if (typeof json !== "object" || json === null || !(op.envelope in json)) {
        throw fail(`without the "${op.envelope}" field`, this.parseErrorBody(response.text));
      }
      json = (json as Record<string, unknown>)[op.envelope];
    }
    return json === null ? (null as Result) : op.response.fromWire(json);
  }
}

/**
 * What every call is refused for before anything is sent, by either client: arguments or options that are not an
 * object, or a closed gate.
 */
export function checkCall(route: string, args: unknown, options: unknown, gate: RequestGate | undefined): void {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new InvalidArgumentError(`${route}: parameters must be an object, got ${describe(args)}`);
  }
  checkOptionsObject(`${route}: options`, options);
  if (gate?.closed) throw gate.refusal(route);
}

/** The response header that carries the server's id of a request. */
const REQUEST_ID_HEADER = "x-request-id";

/** The reason an exchange is aborted with when its attempt runs out of time. */
const TIMED_OUT = new Error("attempt timed out");

function abortForTimeout(exchange: HttpExchange): void {
  exchange.abort(TIMED_OUT);
}

/** The JSON text of an operation's body; values JSON cannot hold (a BigInt, a cycle) are the caller's mistake. */
function serializeBody(op: Operation<unknown>, params: Readonly<Record<string, unknown>>): string {
  try {
    return JSON.stringify(op.body!.toWire(params));
  } catch (error) {
    // A value the codec refused already says which field and why; anything else is what JSON cannot hold.
    if (error instanceof InvalidArgumentError) throw new InvalidArgumentError(`${op.method} ${op.path}: ${error.message}`, { cause: error });
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(`${op.method} ${op.path}: the request body cannot be sent as JSON (${truncate(reason, 200)})`, { cause: error });
  }
}
