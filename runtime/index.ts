export { ClientCore, type ClientSettings, type DeferredOperation, type Operation, type OperationRef, type RequestGate } from "./client-core.js";
export { loadOnFirstUse } from "./lazy-module.js";
export {
  dateCodec,
  dateTimeCodec,
  identityCodec,
  lazyCodec,
  listCodec,
  mapCodec,
  objectCodec,
  unionCodec,
  type Codec,
  type CodecRef,
  type FieldSpec,
  type UnionVariant,
} from "./codec.js";
export { discriminatedUnionCodec, type DiscriminatedUnionSpec, type UnknownVariantData } from "./union-codec.js";
export {
  ApiError,
  ConnectionError,
  InvalidArgumentError,
  TimeoutError,
  UserAbortError,
  errorForResponse,
  type ApiErrorClass,
  type ApiErrorDetails,
} from "./errors.js";
export { checkClientOptions, type Logger, type RequestOptions, type RuntimeOptions } from "./options.js";
export type { Dispatcher } from "./transport.js";
export type { QueryArrayFormat } from "./url.js";
export type { Download } from "./download.js";
export { FlagChecker, type FlagCacheOption, type FlagCacheOptions, type FlagCheckOptions, type FlagCheckSettings, type FlagCheckSpec, type FlagFallback } from "./flags.js";
export { LruCache, type CacheProvider } from "./lru-cache.js";
export { RedisCache, type RedisCacheOptions, type RedisClientLike } from "./redis-cache.js";
export { OfflineError, offlineGate } from "./offline.js";
export {
  DEFAULT_MAX_WEBHOOK_BODY_BYTES,
  WebhookHeaderMissingError,
  WebhookPayloadError,
  WebhookSignatureError,
  WebhookTimestampError,
  parseWebhookTimestamp,
  verifyWebhookBody,
  verifyWebhookStream,
  type WebhookHeaders,
  type WebhookRequestOptions,
  type WebhookSpec,
  type WebhookVerifyOptions,
} from "./webhooks.js";
export { EventBuffer, type EventOptions, type EventSettings, type EventSpec, type EventStats, type FieldRule } from "./events.js";
export { SyncFlagChecker, type SyncFlagFetch } from "./sync/flag-checker.js";
export { SyncClientCore, type SyncCall, type SyncClientModule } from "./sync/client-core.js";
export { SyncEvents, type SyncEventSettings } from "./sync/events.js";
export type { SyncRequestOptions, SyncRuntimeOptions } from "./options.js";
