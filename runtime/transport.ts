import { ProxyAgent, getGlobalDispatcher, type Dispatcher } from "undici";

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
}

export interface HttpResponse {
  statusCode: number;
  /** As undici gives them: lower-case names; a repeated header is an array. */
  rawHeaders: Record<string, string | string[] | undefined>;
  text: string;
}

/** Error bodies are read up to this size: enough for any explanation, bounded against a misbehaving server. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * One HTTP request and its response, read whole into memory. Built on undici's dispatch API rather than
 * `undici.request()`: no body stream and no abort signal per request, which is a large share of the cost of a small
 * JSON call. `abort()` works at any time, even before the request has a connection.
 */
export class HttpExchange implements Dispatcher.DispatchHandler {
  readonly response: Promise<HttpResponse>;
  private resolve!: (response: HttpResponse) => void;
  private reject!: (error: Error) => void;
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: Error | undefined;
  private settled = false;
  private statusCode = 0;
  private rawHeaders: HttpResponse["rawHeaders"] = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private limit = Infinity;

  constructor(request: HttpRequest) {
    this.response = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    try {
      const { origin, path, method, headers, body } = request;
      (request.dispatcher ?? getGlobalDispatcher()).dispatch(
        { origin, path, method: method as Dispatcher.HttpMethod, headers, body },
        this,
      );
    } catch (error) {
      this.fail(error as Error);
    }
  }

  /** Cancels the exchange: the response rejects with `reason` at once and the connection is released. */
  abort(reason: Error): void {
    if (this.settled) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
    this.fail(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason) controller.abort(this.abortReason);
  }

  onResponseStart(_: Dispatcher.DispatchController, statusCode: number, headers: HttpResponse["rawHeaders"]): void {
    this.statusCode = statusCode;
    this.rawHeaders = headers;
    if (statusCode < 200 || statusCode >= 300) this.limit = MAX_ERROR_BODY_BYTES;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.limit) {
      // Enough of an error body: answer now and drop the rest with its connection.
      this.finish();
      controller.abort(new Error("error body over the size limit"));
    }
  }

  onResponseEnd(): void {
    this.finish();
  }

  onResponseError(_: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const text = body.toString("utf8", 0, Math.min(body.length, this.limit));
    this.resolve({ statusCode: this.statusCode, rawHeaders: this.rawHeaders, text });
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
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
export function proxyDispatcher(proxyUrl: string): Dispatcher {
  return new ProxyAgent(proxyUrl);
}
