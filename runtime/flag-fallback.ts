import { ApiError, ConnectionError, InvalidArgumentError, TimeoutError } from "./errors.js";

/** Why a check answered with a default instead of the service's evaluation. */
export type FlagFallback =
  | "offline"
  | "circuit_open"
  | "timeout"
  | "connection"
  | "server_error"
  | "rate_limited"
  | "unknown_flag"
  | "invalid_response"
  | "error";

/** Why a default was answered, as the reason and the log line say it. */
export const FALLBACK_TEXT: Record<FlagFallback, string> = {
  offline: "the client is offline",
  circuit_open: "the service failed repeatedly and checks wait for it to recover (circuit open)",
  timeout: "the service did not answer in time",
  connection: "the service could not be reached",
  server_error: "the service failed",
  rate_limited: "the service is rate limiting this client",
  unknown_flag: "the service does not know this flag",
  invalid_response: "the service's answer was not a flag result",
  error: "the service rejected the check",
};

/** Failures that say the service is unavailable: they count toward opening the circuit breaker. */
export const OUTAGE_CAUSES: ReadonlySet<FlagFallback> = new Set<FlagFallback>(["timeout", "connection", "server_error", "rate_limited"]);

/** The service answered a check with something that is not a flag result; the check answers its default. */
export class InvalidFlagResult extends ApiError {}

/** Bad arguments are the caller's to fix, and other failures are bugs: only service failures become a default. */
export function fallbackCause(error: unknown): FlagFallback {
  if (!(error instanceof ApiError) || error instanceof InvalidArgumentError) throw error;
  if (error instanceof InvalidFlagResult) return "invalid_response";
  if (error instanceof TimeoutError) return "timeout";
  if (error instanceof ConnectionError) return "connection";
  if (error.statusCode === 429) return "rate_limited";
  if (error.statusCode === 404) return "unknown_flag";
  if (error.statusCode !== undefined && error.statusCode >= 500) return "server_error";
  // A 2xx that failed is an answer the client could not read: a body that is not JSON, or without its envelope.
  if (error.statusCode !== undefined && error.statusCode >= 200 && error.statusCode < 300) return "invalid_response";
  return "error";
}
