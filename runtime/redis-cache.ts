import { InvalidArgumentError } from "./errors.js";
import { LogLimiter, truncate } from "./log-limiter.js";
import type { CacheProvider } from "./lru-cache.js";
import { checkCount, checkPositiveMs, type Logger } from "./options.js";
import { describe } from "./url.js";

/**
 * Part of every key: bump it when what is stored changes shape, so that an upgraded SDK never reads values an older
 * one wrote (they expire on their own).
 */
export const REDIS_CACHE_FORMAT = "v1";

/** The few commands RedisCache uses, as node-redis 4 to 6 (`createClient()` of the `redis` package) types them. */
export interface RedisClientLike {
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** False while node-redis is not connected: commands would then queue until it reconnects. */
  readonly isReady?: boolean;
}

export interface RedisCacheOptions {
  /** A node-redis client that you create, connect, listen to for "error" and close. */
  client: RedisClientLike;
  /**
   * First part of every key.
   * @default "schematic-flags"
   */
  namespace?: string;
  /**
   * Most entries kept per API key; the oldest writes are removed beyond it.
   * @default 10000
   */
  maxSize?: number;
  /**
   * Time a read may take before it counts as a miss (the check then asks the service), in milliseconds.
   * @default 250
   */
  readTimeoutMs?: number;
  /** Where failures are logged (aggregated); by default the logger of the client the cache is given to. */
  logger?: Logger;
}

/**
 * Writes an entry, indexes it by write time in the namespace's sorted set, and trims that set (expired entries, then
 * the oldest beyond maxSize) in one round trip. Redis's own clock scores entries, so instances with skewed clocks
 * agree. Cost per write: O(log n) for the index, plus O(1) per entry trimmed (usually none or one). The entries trimmed
 * are named from the index, not KEYS: this store needs a single Redis (or a primary), not a cluster.
 * KEYS: entry, index. ARGV: value, maxAgeMs, maxSize.
 */
const SET_SCRIPT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], now, KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if excess > 0 then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
  for i = 1, #oldest do redis.call('DEL', oldest[i]) end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
end
redis.call('PEXPIRE', KEYS[2], ttl)
return excess`;

/** Namespace segment of a store used directly, not through a client (which scopes it to its API key). */
const UNSCOPED = "_";

/** What the views of one RedisCache share. */
interface Shared {
  client: RedisClientLike;
  prefix: string;
  maxSize: number;
  readTimeoutMs: number;
  log: LogLimiter | undefined;
}

/**
 * A flag cache in Redis, shared by every instance of an app: answers are stored as JSON under
 * `<namespace>:<format>:<API key hash>:<check key>` for the client's cache maxAgeMs (Redis expires them), at most
 * maxSize per API key. A client gives it a short SHA-256 hash of its API key through `scoped`; the key itself never
 * reaches Redis. Failures and slow reads are logged (one line per cause per interval) and count as misses: a flag
 * check never fails because of Redis. It answers asynchronously, so only the async client can use it.
 */
export class RedisCache implements CacheProvider<unknown> {
  /** Tells the sync client, whose checks answer in the calling thread, that this store cannot serve it. */
  readonly asynchronous = true;
  readonly #options: RedisCacheOptions;
  #shared: Shared;
  #indexKey: string;
  #entryPrefix: string;
  #log: LogLimiter;

  constructor(options: RedisCacheOptions) {
    this.#options = options;
    this.#shared = sharedOf(options);
    this.#indexKey = `${this.#shared.prefix}:${REDIS_CACHE_FORMAT}:${UNSCOPED}`;
    this.#entryPrefix = `${this.#indexKey}:`;
    this.#log = this.#shared.log ?? new LogLimiter(undefined);
  }

  /**
   * The view of this store that a client uses: `namespace` is a hash of its API key, and failures go to the client's
   * logger unless this store was given its own.
   */
  scoped(namespace: string, logger?: Logger): RedisCache {
    const view = new RedisCache(this.#options);
    view.#shared = this.#shared;
    view.#indexKey = `${this.#shared.prefix}:${REDIS_CACHE_FORMAT}:${namespace}`;
    view.#entryPrefix = `${view.#indexKey}:`;
    view.#log = this.#shared.log ?? new LogLimiter(logger);
    return view;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const { client, readTimeoutMs } = this.#shared;
    if (client.isReady === false) return this.#notReady();
    const entry = this.#entryPrefix + key;
    let timer: NodeJS.Timeout | undefined;
    let text: unknown;
    try {
      const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(resolve, readTimeoutMs, LATE)));
      text = await Promise.race([client.get(entry), late]);
    } catch (error) {
      return this.#failed("read", error);
    } finally {
      clearTimeout(timer);
    }
    if (text === LATE) {
      this.#log.warn("redis cache read timed out", `flag cache: Redis did not answer a read within ${this.#shared.readTimeoutMs} ms; the check asks the service`);
      return undefined;
    }
    if (text === null || text === undefined) return undefined;
    const value = parse(text);
    if (value === undefined) {
      this.#log.warn("redis cache value unreadable", `flag cache: an entry in Redis is not a JSON object (${truncate(describe(text), 80)}); deleted, the check asks the service`);
      void this.delete(key);
    }
    return value as T | undefined;
  }

  async set<T>(key: string, value: T, maxAgeMs: number): Promise<void> {
    const { client, maxSize } = this.#shared;
    if (client.isReady === false) return this.#notReady();
    const args = { keys: [this.#entryPrefix + key, this.#indexKey], arguments: [JSON.stringify(value), String(Math.ceil(maxAgeMs)), String(maxSize)] };
    try {
      // EVAL, not EVALSHA: a write follows a request to the service, so its ~600 bytes of script cost nothing that
      // shows, and there is no NOSCRIPT retry to get wrong after a Redis restart or SCRIPT FLUSH.
      await client.eval(SET_SCRIPT, args);
    } catch (error) {
      this.#failed("write", error);
    }
  }

  async delete(key: string): Promise<void> {
    if (this.#shared.client.isReady === false) return this.#notReady();
    try {
      await this.#shared.client.del(this.#entryPrefix + key);
    } catch (error) {
      this.#failed("delete", error);
    }
  }

  #notReady(): undefined {
    this.#log.warn("redis cache not connected", "flag cache: the Redis client is not connected; checks ask the service until it reconnects");
    return undefined;
  }

  #failed(what: string, error: unknown): undefined {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : describe(error);
    this.#log.warn(`redis cache ${what} failed`, `flag cache: Redis ${what} failed (${why}); the check goes on without the cache`);
    return undefined;
  }
}

const LATE: unique symbol = Symbol("late");

function sharedOf(options: RedisCacheOptions): Shared {
  if (typeof options !== "object" || options === null) throw new InvalidArgumentError(`RedisCache takes { client, namespace?, maxSize?, readTimeoutMs?, logger? }, got ${describe(options)}`);
  const { client, namespace = "schematic-flags", maxSize = 10_000, readTimeoutMs = 250, logger } = options;
  const commands = ["get", "del", "eval"] as const;
  if (typeof client !== "object" || client === null || commands.some((name) => typeof client[name] !== "function")) {
    throw new InvalidArgumentError(`RedisCache needs a node-redis client (createClient() of the "redis" package, version 4 to 6) as "client", got ${describe(client)}`);
  }
  if (typeof namespace !== "string" || namespace === "") throw new InvalidArgumentError(`RedisCache namespace must be a non-empty string, got ${describe(namespace)}`);
  if (checkCount("RedisCache maxSize", maxSize) < 1) throw new InvalidArgumentError("RedisCache maxSize must be 1 or more");
  return {
    client,
    prefix: namespace,
    maxSize,
    readTimeoutMs: checkPositiveMs("RedisCache readTimeoutMs", readTimeoutMs),
    log: logger === undefined ? undefined : new LogLimiter(logger),
  };
}

/** A stored value, if it is a JSON object: anything else (a foreign or damaged entry) is a miss. */
function parse(text: unknown): object | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
