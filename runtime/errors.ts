import type { Codec } from "./codec.js";

export interface ApiErrorDetails {
  /** HTTP status of the response; absent when no response arrived. */
  statusCode?: number;
  /** Parsed JSON body of the response, or its raw text when it is not JSON. */
  body?: unknown;
  /** Response headers (lower-case names). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** Body field that carries the server's message when the manifest names none. */
export const DEFAULT_MESSAGE_FIELD = "error";

/**
 * Base class of every error the SDK throws. `Body` is the JSON shape the manifest declares for error responses; the
 * body is still the raw text when the server sent no JSON, and absent when it sent nothing.
 */
export class ApiError<Body = unknown> extends Error {
  /** Body field whose string value ends the message, when the manifest names one other than DEFAULT_MESSAGE_FIELD. */
  static readonly messageField: string | undefined;
  /** Decodes an object body into `Body` (field names, dates), when the manifest declares one. */
  static readonly bodyCodec: Codec<unknown> | undefined;
  override name = "ApiError";
  readonly statusCode: number | undefined;
  readonly body: Body | string | undefined;
  readonly headers: Record<string, string>;

  constructor(message: string, details: ApiErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.statusCode = details.statusCode;
    this.body = details.body as Body | string | undefined;
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

/** An argument or option was rejected before any request was sent. */
export class InvalidArgumentError extends ApiError {
  override name = "InvalidArgumentError";
}

/** The core's error classes, which every client has (a capability may add its own). */
export const RUNTIME_ERROR_CLASSES: readonly ApiErrorClass[] = [ApiError, ConnectionError, InvalidArgumentError, TimeoutError, UserAbortError];

export type ApiErrorClass = (new (message: string, details?: ApiErrorDetails) => ApiError) & {
  readonly messageField?: string | undefined;
  readonly bodyCodec?: Codec<unknown> | undefined;
};

/** The server's own explanation: the string in the body's message field, or a text body. */
function serverErrorText(body: unknown, messageField: string): string | undefined {
  if (typeof body === "object" && body !== null && Object.hasOwn(body, messageField)) {
    const text = (body as Record<string, unknown>)[messageField];
    if (typeof text === "string") return text;
  }
  if (typeof body === "string" && body.trim() !== "") return body.length > 200 ? `${body.slice(0, 200)}…` : body;
  return undefined;
}

/**
 * Reason phrases of the statuses an API answers with (RFC 9110). Kept here rather than read from node:http, whose
 * import alone costs a few milliseconds of every cold start.
 */
const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Payload Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  418: "I'm a Teapot",
  421: "Misdirected Request",
  422: "Unprocessable Entity",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  507: "Insufficient Storage",
  508: "Loop Detected",
  511: "Network Authentication Required",
};

/** An object body decoded by `codec`; any other body, or one the codec rejects, stays as it came. */
function decodedBody(body: unknown, codec: Codec<unknown> | undefined): unknown {
  if (codec === undefined || typeof body !== "object" || body === null || Array.isArray(body)) return body;
  try {
    return codec.fromWire(body);
  } catch {
    return body;
  }
}

/**
 * Builds the error for a non-2xx response: the class registered for its status, else ApiError. The server's message
 * is read from the operation's message field, else the class's, else the API's (`apiMessageField`, which also serves
 * statuses without a class of their own), on the wire body; the body is then decoded by the operation's codec, else
 * the class's.
 */
export function errorForResponse(
  classes: Readonly<Record<number, ApiErrorClass>>,
  request: { method: string; path: string; messageField?: string | undefined; bodyCodec?: Codec<unknown> | undefined },
  response: { statusCode: number; body: unknown; headers: Record<string, string> },
  apiMessageField: string = DEFAULT_MESSAGE_FIELD,
): ApiError {
  const ErrorClass: ApiErrorClass = classes[response.statusCode] ?? ApiError;
  const reason = REASON_PHRASES[response.statusCode] ?? "Unknown Status";
  const messageField = request.messageField ?? ErrorClass.messageField ?? apiMessageField;
  const explanation = serverErrorText(response.body, messageField);
  const message =
    `${request.method} ${request.path} failed with ${response.statusCode} ${reason}` +
    (explanation === undefined ? "" : `: ${explanation}`);
  return new ErrorClass(message, { ...response, body: decodedBody(response.body, request.bodyCodec ?? ErrorClass.bodyCodec) });
}

/** What replaces the API key wherever a server echoed it back. */
export const REDACTED = "[redacted]";

/**
 * The forms in which a text body may echo the key: as sent, percent-encoded (a URL or form echo) and JSON-escaped (a
 * request body quoted inside another string). Only forms that differ from the key itself are listed.
 */
function secretForms(secret: string): readonly string[] {
  if (secret === lastSecret) return lastForms;
  const forms = [secret];
  for (const form of [encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) if (!forms.includes(form)) forms.push(form);
  lastSecret = secret;
  lastForms = forms;
  return forms;
}
// A process has one key, or a few: the forms of the last one are kept rather than rebuilt for every string of a body.
let lastSecret = "";
let lastForms: readonly string[] = [];

/**
 * Shortest secret that is redacted: a shorter one occurs by chance in any text ("t" in every "at"), so replacing it
 * would mangle bodies while hiding nothing. resolveAuth refuses keys and tokens that short; a short basic password is
 * still hidden inside the base64 credentials, which are redacted.
 */
export const MIN_REDACTED_SECRET_CHARS = 4;

export function redactText(text: string, secret: string): string {
  if (secret.length < MIN_REDACTED_SECRET_CHARS) return text;
  for (const form of secretForms(secret)) if (text.includes(form)) text = text.replaceAll(form, REDACTED);
  return text;
}

/** Shortest start of the key removed from the end of a cut body: shorter ones say nothing of the key. */
const MIN_SECRET_FRAGMENT_CHARS = 4;

/**
 * redactText for a body cut at a size limit: the cut may fall inside an echoed key, leaving its start at the end of
 * the text, where no full match exists. That start (of any form, MIN_SECRET_FRAGMENT_CHARS or more) is replaced too.
 */
export function redactCutText(text: string, secret: string): string {
  text = redactText(text, secret);
  if (secret.length < MIN_REDACTED_SECRET_CHARS) return text;
  for (const form of secretForms(secret)) {
    for (let length = Math.min(form.length - 1, text.length); length >= MIN_SECRET_FRAGMENT_CHARS; length--) {
      if (text.endsWith(form.slice(0, length))) return text.slice(0, text.length - length) + REDACTED;
    }
  }
  return text;
}

/**
 * A JSON.parse reviver that replaces `secret` in every string and property name: the parser walks the whole body
 * once, however deep, with no recursion of ours.
 */
export function redactingReviver(secret: string): (name: string, value: unknown) => unknown {
  return (_, value) => {
    if (typeof value === "string") return redactText(value, secret);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
    const names = Object.keys(value);
    if (names.every((name) => redactText(name, secret) === name)) return value;
    return Object.fromEntries(names.map((name) => [redactText(name, secret), (value as Record<string, unknown>)[name]]));
  };
}

/** Most errors searched for the key in one error's causes and aggregated errors: they are few, but a chain may loop. */
const MAX_LINKED_ERRORS = 100;

/**
 * `error` with every copy of `secret` replaced, in place: message and stack, a text body, and the same in each cause
 * and each error of an AggregateError, however nested; headers that hold it are left out. (A parsed body is redacted
 * as it is parsed, with redactingReviver.)
 */
export function redactError<E extends Error>(error: E, secret: string): E {
  if (secret === "") return error;
  const seen = new Set<Error>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < MAX_LINKED_ERRORS) {
    const link = pending.pop();
    if (!(link instanceof Error) || seen.has(link)) continue;
    seen.add(link);
    redactOne(link, secret);
    pending.push(link.cause);
    if (link instanceof AggregateError && Array.isArray(link.errors)) pending.push(...link.errors);
  }
  return error;
}

/** Leaves out every header whose name or value repeats the secret (an echo of the auth header, say): it tells nothing. */
export function dropSecretHeaders(headers: Record<string, string>, secret: string): void {
  for (const [name, value] of Object.entries(headers)) {
    if (redactText(name, secret) !== name || redactText(value, secret) !== value) delete headers[name];
  }
}

function redactOne(error: Error, secret: string): void {
  if (error instanceof ApiError) {
    if (typeof error.body === "string") (error as { body: unknown }).body = redactText(error.body, secret);
    dropSecretHeaders(error.headers, secret);
  }
  // The stack repeats the message as it was when the error was built.
  const message = redactText(error.message, secret);
  if (message !== error.message) {
    error.message = message;
    if (error.stack !== undefined) error.stack = redactText(error.stack, secret);
  }
}
