import type { IrApi } from "./ir.js";

/**
 * What the hand-written runtime expects of every manifest. Keep in step with runtime/client-core.ts (ClientSettings),
 * runtime/options.ts and builtin-options.ts: the type check of generated code fails when they drift apart.
 */

/**
 * The options the runtime reads (type, default, documentation) are in builtin-options.ts: TRANSPORT_OPTIONS for every
 * client, FLAG_CHECK_OPTIONS and EVENT_OPTIONS for the capabilities. The core's settings take the transport options and
 * `offline` (false for a client without flag checks).
 */

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
const RUNTIME_ERROR_CLASSES = [
  "ApiError",
  "ConnectionError",
  "InvalidArgumentError",
  "OfflineError",
  "TimeoutError",
  "UserAbortError",
] as const;

/** Whether the client has the `offline` option (it comes with the flag-check capability). */
export const hasOfflineOption = (api: IrApi): boolean => api.options.some((option) => option.name === "offline");

/** The runtime's error classes a package re-exports: OfflineError only with the offline option. */
export const runtimeErrorClasses = (api: IrApi): string[] =>
  RUNTIME_ERROR_CLASSES.filter((name) => name !== "OfflineError" || hasOfflineOption(api));

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
