import type { ClientCore } from "./client-core.js";
import type { ApiError } from "./errors.js";
import { argsFromParts, keyString, type CacheKey } from "./cache-key.js";
import type { BreakerTicket } from "./circuit-breaker.js";
import { FlagCheckerBase, isThenable, type Context, type FlagCheckOptions, type FlagCheckSettings, type FlagCheckSpec } from "./flag-checker-base.js";
import { fallbackCause, type FlagFallback } from "./flag-fallback.js";

export type { FlagCacheOption, FlagCacheOptions, FlagCheckOptions, FlagCheckSettings, FlagCheckSpec } from "./flag-checker-base.js";
export type { FlagFallback } from "./flag-fallback.js";

/** Marks a custom store's read that outlasted the check's budget. */
const READ_TIMED_OUT: unique symbol = Symbol("read timed out");

/**
 * Boolean checks over one operation: cached, coalesced, and answered from defaults when the service cannot answer.
 * A check throws only for bad arguments, never because the service is down, and never waits on a custom cache store
 * longer than its budget.
 */
export class FlagChecker<Result extends object> extends FlagCheckerBase<Result> {
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
      const hash = this.hashCheck(flagKey, context, options);
      const hit = this.memoryHit(hash);
      if (hit !== undefined) return hit.value ? RESOLVED_TRUE : RESOLVED_FALSE;
      return this.evaluate(flagKey, hash, options).then((result) => this.valueOf(result));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async checkWithEntitlement(flagKey: string, context?: Context, options?: FlagCheckOptions): Promise<Result & { fallback?: FlagFallback }> {
    return this.evaluate(flagKey, this.hashCheck(flagKey, context, options), options);
  }

  /** Answers the check hashCheck saw last; must be called synchronously after it. */
  private async evaluate(flagKey: string, hash: number, options: FlagCheckOptions = {}): Promise<Result> {
    if (this.settings.offline) return this.fallback(flagKey, "offline", undefined, options);
    const memoryHit = this.memoryHit(hash);
    if (memoryHit !== undefined) return memoryHit.result;
    // Taken before the first await: from here on the check is this key, whatever the caller does to its context.
    const key = this.keyOf(hash);
    // Past the built-in cache, keys are strings: a custom store needs one, and the coalescing map uses it.
    const text = keyString(key.parts);
    if (this.cache) {
      const hit = await this.readStore(text, this.budgetMs(options));
      if (hit !== undefined) return this.storeHit(key, hit);
    }
    let pending = this.inflight.get(text);
    if (pending === undefined) {
      const ticket = this.admit();
      if (ticket === undefined) return this.fallback(flagKey, "circuit_open", undefined, options);
      pending = this.fetch(key, text, options, ticket);
      this.inflight.set(text, pending);
      const done = () => this.inflight.delete(text);
      pending.then(done, done);
    }
    try {
      return await pending;
    } catch (error) {
      return this.fallback(flagKey, fallbackCause(error), error as ApiError, options);
    }
  }

  private async fetch(key: CacheKey, text: string, options: FlagCheckOptions, ticket: BreakerTicket): Promise<Result> {
    let result: Result;
    try {
      const answer = await this.core.request(this.spec.operation, argsFromParts(key.parts, this.spec.flagKeyParam), this.requestOptions(options, ticket));
      result = this.validResult(answer);
    } catch (error) {
      this.settle(ticket, error);
      throw error;
    }
    this.settle(ticket, undefined);
    if (this.remember(key, result)) this.writeStore(text, result);
    return result;
  }

  /**
   * A custom store's entry. A store that fails, or has not answered within `budgetMs`, must not fail or hold up the
   * check: it is reported, and the check asks the service as on a miss.
   */
  private async readStore(text: string, budgetMs: number): Promise<Result | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = this.cache!.get(text);
      if (!isThenable(answer)) return answer;
      // Kept referenced: the check's caller awaits it, so the process must not exit before it answers.
      const late = new Promise<typeof READ_TIMED_OUT>((resolve) => (timer = setTimeout(resolve, budgetMs, READ_TIMED_OUT)));
      const hit = await Promise.race([answer, late]);
      if (hit !== READ_TIMED_OUT) return hit;
      this.log.warn("flag cache read timed out", `flag cache read did not answer within ${budgetMs} ms: treated as a miss, the check asks the service`);
      return undefined;
    } catch (error) {
      return this.reportCacheFailure("read", error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stores a fresh result without waiting: the check has its answer, and a store that hangs must not hold it. */
  private writeStore(text: string, result: Result): void {
    try {
      const written = this.cache!.set(text, result, this.maxAgeMs);
      if (isThenable(written)) written.then(undefined, (error: unknown) => this.reportCacheFailure("write", error));
    } catch (error) {
      this.reportCacheFailure("write", error);
    }
  }
}

/** A settled promise can be shared by every caller: a cache hit then allocates nothing at all. */
const RESOLVED_TRUE = Promise.resolve(true);
const RESOLVED_FALSE = Promise.resolve(false);
