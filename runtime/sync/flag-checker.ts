import { argsFromParts, keyString } from "../cache-key.js";
import { InvalidArgumentError, type ApiError } from "../errors.js";
import { FlagCheckerBase, isThenable, type Context, type FlagCheckOptions, type FlagCheckSettings, type FlagCheckSpec, type FlagRequestOptions } from "../flag-checker-base.js";
import { fallbackCause, type FlagFallback } from "../flag-fallback.js";

/** A flag-check request made synchronously: returns the service's result or throws its ApiError. */
export type SyncFlagFetch<Result> = (args: Record<string, unknown>, options: FlagRequestOptions) => Result;

/**
 * The synchronous checker of the sync client: the same rules, cache, defaults and circuit breaker as FlagChecker,
 * answered in the calling thread; only a miss blocks, on `fetch`. A custom cache store must answer synchronously here.
 */
export class SyncFlagChecker<Result extends object> extends FlagCheckerBase<Result> {
  constructor(
    private readonly fetch: SyncFlagFetch<Result>,
    spec: FlagCheckSpec<Result>,
    settings: FlagCheckSettings<Result>,
  ) {
    super(spec, settings);
    if (this.asynchronousStore) {
      throw new InvalidArgumentError(
        "cache: this store (such as RedisCache) answers asynchronously, and the sync client answers checks in the calling thread; use it with the async client, or give the sync client { maxSize, maxAgeMs }",
      );
    }
  }

  check(flagKey: string, context?: Context, options?: FlagCheckOptions): boolean {
    const hash = this.hashCheck(flagKey, context, options);
    const hit = this.memoryHit(hash);
    if (hit !== undefined) return hit.value;
    return this.valueOf(this.evaluate(flagKey, hash, options));
  }

  checkWithEntitlement(flagKey: string, context?: Context, options?: FlagCheckOptions): Result & { fallback?: FlagFallback } {
    return this.evaluate(flagKey, this.hashCheck(flagKey, context, options), options);
  }

  /** Answers the check hashCheck saw last. */
  private evaluate(flagKey: string, hash: number, options: FlagCheckOptions = {}): Result {
    if (this.settings.offline) return this.fallback(flagKey, "offline", undefined, options);
    const memoryHit = this.memoryHit(hash);
    if (memoryHit !== undefined) return memoryHit.result;
    const key = this.keyOf(hash);
    const text = this.cache ? keyString(key.parts) : "";
    if (this.cache) {
      const hit = this.storeCall("read", () => this.cache!.get(text));
      if (hit !== undefined) return this.storeHit(key, hit);
    }
    const ticket = this.admit();
    if (ticket === undefined) return this.fallback(flagKey, "circuit_open", undefined, options);
    let result: Result;
    try {
      result = this.validResult(this.fetch(argsFromParts(key.parts, this.spec.flagKeyParam), this.requestOptions(options, ticket)));
    } catch (error) {
      this.settle(ticket, error);
      return this.fallback(flagKey, fallbackCause(error), error as ApiError, options);
    }
    this.settle(ticket, undefined);
    if (this.remember(key, result)) this.storeCall("write", () => this.cache!.set(text, result, this.maxAgeMs));
    return result;
  }

  /** As in FlagChecker, a failing store is reported and skipped; so is one that answers with a promise. */
  private storeCall<T>(what: string, call: () => T | Promise<T>): T | undefined {
    try {
      const value = call();
      if (isThenable(value)) {
        value.then(undefined, () => undefined);
        throw new Error("the sync client needs a cache store that answers synchronously, and this one returned a promise");
      }
      return value;
    } catch (error) {
      return this.reportCacheFailure(what, error);
    }
  }
}
