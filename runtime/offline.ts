import type { RequestGate } from "./client-core.js";
import { ApiError, InvalidArgumentError } from "./errors.js";
import { describe } from "./url.js";

/** The client was created with `offline: true`, so it sends no requests. */
export class OfflineError extends ApiError {
  override name = "OfflineError";
}

/**
 * Offline mode as the core's request gate: while `offline` is true every call throws OfflineError before anything is
 * sent, and the client starts without credentials. Given by clients whose API has the mode (flag checks bring it).
 */
export function offlineGate(offline: unknown): RequestGate {
  if (typeof offline !== "boolean") throw new InvalidArgumentError(`offline must be true or false, got ${describe(offline)}`);
  return {
    closed: offline,
    waiver: "set offline: true",
    refusal: (route: string) =>
      new OfflineError(`${route} was not sent: the client is offline (offline: true) and makes no requests`),
  };
}
