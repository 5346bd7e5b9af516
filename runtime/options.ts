import { isAbsolute } from "node:path";
import { InvalidArgumentError } from "./errors.js";
import type { Dispatcher } from "./transport.js";
import { describe } from "./url.js";

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
   * The undici Dispatcher that carries every request of this client, event batches included: a `ProxyAgent` for a
   * proxy, an `Agent` with `localAddress` or connection limits, a `MockAgent`...
   * @default undici's global dispatcher
   */
  dispatcher?: Dispatcher;
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
   * Sends every request, event batches included, through this HTTP(S) proxy, e.g. `"http://proxy.internal:3128"`.
   * @default no proxy
   */
  proxyUrl?: string;
  /**
   * Absolute path or `file:` URL of a module exporting `createDispatcher()`, which returns (or resolves to) the undici
   * Dispatcher that carries every request: an `Agent` with connection limits or TLS options, a `ProxyAgent` with
   * credentials... The worker imports it; for a package, pass `import.meta.resolve("name")` or `require.resolve("name")`.
   * @default undici's global dispatcher of the worker
   */
  dispatcherModule?: string;
  /**
   * Receives the client's diagnostic messages. It runs in the thread that created the client: messages from requests
   * arrive before the call returns, messages from event delivery when that thread is idle.
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
  /** Extra headers for this call; they win over the client's headers. */
  headers?: Record<string, string>;
}

const CONTROL_CHARACTERS = /[\r\n\0]/;

export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

export function checkHeaders(where: string, headers: unknown): Record<string, string> {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    throw new InvalidArgumentError(`${where} must be an object of header names to strings, got ${describe(headers)}`);
  }
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string") {
      throw new InvalidArgumentError(`${where}: header "${name}" must be a string, got ${describe(value)}`);
    }
    if (hasControlCharacters(name) || hasControlCharacters(value)) {
      throw new InvalidArgumentError(`${where}: header "${name}" contains a line break or NUL character`);
    }
  }
  return headers as Record<string, string>;
}

export function checkPositiveMs(where: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${where} must be a positive number of milliseconds, got ${describe(value)}`);
  }
  return value;
}

export function checkDelayMs(where: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`${where} must be a number of milliseconds, 0 or more, got ${describe(value)}`);
  }
  return value;
}

export function checkOptionalMs(where: string, value: unknown): number | null {
  return value === null || value === undefined ? null : checkPositiveMs(where, value);
}

/** A count: a whole number, 0 or more (retries, cache sizes). */
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

export function checkBaseUrl(option: string, value: unknown): string {
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

export function checkDispatcher(value: unknown): Dispatcher | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || typeof (value as Dispatcher).dispatch !== "function") {
    throw new InvalidArgumentError(`dispatcher must be an undici Dispatcher (Agent, ProxyAgent, ...), got ${describe(value)}`);
  }
  return value as Dispatcher;
}

/** Options of one call of a sync client: those of the async client but `signal`, which nothing could fire while the call blocks. */
export type SyncRequestOptions = Omit<RequestOptions, "signal">;

export function checkSyncTransport(options: SyncRuntimeOptions): void {
  const { proxyUrl, dispatcherModule } = options;
  if (proxyUrl !== undefined) checkBaseUrl("proxyUrl", proxyUrl);
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
