import { isAbsolute } from "node:path";
import { InvalidArgumentError } from "./errors.js";
import { MAX_RESPONSE_BYTES_LIMIT, type Dispatcher } from "./transport.js";
import { truncate } from "./log-limiter.js";
import { describe, kindOf } from "./url.js";

/** Where the client sends its diagnostic messages. Messages never contain the API key. */
export interface Logger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

/** Client options every generated client has, whatever its API. */
export interface RuntimeOptions {
  /**
   * The undici Dispatcher that carries every request of this client, those it makes on its own included: a `ProxyAgent` for a
   * proxy, an `Agent` with `localAddress` or connection limits, a `MockAgent`... from undici 6 or 7.
   * @default the process's global dispatcher, whoever set it (`setGlobalDispatcher` of undici 6 or 7, Node's own
   * `fetch()`); when none is set, the first request loads undici and uses its default Agent
   */
  dispatcher?: Dispatcher;
  /**
   * Largest 2xx response body a call accepts, in bytes. A longer one is dropped with its connection as soon as it
   * passes the limit, and the call fails with an ApiError that says so (not retried). Error bodies are read up to
   * 64 KiB whatever this is.
   * @default 67108864 (64 MiB)
   */
  maxResponseBytes?: number;
  /**
   * Receives the client's diagnostic messages, such as retries.
   * @default no logging
   */
  logger?: Logger;
}

/**
 * Client options of every generated sync client. Its requests run in a worker thread, so a Dispatcher object cannot
 * be handed over: the HTTP client is described in a form the worker can rebuild instead.
 */
export interface SyncRuntimeOptions {
  /**
   * Sends every request, those the client makes on its own included, through this HTTP(S) proxy, e.g. `"http://proxy.internal:3128"`.
   * @default no proxy
   */
  proxyUrl?: string;
  /**
   * Absolute path or `file:` URL of a module exporting `createDispatcher()`, which returns (or resolves to) the undici
   * Dispatcher that carries every request: an `Agent` with connection limits or TLS options, a `ProxyAgent` with
   * credentials... The worker imports it; for a package, pass `import.meta.resolve("name")` or `require.resolve("name")`.
   * Loading it and `createDispatcher()` must settle within `timeoutMs` or 10 s, whichever is shorter: otherwise, or when
   * it throws or returns something that is not a Dispatcher, every call fails with InvalidArgumentError.
   * @default undici's global dispatcher of the worker
   */
  dispatcherModule?: string;
  /**
   * Largest 2xx response body a call accepts, in bytes; a longer one fails the call with an ApiError.
   * @default 67108864 (64 MiB)
   */
  maxResponseBytes?: number;
  /**
   * Receives the client's diagnostic messages. It runs in the thread that created the client: messages from requests
   * arrive before the call returns, messages from work in the background when that thread is idle.
   * @default no logging
   */
  logger?: Logger;
}

/** Options of one call; they override the client's options for that call only. */
export interface RequestOptions {
  /** Time allowed for each attempt (connect, headers and body), in milliseconds. */
  timeoutMs?: number;
  /** How many times this call is retried after a retriable failure; 0 disables retries. */
  maxRetries?: number;
  /** Time allowed for the whole call, every attempt and wait included, in milliseconds; null for no limit. */
  totalTimeoutMs?: number | null;
  /** Cancels the call at once, retries included; it then rejects with a UserAbortError. */
  signal?: AbortSignal;
  /**
   * Extra headers for this call; they replace the client's headers of the same name, whatever its case. The API key
   * header, `host` and the framing headers (`content-length`, `transfer-encoding`, `connection`...) are refused.
   */
  headers?: Record<string, string>;
}

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** An HTTP header value: visible Latin-1 characters, spaces and tabs; no other control character. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Headers the caller may not set: the HTTP layer owns them (host and framing), and a wrong value would send the
 * request elsewhere or corrupt the connection.
 */
const RESERVED_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "expect", "proxy-connection"]);

/**
 * Checks headers given by the caller and returns them with lower-case names, so that they replace the client's own
 * headers whatever their case. Names must be HTTP tokens, values Latin-1 text without control characters.
 */
export function checkHeaders(where: string, headers: unknown): Record<string, string> {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    throw new InvalidArgumentError(`${where} must be an object of header names to strings, got ${describe(headers)}`);
  }
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const shown = JSON.stringify(truncate(name, 100));
    if (!HEADER_NAME.test(name)) {
      throw new InvalidArgumentError(`${where}: header name ${shown} is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only)`);
    }
    if (typeof value !== "string") {
      throw new InvalidArgumentError(`${where}: header ${shown} must be a string, got ${describe(value)}`);
    }
    if (!HEADER_VALUE.test(value)) {
      throw new InvalidArgumentError(`${where}: header ${shown} has a character HTTP cannot send: a line break or another control character, or one beyond Latin-1 such as an emoji`);
    }
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower)) {
      throw new InvalidArgumentError(`${where}: header ${shown} is set by the HTTP layer and cannot be overridden`);
    }
    if (Object.hasOwn(checked, lower)) {
      throw new InvalidArgumentError(`${where}: header ${shown} is given twice (header names ignore case)`);
    }
    checked[lower] = value;
  }
  return checked;
}

/**
 * Longest duration a client accepts, in milliseconds (2^31 - 1, about 24.8 days): Node's timers cannot wait longer,
 * and would fire after 1 ms instead.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

function checkDuration(where: string, value: unknown, least: "positive" | "zero or more"): number {
  if (typeof value !== "number" || !Number.isFinite(value) || (least === "positive" ? value <= 0 : value < 0)) {
    const range = least === "positive" ? "a positive number of milliseconds" : "a number of milliseconds, 0 or more";
    throw new InvalidArgumentError(`${where} must be ${range}, got ${describe(value)}`);
  }
  if (value > MAX_DURATION_MS) {
    throw new InvalidArgumentError(`${where} must be at most ${MAX_DURATION_MS} ms (about 24.8 days, the longest timer Node can set), got ${value}`);
  }
  return value;
}

export function checkPositiveMs(where: string, value: unknown): number {
  return checkDuration(where, value, "positive");
}

export function checkDelayMs(where: string, value: unknown): number {
  return checkDuration(where, value, "zero or more");
}

export function checkOptionalMs(where: string, value: unknown): number | null {
  return value === null || value === undefined ? null : checkPositiveMs(where, value);
}

/** The options object of a client constructor or of a call: absent, or an object. */
export function checkOptionsObject(where: string, value: unknown): void {
  if (value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value))) {
    throw new InvalidArgumentError(`${where} must be an object, got ${describe(value)}`);
  }
}

/** The options of a client constructor: an object (before any of them is read). */
export function checkClientOptions(clientName: string, options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    // The kind of value only: a string here is likely the API key itself.
    throw new InvalidArgumentError(`new ${clientName}(options): options must be an object of client options, got ${kindOf(options)}`);
  }
}

/** A count: a whole number, 0 or more (retries, sizes). */
export function checkCount(where: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new InvalidArgumentError(`${where} must be a whole number, 0 or more, got ${describe(value)}`);
  }
  return value as number;
}

export function checkStatuses(where: string, value: unknown): readonly number[] {
  if (!Array.isArray(value) || !value.every((status) => Number.isInteger(status) && status >= 100 && status <= 599)) {
    throw new InvalidArgumentError(`${where} must be a list of HTTP statuses, got ${describe(value)}`);
  }
  return value;
}

/** An absolute http(s) URL; returns it parsed. */
function checkHttpUrl(option: string, value: unknown): URL {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new InvalidArgumentError(`${option} must be an absolute http(s) URL, got ${describe(value)}`);
  }
  return url;
}

/**
 * A base URL: absolute http(s), and nothing the client would have to drop. Credentials belong in the API key, a query
 * or fragment in no base URL.
 */
export function checkBaseUrl(option: string, value: unknown): URL {
  const url = checkHttpUrl(option, value);
  const extra = url.username !== "" || url.password !== "" ? "user name or password" : url.search !== "" ? "query (?...)" : url.hash !== "" ? "fragment (#...)" : undefined;
  if (extra !== undefined) {
    throw new InvalidArgumentError(`${option} must not contain a ${extra}: give scheme, host, port and path only, e.g. "https://api.example.com/v1"`);
  }
  return url;
}

/** Whether a value can carry requests: any object with a dispatch method (undici 6 or 7, or a composed dispatcher). */
export function isDispatcher(value: unknown): value is Dispatcher {
  return typeof value === "object" && value !== null && typeof (value as Dispatcher).dispatch === "function";
}

export function checkDispatcher(value: unknown): Dispatcher | undefined {
  if (value === undefined) return undefined;
  if (!isDispatcher(value)) {
    throw new InvalidArgumentError(`dispatcher must be an undici Dispatcher (Agent, ProxyAgent, ...), got ${describe(value)}`);
  }
  return value as Dispatcher;
}

export function checkMaxResponseBytes(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) <= 0 || (value as number) > MAX_RESPONSE_BYTES_LIMIT) {
    throw new InvalidArgumentError(`maxResponseBytes must be a whole number of bytes from 1 to ${MAX_RESPONSE_BYTES_LIMIT}, got ${describe(value)}`);
  }
  return value as number;
}

/** Options of one call of a sync client: those of the async client but `signal`, which nothing could fire while the call blocks. */
export type SyncRequestOptions = Omit<RequestOptions, "signal">;

export function checkSyncTransport(options: SyncRuntimeOptions): void {
  const { proxyUrl, dispatcherModule } = options;
  // A proxy URL may carry the proxy's credentials.
  if (proxyUrl !== undefined) checkHttpUrl("proxyUrl", proxyUrl);
  if (dispatcherModule !== undefined) {
    const absolute = typeof dispatcherModule === "string" && (dispatcherModule.startsWith("file:") || isAbsolute(dispatcherModule));
    if (!absolute) {
      throw new InvalidArgumentError(`dispatcherModule must be an absolute path or a file: URL, got ${describe(dispatcherModule)}`);
    }
    if (proxyUrl !== undefined) throw new InvalidArgumentError("give proxyUrl or dispatcherModule, not both: the dispatcher module can build a ProxyAgent");
  }
  if ("dispatcher" in options && (options as { dispatcher?: unknown }).dispatcher !== undefined) {
    throw new InvalidArgumentError("the sync client takes no dispatcher object (its requests run in a worker thread): give proxyUrl or dispatcherModule");
  }
}
