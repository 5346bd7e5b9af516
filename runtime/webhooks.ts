/**
 * Verification of the webhook requests a service sends: the signature over the raw body and the signed timestamp,
 * the replay window, and the decoding of the body. Local work only (node:crypto), so both clients' packages share it.
 */
import type { IncomingMessage } from "node:http";
import type { Codec } from "./codec.js";
import { ApiError, InvalidArgumentError } from "./errors.js";

/** A required webhook header is absent or empty. `header` names it. */
export class WebhookHeaderMissingError extends ApiError {
  override name = "WebhookHeaderMissingError";
  constructor(readonly header: string) {
    super(`webhook request has no ${header} header`);
  }
}

/** The signature does not match the body and timestamp for this secret (or is not a signature at all). */
export class WebhookSignatureError extends ApiError {
  override name = "WebhookSignatureError";
}

/**
 * The signed timestamp is unreadable, or further from now than the tolerance (a possible replay). `timestamp` is the
 * header as received; `ageMs` how old it is (negative: in the future), absent when it could not be read.
 */
export class WebhookTimestampError extends ApiError {
  override name = "WebhookTimestampError";
  constructor(
    message: string,
    readonly timestamp: string,
    readonly ageMs?: number,
  ) {
    super(message);
  }
}

/** The body could not be read (too large, request aborted), is not a JSON object, or does not decode. */
export class WebhookPayloadError extends ApiError {
  override name = "WebhookPayloadError";
}

/** How an API signs its webhooks (generated from the manifest's `webhooks` section). */
export interface WebhookSpec {
  /** Header names as the manifest writes them (looked up in any case). */
  signatureHeader: string;
  timestampHeader: string;
  scheme: "hmac-sha256-hex";
  /** Default replay window, in milliseconds. */
  toleranceMs: number;
}

/**
 * Request headers in any of the forms servers give them: a plain object (any case of names; Node's
 * IncomingHttpHeaders included, where a value may be a list) or a WHATWG `Headers`.
 */
export type WebhookHeaders = { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface WebhookVerifyOptions {
  /**
   * How far the signed timestamp may be from now, past or future, in milliseconds; `false` skips the check (the
   * signature is still checked). A request older than this is refused, so a captured request cannot be replayed later.
   * @default the manifest's toleranceMs (300000)
   */
  toleranceMs?: number | false;
  /** The clock, in milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

export interface WebhookRequestOptions extends WebhookVerifyOptions {
  /** Largest body read, in bytes; a larger one is refused with WebhookPayloadError. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

const SHA256_HEX_CHARS = 64;
const HEX = /^[0-9a-fA-F]*$/;

/** Verifies a webhook body as received with its headers, and decodes it with `codec`. */
export function verifyWebhookBody<T>(
  spec: WebhookSpec,
  codec: Codec<T>,
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: WebhookVerifyOptions = {},
): T {
  checkSecret(secret);
  const { toleranceMs, now } = checkedOptions(spec, options);
  if (typeof rawBody !== "string" && !(rawBody instanceof Uint8Array)) {
    const parsed = typeof rawBody === "object" && rawBody !== null;
    throw new InvalidArgumentError(
      `rawBody must be the body exactly as received, a string or bytes (Buffer, Uint8Array), got ${parsed ? "an object: a body parser has already parsed it; keep the raw body instead" : typeof rawBody}`,
    );
  }
  if (typeof headers !== "object" || headers === null) throw new InvalidArgumentError("headers must be the request's headers (an object or a Headers)");
  // A hex signature holds no comma: of a repeated signature header, the first counts. The timestamp is taken whole.
  const signature = headerValue(headers, spec.signatureHeader, true);
  const timestamp = headerValue(headers, spec.timestampHeader);
  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  if (!signatureMatches(body, timestamp, signature, secret)) {
    throw new WebhookSignatureError("webhook signature does not match the body and timestamp (wrong secret, or the body was changed or re-encoded)");
  }
  if (toleranceMs !== false) checkTimestamp(timestamp, toleranceMs, now());
  return decodeBody(body, codec);
}

/**
 * Reads the body of a Node request (at most `maxBodyBytes`), then verifies and decodes it as verifyWebhookBody does.
 * The request must not have been read already (by a body parser).
 */
export async function verifyWebhookStream<T>(
  spec: WebhookSpec,
  codec: Codec<T>,
  request: IncomingMessage,
  secret: string,
  options: WebhookRequestOptions = {},
): Promise<T> {
  checkSecret(secret);
  checkedOptions(spec, options);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) throw new InvalidArgumentError("maxBodyBytes must be a positive integer");
  if (typeof request?.on !== "function" || typeof request.headers !== "object") throw new InvalidArgumentError("request must be a Node http.IncomingMessage");
  const body = await readBody(request, maxBodyBytes);
  return verifyWebhookBody(spec, codec, body, request.headers, secret, options);
}

function checkSecret(secret: unknown): void {
  // The secret itself is never quoted: only what kind of value it is.
  if (typeof secret !== "string" || secret === "") {
    throw new InvalidArgumentError(`the webhook secret must be a non-empty string, got ${secret === "" ? "an empty string" : typeof secret}`);
  }
}

function checkedOptions(spec: WebhookSpec, options: WebhookVerifyOptions): { toleranceMs: number | false; now: () => number } {
  if (typeof options !== "object" || options === null) throw new InvalidArgumentError("options must be an object");
  const toleranceMs = options.toleranceMs ?? spec.toleranceMs;
  if (toleranceMs !== false && !(typeof toleranceMs === "number" && Number.isFinite(toleranceMs) && toleranceMs >= 0)) {
    throw new InvalidArgumentError("toleranceMs must be a number of milliseconds >= 0, or false");
  }
  const now = options.now ?? Date.now;
  if (typeof now !== "function") throw new InvalidArgumentError("now must be a function returning milliseconds since the epoch");
  return { toleranceMs, now };
}

/**
 * The header's value, whatever the case of its name; the first of a list. Absent or empty is an error. With `commaList`
 * a value joined from repeats with ", " (Node's requests and Headers join them) gives its first part too.
 */
function headerValue(headers: WebhookHeaders, name: string, commaList = false): string {
  const lower = name.toLowerCase();
  let value: string | readonly string[] | null | undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    value = (headers as { get(name: string): string | null }).get(lower);
  } else {
    const plain = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
    value = Object.hasOwn(plain, lower) ? plain[lower] : undefined;
    if (value === undefined) {
      const key = Object.keys(plain).find((key) => key.toLowerCase() === lower);
      value = key === undefined ? undefined : plain[key];
    }
  }
  const raw: unknown = Array.isArray(value) ? value[0] : value;
  const first = typeof raw === "string" ? (commaList ? raw.split(",")[0]!.trim() : raw) : undefined;
  if (first === undefined || first === "") throw new WebhookHeaderMissingError(name);
  return first;
}

/** HMAC-SHA256 over the body bytes, "+" and the timestamp, compared in constant time. */
function signatureMatches(body: Uint8Array, timestamp: string, signature: string, secret: string): boolean {
  // A signature of another length or with non-hex characters is no signature: refused before comparing, since
  // timingSafeEqual needs buffers of equal length and Buffer.from(hex) silently drops what is not hex.
  if (signature.length !== SHA256_HEX_CHARS || !HEX.test(signature)) return false;
  // Loaded on the first verification, not imported: node:crypto costs milliseconds to load, which a program that
  // receives no webhooks should not pay when it imports the package.
  const { createHmac, timingSafeEqual } = process.getBuiltinModule("node:crypto");
  const expected = createHmac("sha256", secret).update(body).update(`+${timestamp}`, "utf8").digest();
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}

/** Below this a number of digits is seconds, at or above it milliseconds (1e12 ms is 2001; 1e12 s is year 33658). */
const MILLISECONDS_FROM = 1e12;
const RFC_3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The timestamp in milliseconds since the epoch: Unix seconds, Unix milliseconds, or an RFC 3339 date-time. */
export function parseWebhookTimestamp(timestamp: string): number | undefined {
  if (/^\d{1,16}$/.test(timestamp)) {
    const value = Number(timestamp);
    return value >= MILLISECONDS_FROM ? value : value * 1000;
  }
  if (!RFC_3339.test(timestamp)) return undefined;
  const time = Date.parse(timestamp.replace(" ", "T").toUpperCase());
  return Number.isNaN(time) ? undefined : time;
}

function checkTimestamp(timestamp: string, toleranceMs: number, nowMs: number): void {
  const time = parseWebhookTimestamp(timestamp);
  if (time === undefined) {
    throw new WebhookTimestampError(
      `webhook timestamp ${JSON.stringify(timestamp.slice(0, 64))} is unreadable: expected Unix seconds or milliseconds, or an RFC 3339 date-time`,
      timestamp,
    );
  }
  const ageMs = nowMs - time;
  if (Math.abs(ageMs) > toleranceMs) {
    const when = ageMs > 0 ? `${describeMs(ageMs)} old` : `${describeMs(-ageMs)} in the future`;
    throw new WebhookTimestampError(
      `webhook timestamp is ${when}, outside the tolerance of ${describeMs(toleranceMs)} (a replayed request, or a clock out of step)`,
      timestamp,
      ageMs,
    );
  }
}

const describeMs = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms)} ms`);

function decodeBody<T>(body: Uint8Array, codec: Codec<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (error) {
    throw new WebhookPayloadError(`webhook body is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new WebhookPayloadError(`webhook body must be a JSON object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`);
  }
  try {
    return codec.fromWire(value);
  } catch (error) {
    throw new WebhookPayloadError(`webhook body does not decode: ${(error as Error).message}`, { cause: error });
  }
}

/** The whole body of a request, refused when larger than `maxBodyBytes` or when the request ends early. */
function readBody(request: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  if (request.readableEnded || request.readableDidRead) {
    return Promise.reject(
      new InvalidArgumentError("the request body was already read (by a body parser?): keep the raw body and call verifyWebhook with it"),
    );
  }
  const tooLarge = () => new WebhookPayloadError(`webhook body is larger than maxBodyBytes (${maxBodyBytes} bytes)`);
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBodyBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: Error) => {
      request.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if (error === undefined) return resolve(Buffer.concat(chunks, size));
      // The rest is left unread: the server can still answer (Node discards it), and no more memory is spent on it.
      request.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) return finish(tooLarge());
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    // A request stream fails only when the connection goes before the body is complete.
    const aborted = (cause?: Error) =>
      new WebhookPayloadError(`the webhook request was aborted before its body was read${cause ? ` (${cause.message})` : ""}`, { cause });
    const onError = (error: Error) => finish(aborted(error));
    const onClose = () => finish(aborted());
    request.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}
