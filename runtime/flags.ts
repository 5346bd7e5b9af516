import type { ClientCore, Operation } from "./client-core.js";
import { ApiError, ConnectionError, InvalidArgumentError, TimeoutError } from "./errors.js";
import { HASH_SEED, finishHash, hashNumber, hashString, keyString, type CacheKey } from "./cache-key.js";
import { LruCache, type CacheProvider } from "./lru-cache.js";
import { checkCount, checkPositiveMs, type Logger } from "./options.js";
import { describe } from "./url.js";

/** Why a check answered with a default instead of the service's evaluation. */
export type FlagFallback = "offline" | "timeout" | "connection" | "server_error" | "rate_limited" | "unknown_flag" | "error";

const FALLBACK_TEXT: Record<FlagFallback, string> = {
  offline: "the client is offline",
  timeout: "the service did not answer in time",
  connection: "the service could not be reached",
  server_error: "the service failed",
  rate_limited: "the service is rate limiting this client",
  unknown_flag: "the service does not know this flag",
  error: "the service rejected the check",
};

export interface FlagCacheOptions {
  /** Most results kept; 0 disables the cache. */
  maxSize?: number;
  /** How long a result is used, in milliseconds. */
  maxAgeMs?: number;
}

/** Cache settings of a client: sizes for the built-in cache, a store of your own, or false for none. */
export type FlagCacheOption<Result = unknown> = FlagCacheOptions | CacheProvider<Result> | false;

export interface FlagCheckOptions {
  /** Answer when the service cannot: wins over the client's flag defaults; a function is called only then. */
  defaultValue?: boolean | (() => boolean);
  /** Time allowed for each attempt, in milliseconds. */
  timeoutMs?: number;
  /** Retries after a retriable failure. */
  maxRetries?: number;
}

/** How the manifest maps flag checks onto an operation (names are the SDK's camelCase names). */
export interface FlagCheckSpec<Result> {
  operation: Operation<Result>;
  /** Argument that carries the flag key (a path parameter). */
  flagKeyParam: string;
  /** Arguments that carry the context maps (company, user, ...). */
  contextFields: readonly string[];
  /** Result fields: the boolean answer, the flag key, the explanation and the error text. */
  fields: { value: string; flag: string; reason: string; error: string };
  /** Defaults of the built-in cache. */
  cacheDefaults: { maxSize: number; maxAgeMs: number };
}

export interface FlagCheckSettings<Result> {
  cache: FlagCacheOption<Result> | undefined;
  flagDefaults: Readonly<Record<string, boolean>>;
  offline: boolean;
  logger: Logger | undefined;
}

/** A check's context as the generated client types it (an interface of maps), read field by field. */
type Context = object;
type ContextMap = Readonly<Record<string, unknown>>;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as PromiseLike<unknown>).then === "function";

/**
 * Boolean checks over one operation: cached, coalesced, and answered from defaults when the service cannot answer.
 * A check throws only for bad arguments, never because the service is down.
 */
/** What the built-in cache holds: the result, and its answer read out once so that a hit reads one known field. */
interface Cached<Result> {
  readonly result: Result;
  readonly value: boolean;
}

export class FlagChecker<Result extends object> {
  private readonly cache: CacheProvider<Result> | undefined;
  /** Set when the cache is the built-in one: its hits are answered without a promise round trip. */
  private readonly memory: LruCache<Cached<Result>> | undefined;
  private readonly maxAgeMs: number;
  private readonly valueField: string;
  private readonly defaults = new Map<string, boolean>();
  private readonly inflight = new Map<string, Promise<Result>>();

  constructor(
    private readonly core: ClientCore,
    private readonly spec: FlagCheckSpec<Result>,
    private readonly settings: FlagCheckSettings<Result>,
  ) {
    const option = settings.cache;
    this.valueField = spec.fields.value;
    this.maxAgeMs = spec.cacheDefaults.maxAgeMs;
    if (option === undefined || (typeof option === "object" && option !== null && !("get" in option))) {
      const { maxSize = spec.cacheDefaults.maxSize, maxAgeMs = spec.cacheDefaults.maxAgeMs } = option ?? {};
      checkCount("cache.maxSize", maxSize);
      this.maxAgeMs = checkPositiveMs("cache.maxAgeMs", maxAgeMs);
      if (maxSize > 0) this.memory = new LruCache<Cached<Result>>(maxSize, maxAgeMs);
    } else if (option !== false) {
      const provider = option as CacheProvider<Result>;
      if (typeof provider.get !== "function" || typeof provider.set !== "function" || typeof provider.delete !== "function") {
        throw new InvalidArgumentError("cache must be false, { maxSize, maxAgeMs }, or a CacheProvider with get, set and delete");
      }
      this.cache = provider;
    }
    this.setDefaults(settings.flagDefaults, "flagDefaults");
  }

  setDefault(flagKey: string, value: boolean): void {
    checkFlagKey(flagKey);
    if (typeof value !== "boolean") throw new InvalidArgumentError(`default of flag "${flagKey}" must be a boolean, got ${describe(value)}`);
    this.defaults.set(flagKey, value);
  }

  setDefaults(defaults: Readonly<Record<string, boolean>>, where = "setFlagDefaults"): void {
    if (typeof defaults !== "object" || defaults === null || Array.isArray(defaults)) {
      throw new InvalidArgumentError(`${where} takes an object of flag keys to booleans, got ${describe(defaults)}`);
    }
    for (const [flagKey, value] of Object.entries(defaults)) this.setDefault(flagKey, value);
  }

  check(flagKey: string, context?: Context, options?: FlagCheckOptions): Promise<boolean> {
    try {
      const hash = this.hashCheck(flagKey, context);
      const hit = this.memory?.getMatching(hash, this.matcher);
      if (hit !== undefined) return hit.value ? RESOLVED_TRUE : RESOLVED_FALSE;
      return this.evaluate(flagKey, context, hash, options).then((result) => this.valueOf(result));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async checkWithEntitlement(flagKey: string, context?: Context, options?: FlagCheckOptions): Promise<Result & { fallback?: FlagFallback }> {
    return this.evaluate(flagKey, context, this.hashCheck(flagKey, context), options);
  }

  private valueOf(result: Result): boolean {
    return (result as Record<string, unknown>)[this.valueField] === true;
  }

  private async evaluate(flagKey: string, context: Context | undefined, hash: number, options: FlagCheckOptions = {}): Promise<Result> {
    if (this.settings.offline) return this.fallback(flagKey, "offline", undefined, options);
    // Still synchronous after hashCheck: the scratch parts are this check's.
    const memoryHit = this.memory?.getMatching(hash, this.matcher);
    if (memoryHit !== undefined) return memoryHit.result;
    const key: CacheKey = { hash, parts: this.partsOf() };
    // Past the built-in cache, keys are strings: a custom store needs one, and the coalescing map uses it.
    const text = keyString(key.parts);
    if (this.cache) {
      const hit = await this.cacheCall("read", () => this.cache!.get(text));
      if (hit !== undefined) return hit;
    }
    let pending = this.inflight.get(text);
    if (pending === undefined) {
      pending = this.fetch(flagKey, context, key, text, options);
      this.inflight.set(text, pending);
      const done = () => this.inflight.delete(text);
      pending.then(done, done);
    }
    try {
      return await pending;
    } catch (error) {
      return this.fallback(flagKey, this.causeOf(error), error as ApiError, options);
    }
  }

  private async fetch(flagKey: string, context: Context | undefined, key: CacheKey, text: string, options: FlagCheckOptions): Promise<Result> {
    const args: Record<string, unknown> = { [this.spec.flagKeyParam]: flagKey };
    for (const field of this.spec.contextFields) {
      const map = (context as Record<string, unknown> | undefined)?.[field];
      if (map !== undefined) args[field] = map;
    }
    const result = await this.core.request(this.spec.operation, args, { timeoutMs: options.timeoutMs, maxRetries: options.maxRetries });
    // Cached results are shared by every caller: freeze them so that one caller cannot change another's answer.
    deepFreeze(result);
    if (this.memory) this.memory.set(key, { result, value: this.valueOf(result) });
    else if (this.cache) await this.cacheCall("write", () => this.cache!.set(text, result, this.maxAgeMs));
    return result;
  }

  /** A custom store that fails must not fail the check: it is reported, and the check goes on without it. */
  private async cacheCall<T>(what: string, call: () => T | Promise<T>): Promise<T | undefined> {
    try {
      const value = call();
      return isThenable(value) ? await value : value;
    } catch (error) {
      this.settings.logger?.warn?.(`flag cache ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private causeOf(error: unknown): FlagFallback {
    if (!(error instanceof ApiError)) throw error;
    if (error instanceof TimeoutError) return "timeout";
    if (error instanceof ConnectionError) return "connection";
    if (error.statusCode === 429) return "rate_limited";
    if (error.statusCode === 404) return "unknown_flag";
    if (error.statusCode !== undefined && error.statusCode >= 500) return "server_error";
    return "error";
  }

  private fallback(flagKey: string, cause: FlagFallback, error: ApiError | undefined, options: FlagCheckOptions): Result {
    const given = options.defaultValue;
    const value = typeof given === "function" ? given() === true : (given ?? this.defaults.get(flagKey) ?? false);
    const { fields } = this.spec;
    const source = given !== undefined ? "the call's default" : this.defaults.has(flagKey) ? "the flag default" : "false";
    if (error) this.settings.logger?.warn?.(`flag "${flagKey}": answered with ${source} (${value}) because ${FALLBACK_TEXT[cause]}: ${error.message}`);
    const result: Record<string, unknown> = {
      [fields.flag]: flagKey,
      [fields.value]: value,
      [fields.reason]: `Answered with ${source} because ${FALLBACK_TEXT[cause]}`,
      fallback: cause,
    };
    if (error) result[fields.error] = error.message;
    return result as Result;
  }

  /**
   * The parts of the check hashCheck saw last: its flag key, then for each context map given its field name, its
   * number of entries and its entries sorted by name. Reused from call to call, so that a cache hit allocates
   * nothing; read only synchronously after hashCheck (the matcher, and partsOf before any await).
   */
  private readonly scratch: string[] = [];
  private scratchLength = 0;

  /**
   * Validates a check's arguments, records its parts in `scratch`, and hashes them. Map key order does not matter,
   * and no two different checks have the same parts.
   */
  private hashCheck(flagKey: string, context: Context | undefined): number {
    checkFlagKey(flagKey);
    const scratch = this.scratch;
    scratch[0] = flagKey;
    let length = 1;
    // The hash covers what varies; field names and counts, from the manifest, enter as small numbers.
    let hash = hashString(HASH_SEED, flagKey);
    if (context !== undefined && context !== null) {
      if (typeof context !== "object" || Array.isArray(context)) {
        throw new InvalidArgumentError(`flag context must be an object such as { company: { id: "..." } }, got ${describe(context)}`);
      }
      const fields = this.spec.contextFields;
      for (let f = 0; f < fields.length; f++) {
        const field = fields[f]!;
        const map = (context as Record<string, ContextMap | undefined>)[field];
        if (map === undefined) continue;
        if (typeof map !== "object" || map === null || Array.isArray(map)) {
          throw new InvalidArgumentError(`flag context "${field}" must be an object of strings, got ${describe(map)}`);
        }
        const names = sortedNames(map);
        scratch[length++] = field;
        scratch[length++] = String(names.length);
        hash = hashNumber(hashNumber(hash, f), names.length);
        for (let i = 0; i < names.length; i++) {
          const name = names[i]!;
          const value = map[name];
          if (typeof value !== "string") {
            throw new InvalidArgumentError(`flag context "${field}.${name}" must be a string, got ${describe(value)}`);
          }
          scratch[length++] = name;
          scratch[length++] = value;
          hash = hashString(hashString(hash, name), value);
        }
      }
    }
    this.scratchLength = length;
    return finishHash(hash);
  }

  /** Whether stored parts are those of the check hashCheck saw last. */
  private readonly matcher = (parts: readonly string[]): boolean => {
    const length = this.scratchLength;
    if (parts.length !== length) return false;
    const scratch = this.scratch;
    for (let i = 0; i < length; i++) if (parts[i] !== scratch[i]) return false;
    return true;
  };

  /** A copy of the parts of the check hashCheck saw last, to keep. */
  private partsOf(): string[] {
    return this.scratch.slice(0, this.scratchLength);
  }
}

function checkFlagKey(flagKey: unknown): void {
  if (typeof flagKey !== "string" || flagKey === "") throw new InvalidArgumentError(`flag key must be a non-empty string, got ${describe(flagKey)}`);
}

/** A settled promise can be shared by every caller: a cache hit then allocates nothing at all. */
const RESOLVED_TRUE = Promise.resolve(true);
const RESOLVED_FALSE = Promise.resolve(false);

const NO_NAMES: readonly string[] = [];
/** Reused for the common one-key map, so that a cache hit allocates no array. */
const oneName: string[] = [""];

/**
 * The keys of a context map in name order. A one-key map (the common case) is read without allocating: the result
 * is then a shared array, valid until the next call.
 */
function sortedNames(map: ContextMap): readonly string[] {
  let count = 0;
  let first = "";
  for (const name in map) {
    if (!Object.hasOwn(map, name)) continue;
    if (++count > 1) break;
    first = name;
  }
  if (count === 0) return NO_NAMES;
  if (count === 1) {
    oneName[0] = first;
    return oneName;
  }
  return Object.keys(map).sort();
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}
