import type { Operation } from "./client-core.js";
import { ApiError, InvalidArgumentError } from "./errors.js";
import { CheckKeys, checkFlagKey, type CacheKey } from "./cache-key.js";
import { CircuitBreaker, type BreakerOutcome, type BreakerTicket } from "./circuit-breaker.js";
import { FALLBACK_TEXT, InvalidFlagResult, OUTAGE_CAUSES, fallbackCause, type FlagFallback } from "./flag-fallback.js";
import { LogLimiter, truncate } from "./log-limiter.js";
import { LruCache, type CacheProvider } from "./lru-cache.js";
import { checkCount, checkPositiveMs, type Logger } from "./options.js";
import { describe } from "./url.js";

/** Longest part of a flag key a log line quotes. */
const KEY_CHARS_IN_LOG = 100;

export interface FlagCacheOptions<Result = unknown> {
  /** Most results kept in memory; 0 keeps none there (with a `store`, the store alone caches). */
  maxSize?: number;
  /** How long a result is used, in milliseconds; a `store` keeps it this long too. */
  maxAgeMs?: number;
  /**
   * A second level behind the in-memory cache, such as a RedisCache shared by the instances of an app: a memory miss
   * reads it before asking the service, and the service's answers go to both.
   */
  store?: CacheProvider<Result>;
}

/** Cache settings of a client: sizes for the built-in cache (and a store behind it), a store alone, or false for none. */
export type FlagCacheOption<Result = unknown> = FlagCacheOptions<Result> | CacheProvider<Result> | false;

/** Optional parts of a CacheProvider shared beyond one client (RedisCache has both). */
interface SharedStore<T> extends CacheProvider<T> {
  /** Called once by each client: the store's view for the client's API key, `namespace` being a hash of the key. */
  scoped?(namespace: string, logger: Logger | undefined): CacheProvider<T>;
  /** True for a store that always answers with a promise: the sync client, which answers in its thread, refuses it. */
  readonly asynchronous?: boolean;
}

export interface FlagCheckOptions {
  /**
   * Answer when the service cannot: wins over the client's flag defaults; a function is called only then. A function
   * that throws or returns something other than a boolean is logged, and the flag's default (else false) is used.
   */
  defaultValue?: boolean | (() => boolean);
  /** Time allowed for each attempt, in milliseconds. */
  timeoutMs?: number;
  /** Retries after a retriable failure. */
  maxRetries?: number;
  /**
   * Time allowed for the whole check when it misses the cache, retries and waits included, in milliseconds; a custom
   * cache store's read gets the same time before it counts as a miss.
   * @default the client's flagCheckTimeoutMs
   */
  totalTimeoutMs?: number;
}

/** What a miss sends with its request. */
export interface FlagRequestOptions {
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  totalTimeoutMs: number;
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
  /** Only hashed, to name the client's entries in a shared store; never kept. */
  apiKey?: string | undefined;
  flagDefaults: Readonly<Record<string, boolean>>;
  offline: boolean;
  logger: Logger | undefined;
  /** Longest time a check that misses the cache waits for the service, retries included, in milliseconds. */
  flagCheckTimeoutMs: number;
  /** The client's bound of a whole call, which flag checks keep too; null for none. */
  totalTimeoutMs: number | null;
  /** Consecutive failed checks after which the circuit opens; 0 disables the circuit breaker. */
  flagCircuitFailures: number;
  /** How long an open circuit answers misses with defaults before one check probes the service, in milliseconds. */
  flagCircuitCooldownMs: number;
}

/** A check's context as the generated client types it (an interface of maps), read field by field. */
export type Context = object;

export const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as PromiseLike<unknown>).then === "function";

/** What the built-in cache holds: the result, and its answer read out once so that a hit reads one known field. */
interface Cached<Result> {
  readonly result: Result;
  readonly value: boolean;
}

/** The answer of a fallback and where it came from, as the reason and the log line name it. */
interface ChosenDefault {
  value: boolean;
  source: string;
}

/**
 * What the async and the sync checker share, all of it synchronous: argument checks, the cache and its hits, flag
 * defaults and fallback answers, the circuit breaker and the bound of a miss, and their log lines. Subclasses add the
 * one thing that differs, how a miss reaches the cache store and the service.
 */
export abstract class FlagCheckerBase<Result extends object> {
  protected readonly cache: CacheProvider<Result> | undefined;
  /** Whether `cache` says it always answers with a promise (see SharedStore). */
  protected readonly asynchronousStore: boolean = false;
  /** Set when the cache is the built-in one: its hits are answered without a promise round trip. */
  protected readonly memory: LruCache<Cached<Result>> | undefined;
  protected readonly maxAgeMs: number;
  private readonly valueField: string;
  private readonly defaults = new Map<string, boolean>();
  /** Log lines of checks: one per cause per interval, so that an outage writes a few lines, not one per check. */
  protected readonly log: LogLimiter;
  /** Undefined when disabled (flagCircuitFailures 0). */
  private readonly breaker: CircuitBreaker | undefined;
  private readonly checkTimeoutMs: number;
  private readonly keys: CheckKeys;
  /** keys.matches, read once: one property load less on every cached check (measured with bench/cache.ts). */
  private readonly matches: (parts: readonly string[]) => boolean;

  protected readonly settings: Omit<FlagCheckSettings<Result>, "apiKey">;

  constructor(
    protected readonly spec: FlagCheckSpec<Result>,
    settings: FlagCheckSettings<Result>,
  ) {
    const { apiKey, ...rest } = settings;
    this.settings = rest;
    const option = settings.cache;
    this.valueField = spec.fields.value;
    this.keys = new CheckKeys(spec.contextFields);
    this.matches = this.keys.matches;
    this.maxAgeMs = spec.cacheDefaults.maxAgeMs;
    let store: SharedStore<Result> | undefined;
    if (option === undefined || (typeof option === "object" && option !== null && !("get" in option))) {
      const { maxSize = spec.cacheDefaults.maxSize, maxAgeMs = spec.cacheDefaults.maxAgeMs } = option ?? {};
      checkCount("cache.maxSize", maxSize);
      this.maxAgeMs = checkPositiveMs("cache.maxAgeMs", maxAgeMs);
      if (maxSize > 0) this.memory = new LruCache<Cached<Result>>(maxSize, maxAgeMs);
      store = option?.store;
    } else if (option !== false) {
      store = option as SharedStore<Result>;
    }
    if (store !== undefined) {
      if (typeof store !== "object" || store === null || typeof store.get !== "function" || typeof store.set !== "function" || typeof store.delete !== "function") {
        throw new InvalidArgumentError("cache must be false, { maxSize, maxAgeMs, store? }, or a CacheProvider with get, set and delete");
      }
      this.cache = typeof store.scoped === "function" ? store.scoped(storeNamespace(apiKey), settings.logger) : store;
      this.asynchronousStore = store.asynchronous === true;
    }
    this.setDefaults(settings.flagDefaults, "flagDefaults");
    const timeoutMs = checkPositiveMs("flagCheckTimeoutMs", settings.flagCheckTimeoutMs);
    this.checkTimeoutMs = settings.totalTimeoutMs == null ? timeoutMs : Math.min(timeoutMs, settings.totalTimeoutMs);
    const failures = checkCount("flagCircuitFailures", settings.flagCircuitFailures);
    const coolDownMs = checkPositiveMs("flagCircuitCooldownMs", settings.flagCircuitCooldownMs);
    if (failures > 0) this.breaker = new CircuitBreaker(failures, coolDownMs);
    this.log = new LogLimiter(settings.logger);
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

  /** Validates a check's arguments and hashes its key (see CheckKeys); what follows must run synchronously after it. */
  protected hashCheck(flagKey: string, context: Context | undefined, options: FlagCheckOptions | undefined): number {
    if (options !== undefined) checkCheckOptions(options);
    return this.keys.hash(flagKey, context);
  }

  /** The cache key of the check hashCheck saw last, to keep. */
  protected keyOf(hash: number): CacheKey {
    return this.keys.keyOf(hash);
  }

  /** The built-in cache's entry for the check hashCheck saw last, if any. */
  protected memoryHit(hash: number): Cached<Result> | undefined {
    return this.memory?.getMatching(hash, this.matches);
  }

  /** Time a miss may take, in milliseconds: the call's totalTimeoutMs, else flagCheckTimeoutMs. */
  protected budgetMs(options: FlagCheckOptions): number {
    return options.totalTimeoutMs ?? this.checkTimeoutMs;
  }

  /** Options of the request a miss sends: bounded as a whole by the check's budget; a probe makes a single attempt. */
  protected requestOptions(options: FlagCheckOptions, ticket: BreakerTicket): FlagRequestOptions {
    return { timeoutMs: options.timeoutMs, maxRetries: ticket === "probe" ? 0 : options.maxRetries, totalTimeoutMs: this.budgetMs(options) };
  }

  /** Whether a miss may ask the service now, and as what: undefined while the circuit is open. */
  protected admit(): BreakerTicket | undefined {
    return this.breaker === undefined ? "request" : this.breaker.admit();
  }

  /** Tells the breaker how a request ended (`error` undefined: it succeeded), and logs what changed. */
  protected settle(ticket: BreakerTicket, error: unknown): void {
    const breaker = this.breaker;
    if (breaker === undefined) return;
    let outcome: BreakerOutcome = "answered";
    if (error !== undefined) {
      const serviceFailure = error instanceof ApiError && !(error instanceof InvalidArgumentError);
      outcome = !serviceFailure ? "unknown" : OUTAGE_CAUSES.has(fallbackCause(error)) ? "failed" : "answered";
    }
    const change = breaker.record(ticket, outcome);
    const why = error instanceof Error ? `: ${error.message}` : "";
    if (change === "opened") {
      this.log.warn(
        "flag circuit opened",
        `flag checks: ${breaker.failureThreshold} checks in a row could not reach the service${why}; for ${breaker.coolDownMs} ms checks that miss the cache answer their default at once, then one check probes the service (circuit open)`,
      );
    } else if (change === "reopened") {
      this.log.warn("flag circuit opened", `flag checks: the probe failed too${why}; defaults again for ${breaker.coolDownMs} ms (circuit open)`);
    } else if (change === "closed") {
      this.log.write("info", "flag circuit closed", "flag checks: the service answers again (circuit closed)");
    }
  }

  /** The service's answer, if it is a flag result; otherwise a failure that the check answers with a default. */
  protected validResult(result: unknown): Result {
    const field = this.valueField;
    const isObject = typeof result === "object" && result !== null && !Array.isArray(result);
    if (isObject && typeof (result as Record<string, unknown>)[field] === "boolean") return result as Result;
    const { method, path } = this.spec.operation;
    const got = isObject ? `"${field}" is ${describe((result as Record<string, unknown>)[field])}` : `got ${describe(result)}`;
    throw new InvalidFlagResult(`${method} ${path} answered with something that is not a flag result: expected an object with a boolean "${field}", ${got}`);
  }

  /** A custom store's answer, kept in the built-in cache too when both are set (two levels). */
  protected storeHit(key: CacheKey, result: Result): Result {
    if (this.memory) {
      deepFreeze(result);
      this.memory.set(key, { result, value: this.valueOf(result) });
    }
    return result;
  }

  /** Freezes a fresh result and keeps it in the built-in cache; returns whether a custom store should keep it. */
  protected remember(key: CacheKey, result: Result): boolean {
    // Cached results are shared by every caller: freeze them so that one caller cannot change another's answer.
    deepFreeze(result);
    if (this.memory) this.memory.set(key, { result, value: this.valueOf(result) });
    return this.cache !== undefined;
  }

  protected reportCacheFailure(what: string, error: unknown): undefined {
    this.log.warn(`flag cache ${what}`, `flag cache ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }

  /** The default a failed check answers, with the reason and an aggregated log line (none when offline). */
  protected fallback(flagKey: string, cause: FlagFallback, error: ApiError | undefined, options: FlagCheckOptions): Result {
    const { value, source } = this.chooseDefault(flagKey, options.defaultValue);
    const { fields } = this.spec;
    if (cause !== "offline") {
      const detail = error ? `: ${error.message}` : "";
      this.log.warn(`flag check fallback (${cause})`, `flag "${truncate(flagKey, KEY_CHARS_IN_LOG)}": answered with ${source} (${value}) because ${FALLBACK_TEXT[cause]}${detail}`);
    }
    const result: Record<string, unknown> = {
      [fields.flag]: flagKey,
      [fields.value]: value,
      [fields.reason]: `Answered with ${source} because ${FALLBACK_TEXT[cause]}`,
      fallback: cause,
    };
    if (error) result[fields.error] = error.message;
    return result as Result;
  }

  /** The call's default, else the flag's, else false; a defaultValue function that fails is logged and skipped. */
  private chooseDefault(flagKey: string, given: FlagCheckOptions["defaultValue"]): ChosenDefault {
    if (typeof given === "boolean") return { value: given, source: "the call's default" };
    if (typeof given === "function") {
      const flag = truncate(flagKey, KEY_CHARS_IN_LOG);
      try {
        const value: unknown = given();
        if (typeof value === "boolean") return { value, source: "the call's default" };
        // An async function: its answer comes too late to use, and its rejection must not go unhandled.
        if (isThenable(value)) value.then(undefined, () => undefined);
        this.log.warn("flag defaultValue not a boolean", `flag "${flag}": options.defaultValue returned ${describe(value)}, not a boolean; the flag default or false is used instead`);
      } catch (error) {
        const why = error instanceof Error ? `${error.name}: ${error.message}` : describe(error);
        this.log.warn("flag defaultValue threw", `flag "${flag}": options.defaultValue threw ${why}; the flag default or false is used instead`);
      }
    }
    const flagDefault = this.defaults.get(flagKey);
    return flagDefault === undefined ? { value: false, source: "false" } : { value: flagDefault, source: "the flag default" };
  }
}

function checkCheckOptions(options: FlagCheckOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError(`flag check options must be an object, got ${describe(options)}`);
  }
  const { defaultValue, timeoutMs, maxRetries, totalTimeoutMs } = options;
  if (defaultValue !== undefined && typeof defaultValue !== "boolean" && typeof defaultValue !== "function") {
    throw new InvalidArgumentError(`options.defaultValue must be a boolean or a function returning one, got ${describe(defaultValue)}`);
  }
  if (timeoutMs !== undefined) checkPositiveMs("options.timeoutMs", timeoutMs);
  if (maxRetries !== undefined) checkCount("options.maxRetries", maxRetries);
  if (totalTimeoutMs !== undefined) checkPositiveMs("options.totalTimeoutMs", totalTimeoutMs);
}

/**
 * How a client's entries are named in a shared store: 16 hex characters of the API key's SHA-256, so that clients of
 * different keys never read each other's answers, and the key itself never leaves the client.
 */
function storeNamespace(apiKey: string | undefined): string {
  // Loaded here, not imported: node:crypto costs milliseconds to load, and only a client with a shared store needs it.
  const { createHash } = process.getBuiltinModule("node:crypto");
  return createHash("sha256").update(apiKey ?? "").digest("hex").slice(0, 16);
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}
