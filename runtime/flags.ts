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

/** What the built-in cache holds: the result, and its answer read out once so that a hit reads one known field. */
interface Cached<Result> {
  readonly result: Result;
  readonly value: boolean;
}

/**
 * What the async and the sync checker share, all of it synchronous: argument checks, the cache and its hits, flag
 * defaults and fallback answers. Subclasses add the one thing that differs, how a miss reaches the service.
 */
abstract class FlagRules<Result extends object> {
  protected readonly cache: CacheProvider<Result> | undefined;
  /** Set when the cache is the built-in one: its hits are answered without a promise round trip. */
  protected readonly memory: LruCache<Cached<Result>> | undefined;
  protected readonly maxAgeMs: number;
  private readonly valueField: string;
  private readonly defaults = new Map<string, boolean>();

  constructor(
    protected readonly spec: FlagCheckSpec<Result>,
    protected readonly settings: FlagCheckSettings<Result>,
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

  protected valueOf(result: Result): boolean {
    return (result as Record<string, unknown>)[this.valueField] === true;
  }

  /** The built-in cache's entry for the check hashCheck saw last, if any. */
  protected memoryHit(hash: number): Cached<Result> | undefined {
    return this.memory?.getMatching(hash, this.matcher);
  }

  /** The operation's arguments for a check: the flag key and the context maps given. */
  protected argsOf(flagKey: string, context: Context | undefined): Record<string, unknown> {
    const args: Record<string, unknown> = { [this.spec.flagKeyParam]: flagKey };
    for (const field of this.spec.contextFields) {
      const map = (context as Record<string, unknown> | undefined)?.[field];
      if (map !== undefined) args[field] = map;
    }
    return args;
  }

  /** Freezes a fresh result and keeps it in the built-in cache; returns whether a custom store should keep it. */
  protected remember(key: CacheKey, result: Result): boolean {
    // Cached results are shared by every caller: freeze them so that one caller cannot change another's answer.
    deepFreeze(result);
    if (this.memory) this.memory.set(key, { result, value: this.valueOf(result) });
    return this.cache !== undefined;
  }

  protected reportCacheFailure(what: string, error: unknown): undefined {
    this.settings.logger?.warn?.(`flag cache ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }

  /** Bad arguments are the caller's to fix, and other failures are bugs: only service failures become a default. */
  protected causeOf(error: unknown): FlagFallback {
    if (!(error instanceof ApiError) || error instanceof InvalidArgumentError) throw error;
    if (error instanceof TimeoutError) return "timeout";
    if (error instanceof ConnectionError) return "connection";
    if (error.statusCode === 429) return "rate_limited";
    if (error.statusCode === 404) return "unknown_flag";
    if (error.statusCode !== undefined && error.statusCode >= 500) return "server_error";
    return "error";
  }

  protected fallback(flagKey: string, cause: FlagFallback, error: ApiError | undefined, options: FlagCheckOptions): Result {
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
  protected hashCheck(flagKey: string, context: Context | undefined): number {
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

  /** The cache key of the check hashCheck saw last, to keep. */
  protected keyOf(hash: number): CacheKey {
    return { hash, parts: this.scratch.slice(0, this.scratchLength) };
  }
}

/**
 * Boolean checks over one operation: cached, coalesced, and answered from defaults when the service cannot answer.
 * A check throws only for bad arguments, never because the service is down.
 */
export class FlagChecker<Result extends object> extends FlagRules<Result> {
  private readonly inflight = new Map<string, Promise<Result>>();

  constructor(
    private readonly core: ClientCore,
    spec: FlagCheckSpec<Result>,
    settings: FlagCheckSettings<Result>,
  ) {
    super(spec, settings);
  }

  check(flagKey: string, context?: Context, options?: FlagCheckOptions): Promise<boolean> {
    try {
      const hash = this.hashCheck(flagKey, context);
      const hit = this.memoryHit(hash);
      if (hit !== undefined) return hit.value ? RESOLVED_TRUE : RESOLVED_FALSE;
      return this.evaluate(flagKey, context, hash, options).then((result) => this.valueOf(result));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async checkWithEntitlement(flagKey: string, context?: Context, options?: FlagCheckOptions): Promise<Result & { fallback?: FlagFallback }> {
    return this.evaluate(flagKey, context, this.hashCheck(flagKey, context), options);
  }

  /** Answers the check hashCheck saw last; must be called synchronously after it. */
  private async evaluate(flagKey: string, context: Context | undefined, hash: number, options: FlagCheckOptions = {}): Promise<Result> {
    if (this.settings.offline) return this.fallback(flagKey, "offline", undefined, options);
    const memoryHit = this.memoryHit(hash);
    if (memoryHit !== undefined) return memoryHit.result;
    const key = this.keyOf(hash);
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
    const args = this.argsOf(flagKey, context);
    const result = await this.core.request(this.spec.operation, args, { timeoutMs: options.timeoutMs, maxRetries: options.maxRetries });
    if (this.remember(key, result)) await this.cacheCall("write", () => this.cache!.set(text, result, this.maxAgeMs));
    return result;
  }

  /** A custom store that fails must not fail the check: it is reported, and the check goes on without it. */
  private async cacheCall<T>(what: string, call: () => T | Promise<T>): Promise<T | undefined> {
    try {
      const value = call();
      return isThenable(value) ? await value : value;
    } catch (error) {
      return this.reportCacheFailure(what, error);
    }
  }
}

/** A flag-check request made synchronously: returns the service's result or throws its ApiError. */
export type SyncFlagFetch<Result> = (args: Record<string, unknown>, options: { timeoutMs?: number; maxRetries?: number }) => Result;

/**
 * The synchronous checker of the sync client: the same rules, cache and defaults as FlagChecker, answered in the
 * calling thread; only a miss blocks, on `fetch`. A custom cache store must answer synchronously here.
 */
export class SyncFlagChecker<Result extends object> extends FlagRules<Result> {
  constructor(
    private readonly fetch: SyncFlagFetch<Result>,
    spec: FlagCheckSpec<Result>,
    settings: FlagCheckSettings<Result>,
  ) {
    super(spec, settings);
  }

  check(flagKey: string, context?: Context, options?: FlagCheckOptions): boolean {
    const hash = this.hashCheck(flagKey, context);
    const hit = this.memoryHit(hash);
    if (hit !== undefined) return hit.value;
    return this.valueOf(this.evaluate(flagKey, context, hash, options));
  }

  checkWithEntitlement(flagKey: string, context?: Context, options?: FlagCheckOptions): Result & { fallback?: FlagFallback } {
    return this.evaluate(flagKey, context, this.hashCheck(flagKey, context), options);
  }

  /** Answers the check hashCheck saw last. */
  private evaluate(flagKey: string, context: Context | undefined, hash: number, options: FlagCheckOptions = {}): Result {
    if (this.settings.offline) return this.fallback(flagKey, "offline", undefined, options);
    const memoryHit = this.memoryHit(hash);
    if (memoryHit !== undefined) return memoryHit.result;
    const key = this.keyOf(hash);
    const text = this.cache ? keyString(key.parts) : "";
    if (this.cache) {
      const hit = this.cacheCall("read", () => this.cache!.get(text));
      if (hit !== undefined) return hit;
    }
    let result: Result;
    try {
      result = this.fetch(this.argsOf(flagKey, context), { timeoutMs: options.timeoutMs, maxRetries: options.maxRetries });
    } catch (error) {
      return this.fallback(flagKey, this.causeOf(error), error as ApiError, options);
    }
    if (this.remember(key, result)) this.cacheCall("write", () => this.cache!.set(text, result, this.maxAgeMs));
    return result;
  }

  /** As in FlagChecker, a failing store is reported and skipped; so is one that answers with a promise. */
  private cacheCall<T>(what: string, call: () => T | Promise<T>): T | undefined {
    try {
      const value = call();
      if (isThenable(value)) {
        void Promise.resolve(value).catch(() => undefined);
        throw new Error("the sync client needs a cache store that answers synchronously, and this one returned a promise");
      }
      return value;
    } catch (error) {
      return this.reportCacheFailure(what, error);
    }
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
