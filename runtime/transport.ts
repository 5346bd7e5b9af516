import { constants as bufferConstants } from "node:buffer";
import type { Dispatcher } from "undici";
import { ApiError } from "./errors.js";

export type { Dispatcher };

export interface HttpRequest {
  /** Scheme, host and port: "https://api.example.com". */
  origin: string;
  /** Path and query string. */
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  dispatcher?: Dispatcher | undefined;
  /** Largest 2xx body accepted, in bytes; a longer one fails the exchange. */
  maxResponseBytes?: number | undefined;
}

export interface HttpResponse {
  statusCode: number;
  /** Lower-case names; a repeated header is an array. */
  rawHeaders: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as received (up to the size limit): for responses read as bytes, and text in another charset. */
  bytes: Buffer;
  /** The body was cut at MAX_ERROR_BODY_BYTES: `text` is its start only. */
  cut?: boolean;
}

/** Error bodies are read up to this size: enough for any explanation, bounded against a misbehaving server. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Default cap of a 2xx body. The API's largest answers (pages of lists) are well under 1 MiB; 64 MiB leaves a wide
 * margin while keeping a misbehaving server from taking hundreds of MiB (and the text and JSON built from them).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The most any cap may be: a longer body cannot become one JavaScript string. */
export const MAX_RESPONSE_BYTES_LIMIT = bufferConstants.MAX_STRING_LENGTH;

// Where every undici (Node's bundled copy, 6.x, 7.x) keeps the process-wide dispatcher: whoever set it, it is honoured.
const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");

let undiciLoading: Promise<typeof import("undici")> | undefined;

/** undici, loaded on first use (importing it costs more than the rest of the package together), then kept. */
export function loadUndici(): Promise<typeof import("undici")> {
  return (undiciLoading ??= import("undici"));
}

function globalDispatcher(): Dispatcher | undefined {
  return (globalThis as Record<symbol, Dispatcher | undefined>)[GLOBAL_DISPATCHER];
}

type Abort = (reason: Error) => void;

/**
 * One HTTP request and its response, read whole into memory. Built on the dispatch API rather than
 * `undici.request()`: no body stream and no abort signal per request, which is a large share of the cost of a small
 * JSON call. `abort()` works at any time, even before the request has a connection.
 *
 * The handler speaks both handler APIs, so any dispatcher can carry it: undici 7 uses the new one (onRequestStart...);
 * undici 6 and Node's bundled undici, whose Agent may own the global dispatcher once `fetch()` has run, know only the
 * legacy one (onConnect...) and reject a handler without it.
 */
export class HttpExchange implements Dispatcher.DispatchHandler {
  readonly response: Promise<HttpResponse>;
  private resolve!: (response: HttpResponse) => void;
  private reject!: (error: Error) => void;
  private readonly request: HttpRequest;
  private controller: Dispatcher.DispatchController | undefined;
  private legacyAbort: Abort | undefined;
  private abortReason: Error | undefined;
  private settled = false;
  private statusCode = 0;
  private rawHeaders: HttpResponse["rawHeaders"] = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private limit = Infinity;

  constructor(request: HttpRequest) {
    this.request = request;
    this.response = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const dispatcher = request.dispatcher ?? globalDispatcher();
    if (dispatcher !== undefined) this.dispatch(dispatcher);
    // No global dispatcher yet: loading undici installs its default Agent as the global one.
    else loadUndici().then(() => this.dispatch(globalDispatcher()!), (error: Error) => this.fail(error));
  }

  /** Cancels the exchange: the response rejects with `reason` at once and the connection is released. */
  abort(reason: Error): void {
    if (this.settled) return;
    this.abortReason = reason;
    this.cancel(reason);
    this.fail(reason);
  }

  private dispatch(dispatcher: Dispatcher): void {
    if (this.settled) return;
    try {
      const { origin, path, method, headers, body } = this.request;
      dispatcher.dispatch({ origin, path, method: method as Dispatcher.HttpMethod, headers, body }, this);
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private cancel(reason: Error): void {
    if (this.controller !== undefined) this.controller.abort(reason);
    else this.legacyAbort?.(reason);
  }

  // The new handler API (undici 7).

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason) controller.abort(this.abortReason);
  }

  onResponseStart(_: Dispatcher.DispatchController, statusCode: number, headers: HttpResponse["rawHeaders"]): void {
    this.start(statusCode, headers);
  }

  onResponseData(_: Dispatcher.DispatchController, chunk: Buffer): void {
    this.data(chunk);
  }

  onResponseEnd(): void {
    this.finish();
  }

  onResponseError(_: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  // The legacy handler API (undici 6, Node's bundled undici); undici 7 never calls it on a handler that has the new one.

  onConnect(abort: Abort): void {
    this.legacyAbort = abort;
    if (this.abortReason) abort(this.abortReason);
  }

  onHeaders(statusCode: number, rawHeaders: (Buffer | string)[]): boolean {
    this.start(statusCode, parseRawHeaders(rawHeaders));
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.data(chunk);
    return true;
  }

  onComplete(): void {
    this.finish();
  }

  onError(error: Error): void {
    this.fail(error);
  }

  private start(statusCode: number, headers: HttpResponse["rawHeaders"]): void {
    this.statusCode = statusCode;
    this.rawHeaders = headers;
    const success = statusCode >= 200 && statusCode < 300;
    this.limit = success ? (this.request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES) : MAX_ERROR_BODY_BYTES;
  }

  private data(chunk: Buffer): void {
    if (this.settled) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size < this.limit) return;
    const success = this.statusCode >= 200 && this.statusCode < 300;
    if (!success) {
      // Enough of an error body: answer now and drop the rest with its connection.
      this.finish(true);
      this.cancel(new Error("error body over the size limit"));
    } else if (this.size > this.limit) {
      const { method, path } = this.request;
      this.abort(
        new ApiError(`${method} ${path} returned ${this.statusCode} with a body over the limit of ${this.limit} bytes (maxResponseBytes)`, {
          statusCode: this.statusCode,
          headers: flattenHeaders(this.rawHeaders),
        }),
      );
    }
  }

  private finish(cut = false): void {
    if (this.settled) return;
    let text: string;
    let bytes: Buffer;
    try {
      const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      bytes = body.subarray(0, Math.min(body.length, this.limit));
      text = bytes.toString("utf8");
    } catch (error) {
      const { method, path } = this.request;
      this.fail(new ApiError(`${method} ${path} returned ${this.statusCode} with a body that could not be read: ${(error as Error).message}`, {
        statusCode: this.statusCode,
        cause: error,
      }));
      return;
    }
    this.settled = true;
    this.chunks = [];
    this.resolve({ statusCode: this.statusCode, rawHeaders: this.rawHeaders, text, bytes, cut });
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    this.reject(error);
  }
}

/** Legacy `onHeaders` headers (name, value, name, value...) as the new API gives them. */
function parseRawHeaders(raw: (Buffer | string)[]): HttpResponse["rawHeaders"] {
  const headers: Record<string, string | string[]> = Object.create(null);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString("latin1").toLowerCase();
    const value = raw[i + 1]!.toString("latin1");
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (typeof seen === "string") headers[name] = [seen, value];
    else seen.push(value);
  }
  return headers;
}

/** Response headers as one string per name. */
export function flattenHeaders(raw: HttpResponse["rawHeaders"]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** A dispatcher that sends every request through an HTTP(S) proxy (how the sync client's worker honours `proxyUrl`). */
export async function proxyDispatcher(proxyUrl: string): Promise<Dispatcher> {
  const { ProxyAgent } = await loadUndici();
  return new ProxyAgent(proxyUrl);
}
