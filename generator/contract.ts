/**
 * The generator–runtime contract: every name generated code may import from the hand-written runtime, the module that
 * defines it, and who needs it. Generated files import each name from its module (so a package built without a
 * capability copies none of that capability's runtime), reserved names and public re-exports derive from this table,
 * and test/contract.test.ts checks every entry against the runtime's own exports.
 */

import type { IrApi } from "./ir.js";

/** Who needs a runtime name: every client ("core") or one capability (its manifest section key). */
export type ContractOwner = "core" | "flagChecks" | "events" | "webhooks" | "pagination";

export interface ContractEntry {
  /** Defining module, relative to the runtime folder. */
  module: string;
  kind: "value" | "type";
  owner: ContractOwner;
  /** Only the async client's files, or only the sync client's, need it. */
  flavour?: "async" | "sync";
  /** Re-exported by every generated package that needs it (it appears in the package's public types). */
  public?: true;
  /** One of the runtime's error classes (runtime/errors.ts RUNTIME_ERROR_CLASSES). */
  errorClass?: true;
}

export const RUNTIME_CONTRACT = {
  // Core: transport, settings, options, errors.
  ClientCore: { module: "client-core.ts", kind: "value", owner: "core", flavour: "async" },
  ClientSettings: { module: "client-core.ts", kind: "type", owner: "core" },
  Operation: { module: "client-core.ts", kind: "type", owner: "core" },
  SyncClientCore: { module: "sync/client-core.ts", kind: "value", owner: "core", flavour: "sync" },
  loadOnFirstUse: { module: "lazy-module.ts", kind: "value", owner: "core", flavour: "async" },
  checkClientOptions: { module: "options.ts", kind: "value", owner: "core" },
  Logger: { module: "options.ts", kind: "type", owner: "core", public: true },
  RuntimeOptions: { module: "options.ts", kind: "type", owner: "core", flavour: "async", public: true },
  RequestOptions: { module: "options.ts", kind: "type", owner: "core", flavour: "async", public: true },
  SyncRuntimeOptions: { module: "options.ts", kind: "type", owner: "core", flavour: "sync", public: true },
  SyncRequestOptions: { module: "options.ts", kind: "type", owner: "core", flavour: "sync", public: true },
  ApiError: { module: "errors.ts", kind: "value", owner: "core", public: true, errorClass: true },
  ConnectionError: { module: "errors.ts", kind: "value", owner: "core", public: true, errorClass: true },
  InvalidArgumentError: { module: "errors.ts", kind: "value", owner: "core", public: true, errorClass: true },
  TimeoutError: { module: "errors.ts", kind: "value", owner: "core", public: true, errorClass: true },
  UserAbortError: { module: "errors.ts", kind: "value", owner: "core", public: true, errorClass: true },
  ApiErrorClass: { module: "errors.ts", kind: "type", owner: "core" },
  Download: { module: "download.ts", kind: "type", owner: "core", public: true },
  ApiPromise: { module: "api-promise.ts", kind: "value", owner: "core", flavour: "async", public: true },
  ResponseInfo: { module: "api-promise.ts", kind: "type", owner: "core", public: true },
  WithResponse: { module: "api-promise.ts", kind: "type", owner: "core", public: true },
  WithResponses: { module: "sync/client-core.ts", kind: "type", owner: "core", flavour: "sync", public: true },
  ResponsesView: { module: "sync/client-core.ts", kind: "type", owner: "core", flavour: "sync", public: true },
  responsesView: { module: "sync/client-core.ts", kind: "value", owner: "core", flavour: "sync" },
  // Core: codecs between wire and TypeScript shapes.
  Codec: { module: "codec.ts", kind: "type", owner: "core" },
  codecTable: { module: "codec-table.ts", kind: "value", owner: "core" },
  listCodec: { module: "codec.ts", kind: "value", owner: "core" },
  mapCodec: { module: "codec.ts", kind: "value", owner: "core" },
  dateCodec: { module: "codec.ts", kind: "value", owner: "core" },
  dateTimeCodec: { module: "codec.ts", kind: "value", owner: "core" },
  identityCodec: { module: "codec.ts", kind: "value", owner: "core" },
  // Flag checks (offline mode comes with them).
  FlagChecker: { module: "flags.ts", kind: "value", owner: "flagChecks", flavour: "async" },
  SyncFlagChecker: { module: "sync/flag-checker.ts", kind: "value", owner: "flagChecks", flavour: "sync" },
  FlagCheckSpec: { module: "flags.ts", kind: "type", owner: "flagChecks" },
  FlagCheckSettings: { module: "flags.ts", kind: "type", owner: "flagChecks" },
  FlagCheckOptions: { module: "flags.ts", kind: "type", owner: "flagChecks", public: true },
  FlagCacheOption: { module: "flags.ts", kind: "type", owner: "flagChecks", public: true },
  FlagCacheOptions: { module: "flags.ts", kind: "type", owner: "flagChecks", public: true },
  FlagFallback: { module: "flags.ts", kind: "type", owner: "flagChecks", public: true },
  CacheProvider: { module: "lru-cache.ts", kind: "type", owner: "flagChecks", public: true },
  RedisCache: { module: "redis-cache.ts", kind: "value", owner: "flagChecks", public: true },
  RedisCacheOptions: { module: "redis-cache.ts", kind: "type", owner: "flagChecks", public: true },
  RedisClientLike: { module: "redis-cache.ts", kind: "type", owner: "flagChecks", public: true },
  OfflineError: { module: "offline.ts", kind: "value", owner: "flagChecks", public: true, errorClass: true },
  offlineGate: { module: "offline.ts", kind: "value", owner: "flagChecks" },
  // Events.
  EventBuffer: { module: "events.ts", kind: "value", owner: "events", flavour: "async" },
  SyncEvents: { module: "sync/events.ts", kind: "value", owner: "events", flavour: "sync" },
  EventSpec: { module: "events.ts", kind: "type", owner: "events" },
  EventSettings: { module: "events.ts", kind: "type", owner: "events" },
  EventOptions: { module: "events.ts", kind: "type", owner: "events", public: true },
  EventStats: { module: "events.ts", kind: "type", owner: "events", public: true },
  // Pagination.
  Page: { module: "pagination.ts", kind: "value", owner: "pagination", flavour: "async", public: true },
  PagePromise: { module: "pagination.ts", kind: "value", owner: "pagination", flavour: "async", public: true },
  SyncPage: { module: "sync/pagination.ts", kind: "value", owner: "pagination", flavour: "sync", public: true },
  // Webhooks (standalone functions, no client part).
  verifyWebhookBody: { module: "webhooks.ts", kind: "value", owner: "webhooks" },
  verifyWebhookStream: { module: "webhooks.ts", kind: "value", owner: "webhooks" },
  WebhookSpec: { module: "webhooks.ts", kind: "type", owner: "webhooks" },
  WebhookHeaders: { module: "webhooks.ts", kind: "type", owner: "webhooks", public: true },
  WebhookVerifyOptions: { module: "webhooks.ts", kind: "type", owner: "webhooks", public: true },
  WebhookRequestOptions: { module: "webhooks.ts", kind: "type", owner: "webhooks", public: true },
  WebhookHeaderMissingError: { module: "webhooks.ts", kind: "value", owner: "webhooks", public: true, errorClass: true },
  WebhookSignatureError: { module: "webhooks.ts", kind: "value", owner: "webhooks", public: true, errorClass: true },
  WebhookTimestampError: { module: "webhooks.ts", kind: "value", owner: "webhooks", public: true, errorClass: true },
  WebhookPayloadError: { module: "webhooks.ts", kind: "value", owner: "webhooks", public: true, errorClass: true },
} as const satisfies Record<string, ContractEntry>;

export type RuntimeName = keyof typeof RUNTIME_CONTRACT;

const entries = Object.entries(RUNTIME_CONTRACT) as [RuntimeName, ContractEntry][];

/** Every name generated code may import from the runtime: manifest names must not take them. */
export const RUNTIME_NAMES: ReadonlySet<string> = new Set(entries.map(([name]) => name));

/** Runtime names generated packages re-export: manifest names must not take them either. */
export const PUBLIC_RUNTIME_NAMES: ReadonlySet<string> = new Set(entries.filter(([, entry]) => entry.public).map(([name]) => name));

/** Client options the runtime defines for every API (runtime/options.ts: RuntimeOptions, SyncRuntimeOptions). */
export const RUNTIME_OPTIONS = ["dispatcher", "logger", "proxyUrl", "dispatcherModule", "maxResponseBytes"] as const;

/** What an API's package uses of the runtime. */
export const contractUse = (api: IrApi): ContractUse => ({
  capabilities: new Set(Object.keys(api.capabilities) as ContractOwner[]),
  flavours: new Set(api.clients),
});

/** What a package uses: its capabilities (manifest section keys) and its client flavours. */
export interface ContractUse {
  capabilities: ReadonlySet<ContractOwner>;
  flavours: ReadonlySet<"async" | "sync">;
}

const used = (entry: ContractEntry, use: ContractUse) =>
  (entry.owner === "core" || use.capabilities.has(entry.owner)) && (entry.flavour === undefined || use.flavours.has(entry.flavour));

/** The runtime's error classes a package re-exports. */
export const runtimeErrorClasses = (use: ContractUse): RuntimeName[] =>
  entries.filter(([, entry]) => entry.errorClass && used(entry, use)).map(([name]) => name);

/** The runtime's public values other than error classes (RedisCache) a package re-exports from its entry. */
export const publicRuntimeValues = (use: ContractUse): RuntimeName[] =>
  entries.filter(([, entry]) => entry.public && entry.kind === "value" && !entry.errorClass && used(entry, use)).map(([name]) => name);

/** The runtime's public types a package re-exports from its entry. */
export const publicRuntimeTypes = (use: ContractUse): RuntimeName[] =>
  entries.filter(([, entry]) => entry.public && entry.kind === "type" && used(entry, use)).map(([name]) => name);
