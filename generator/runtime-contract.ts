/**
 * What the hand-written runtime expects of every manifest. Keep in step with runtime/client-core.ts (ClientSettings)
 * and runtime/options.ts: the type check of generated code fails when they drift apart.
 */

/** Options the runtime needs, with the type their manifest declaration must have; the manifest gives their defaults. */
export const REQUIRED_OPTIONS: Readonly<Record<string, string>> = {
  timeoutMs: "integer",
  headers: "map<string>",
  maxRetries: "integer",
  retryStatuses: "list<integer>",
  retryBaseDelayMs: "integer",
  retryMaxDelayMs: "integer",
  totalTimeoutMs: "integer?",
  offline: "boolean",
};

/** Options the runtime needs when the manifest declares flag checks. */
export const FLAG_CHECK_OPTIONS: Readonly<Record<string, string>> = {
  flagDefaults: "map<boolean>",
  flagCheckTimeoutMs: "integer",
  flagCircuitFailures: "integer",
  flagCircuitCooldownMs: "integer",
};

/** Options the runtime needs when the manifest declares events. */
export const EVENT_OPTIONS: Readonly<Record<string, string>> = {
  flushIntervalMs: "integer",
  maxQueuedEvents: "integer",
  closeTimeoutMs: "integer",
  closeOnSignals: "boolean",
};

/** Members of every generated client: resources must not take their names. */
export const CLIENT_MEMBERS = [
  "checkFlag",
  "checkFlagWithEntitlement",
  "setFlagDefault",
  "setFlagDefaults",
  "flush",
  "close",
  "eventStats",
] as const;

/** Client options the runtime defines for every API (runtime/options.ts: RuntimeOptions, SyncRuntimeOptions). */
export const RUNTIME_OPTIONS = ["dispatcher", "logger", "proxyUrl", "dispatcherModule", "maxResponseBytes"] as const;

/** The runtime's error classes, re-exported by every generated package beside the manifest's own. */
export const RUNTIME_ERROR_CLASSES = [
  "ApiError",
  "ConnectionError",
  "InvalidArgumentError",
  "OfflineError",
  "TimeoutError",
  "UserAbortError",
] as const;

/** Names the runtime exports into every generated package; manifest names must not take them. */
export const RUNTIME_EXPORTS = [
  ...RUNTIME_ERROR_CLASSES,
  "RequestOptions",
  "Logger",
  "RuntimeOptions",
  "SyncRequestOptions",
  "SyncRuntimeOptions",
  "CacheProvider",
  "FlagCacheOption",
  "FlagCacheOptions",
  "FlagCheckOptions",
  "FlagFallback",
  "EventOptions",
  "EventStats",
] as const;
