import type { Codec } from "./codec.js";
import {
  ApiError,
  ConnectionError,
  InvalidArgumentError,
  TimeoutError,
  UserAbortError,
  errorForResponse,
  type ApiErrorClass,
} from "./errors.js";
import { send, type HttpResponse } from "./transport.js";
import { buildPath, buildQuery, describe, type QueryArrayFormat } from "./url.js";

/** What generated code says about one operation; the runtime does the rest. */
export interface Operation<Result> {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path template with `{wire_name}` placeholders. */
  readonly path: string;
  /** Name of the server (from the manifest) the operation is sent to. */
  readonly server: string;
  readonly pathParams?: readonly (readonly [tsName: string, wireName: string])[];
  readonly query?: readonly (readonly [tsName: string, wireName: string])[];
  /** Codec of the JSON body; the body is built from the same argument object as path and query parameters. */
  readonly body?: Codec<any>;
  /** Codec of the result, or null when the response carries nothing the caller needs. */
  readonly response: Codec<Result> | null;
  /** Name of the envelope field that holds the result, when the API wraps responses. */
  readonly envelope?: string;
}

/** Options of one call; they override the client's options for that call only. */
export interface RequestOptions {
  /** Time allowed for the whole request (connect, headers and body), in milliseconds. */
  timeoutMs?: number;
  /** Cancels the request; the call then rejects with a UserAbortError. */
  signal?: AbortSignal;
  /** Extra headers for this request; they win over the client's headers. */
  headers?: Record<string, string>;
}

export interface ClientSettings {
  apiKey: string | undefined;
  /** Option name of the API key, for error messages. */
  apiKeyOption: string;
  authHeader: string;
  servers: Readonly<Record<string, { readonly option: string; readonly url: string }>>;
  timeoutMs: number;
  headers: Record<string, string>;
  errorClasses: Readonly<Record<number, ApiErrorClass>>;
  queryArrays: QueryArrayFormat;
}

const CONTROL_CHARACTERS = /[\r\n\0]/;

function checkHeaders(where: string, headers: unknown): Record<string, string> {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    throw new InvalidArgumentError(`${where} must be an object of header names to strings, got ${describe(headers)}`);
  }
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string") {
      throw new InvalidArgumentError(`${where}: header "${name}" must be a string, got ${describe(value)}`);
    }
    if (CONTROL_CHARACTERS.test(name) || CONTROL_CHARACTERS.test(value)) {
      throw new InvalidArgumentError(`${where}: header "${name}" contains a line break or NUL character`);
    }
  }
  return headers as Record<string, string>;
}

function checkTimeout(where: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${where} must be a positive number of milliseconds, got ${describe(value)}`);
  }
  return value;
}

function checkBaseUrl(option: string, value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new InvalidArgumentError(`${option} must be an absolute http(s) URL, got ${describe(value)}`);
  }
  return value as string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Shared by every resource of one client: holds its settings and sends its requests. */
export class ClientCore {
  private readonly settings: ClientSettings;
  private readonly baseUrls: Record<string, string> = {};
  private readonly defaultHeaders: Record<string, string>;

  constructor(settings: ClientSettings) {
    const { apiKey } = settings;
    if (typeof apiKey !== "string" || apiKey.trim() === "") {
      throw new InvalidArgumentError(`${settings.apiKeyOption} is required: pass your API key as "${settings.apiKeyOption}"`);
    }
    if (CONTROL_CHARACTERS.test(apiKey)) {
      throw new InvalidArgumentError(`${settings.apiKeyOption} contains a line break or NUL character`);
    }
    for (const [server, { option, url }] of Object.entries(settings.servers)) {
      this.baseUrls[server] = checkBaseUrl(option, url).replace(/\/+$/, "");
    }
    checkTimeout("timeoutMs", settings.timeoutMs);
    this.defaultHeaders = {
      ...checkHeaders("headers", settings.headers),
      [settings.authHeader]: apiKey,
      accept: "application/json",
    };
    this.settings = settings;
  }

  async request<Result>(
    op: Operation<Result>,
    args: object = {},
    options: RequestOptions = {},
  ): Promise<Result> {
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
      throw new InvalidArgumentError(`${op.method} ${op.path}: parameters must be an object, got ${describe(args)}`);
    }
    const params = args as Readonly<Record<string, unknown>>;
    const path = op.pathParams ? buildPath(op.path, op.pathParams, params) : op.path;
    const query = op.query ? buildQuery(op.query, params, this.settings.queryArrays) : "";
    const headers = options.headers
      ? { ...this.defaultHeaders, ...checkHeaders("options.headers", options.headers) }
      : { ...this.defaultHeaders };
    let body: string | undefined;
    if (op.body) {
      body = JSON.stringify(op.body.toWire(params));
      headers["content-type"] = "application/json";
    }
    const timeoutMs = options.timeoutMs === undefined ? this.settings.timeoutMs : checkTimeout("options.timeoutMs", options.timeoutMs);
    const target = { method: op.method, path };
    const response = await this.send(target, this.baseUrls[op.server] + path + query, headers, body, timeoutMs, options.signal);
    return this.decode(op, target, response);
  }

  private async send(
    target: { method: string; path: string },
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    const where = `${target.method} ${target.path}`;
    if (signal?.aborted) throw new UserAbortError(`${where} was aborted before it was sent`);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await send({ url, method: target.method, headers, body, signal: controller.signal });
    } catch (error) {
      if (timedOut) throw new TimeoutError(`${where} timed out after ${timeoutMs} ms`, { cause: error });
      if (signal?.aborted) throw new UserAbortError(`${where} was aborted by the caller`, { cause: error });
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConnectionError(`${where} failed: no response (${reason})`, { cause: error });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private decode<Result>(op: Operation<Result>, target: { method: string; path: string }, response: HttpResponse): Result {
    const headers = this.redact(response.headers);
    const { statusCode } = response;
    if (statusCode < 200 || statusCode >= 300) {
      const body = response.text === "" ? undefined : parseJson(response.text);
      throw errorForResponse(this.settings.errorClasses, target, { statusCode, body, headers });
    }
    if (op.response === null) return undefined as Result;
    const where = `${target.method} ${target.path} returned ${statusCode}`;
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw new ApiError(`${where} with a body that is not valid JSON`, { statusCode, body: response.text, headers });
    }
    if (op.envelope !== undefined) {
      if (typeof json !== "object" || json === null || !(op.envelope in json)) {
        throw new ApiError(`${where} without the "${op.envelope}" field`, { statusCode, body: json, headers });
      }
      json = (json as Record<string, unknown>)[op.envelope];
    }
    return json === null ? (null as Result) : op.response.fromWire(json);
  }

  /** Response headers for an error, without anything that would repeat the API key. */
  private redact(headers: Record<string, string>): Record<string, string> {
    const apiKey = this.defaultHeaders[this.settings.authHeader] as string;
    const auth = this.settings.authHeader.toLowerCase();
    const safe: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() !== auth && !value.includes(apiKey)) safe[name] = value;
    }
    return safe;
  }
}
