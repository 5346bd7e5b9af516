import { STATUS_CODES } from "node:http";

export interface ApiErrorDetails {
  /** HTTP status of the response; absent when no response arrived. */
  statusCode?: number;
  /** Parsed JSON body of the response, or its raw text when it is not JSON. */
  body?: unknown;
  /** Response headers (lower-case names). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** Base class of every error the SDK throws. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly statusCode: number | undefined;
  readonly body: unknown;
  readonly headers: Record<string, string>;

  constructor(message: string, details: ApiErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.statusCode = details.statusCode;
    this.body = details.body;
    this.headers = details.headers ?? {};
  }
}

/** The request did not complete within its timeout. */
export class TimeoutError extends ApiError {
  override name = "TimeoutError";
}

/** No response arrived: the connection was refused, reset or closed early. */
export class ConnectionError extends ApiError {
  override name = "ConnectionError";
}

/** The caller's AbortSignal cancelled the request. */
export class UserAbortError extends ApiError {
  override name = "UserAbortError";
}

/** The client was created with `offline: true`, so it sends no requests. */
export class OfflineError extends ApiError {
  override name = "OfflineError";
}

/** An argument or option was rejected before any request was sent. */
export class InvalidArgumentError extends ApiError {
  override name = "InvalidArgumentError";
}

export type ApiErrorClass = new (message: string, details?: ApiErrorDetails) => ApiError;

/** The server's own explanation, when the body follows the API's `{ "error": "..." }` shape. */
function serverErrorText(body: unknown): string | undefined {
  if (typeof body === "object" && body !== null && typeof (body as { error?: unknown }).error === "string") {
    return (body as { error: string }).error;
  }
  if (typeof body === "string" && body.trim() !== "") return body.length > 200 ? `${body.slice(0, 200)}…` : body;
  return undefined;
}

/** Builds the error for a non-2xx response: the class registered for its status, else ApiError. */
export function errorForResponse(
  classes: Readonly<Record<number, ApiErrorClass>>,
  request: { method: string; path: string },
  response: { statusCode: number; body: unknown; headers: Record<string, string> },
): ApiError {
  const ErrorClass = classes[response.statusCode] ?? ApiError;
  const reason = STATUS_CODES[response.statusCode] ?? "Unknown Status";
  const explanation = serverErrorText(response.body);
  const message =
    `${request.method} ${request.path} failed with ${response.statusCode} ${reason}` +
    (explanation === undefined ? "" : `: ${explanation}`);
  return new ErrorClass(message, response);
}
