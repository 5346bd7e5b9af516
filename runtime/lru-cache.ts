import { cacheKey, sameParts, type CacheKey } from "./cache-key.js";
import { coarseNow } from "./clock.js";

/** A store for flag-check results. The in-memory LruCache is the default; any store (Redis, ...) can stand in. */
export interface CacheProvider<T> {
  get(key: string): T | undefined | Promise<T | undefined>;
  /** `maxAgeMs` is the client's configured age limit, for stores that expire entries themselves. */
  set(key: string, value: T, maxAgeMs: number): void | Promise<void>;
  delete(key: string): void | Promise<void>;
}

interface Node<T> {
  key: CacheKey;
  value: T;
  expiresAt: number;
  newer: Node<T> | undefined;
  older: Node<T> | undefined;
  /** Next entry whose key has the same hash. */
  sameHash: Node<T> | undefined;
}

/**
 * Least-recently-used cache with a maximum age. Every operation is O(1): a Map from key hash finds the entry (keys
 * that share a hash are chained and told apart by their parts), a linked list keeps recency. Entries expire when
 * read after their age, so no timer runs per entry. Keys are strings, or CacheKeys for callers that avoid building
 * strings.
 */
export class LruCache<T> implements CacheProvider<T> {
  private readonly byHash = new Map<number, Node<T>>();
  private count = 0;
  private newest: Node<T> | undefined;
  private oldest: Node<T> | undefined;

  constructor(
    readonly maxSize: number,
    readonly maxAgeMs: number,
    private readonly now: () => number = coarseNow,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError(`maxSize must be a whole number, 1 or more, got ${maxSize}`);
    if (!(maxAgeMs > 0)) throw new RangeError(`maxAgeMs must be a positive number of milliseconds, got ${maxAgeMs}`);
  }

  get size(): number {
    return this.count;
  }

  get(key: string | CacheKey): T | undefined {
    return this.touch(this.find(typeof key === "string" ? cacheKey([key]) : key));
  }

  /**
   * Looks up by hash, telling keys apart with `matches(parts)` instead of a built key: a caller that can compare its
   * key with stored parts finds an entry without allocating anything.
   */
  getMatching(hash: number, matches: (parts: readonly string[]) => boolean): T | undefined {
    let node = this.byHash.get(hash);
    while (node !== undefined && !matches(node.key.parts)) node = node.sameHash;
    return this.touch(node);
  }

  /** A found entry's value, unless it has expired; reading it makes it the most recent. */
  private touch(node: Node<T> | undefined): T | undefined {
    if (node === undefined) return undefined;
    if (node.expiresAt <= this.now()) {
      this.remove(node);
      return undefined;
    }
    if (node !== this.newest) {
      this.unlink(node);
      this.pushNewest(node);
    }
    return node.value;
  }

  set(key: string | CacheKey, value: T): void {
    const wanted = typeof key === "string" ? cacheKey([key]) : key;
    const expiresAt = this.now() + this.maxAgeMs;
    let node = this.find(wanted);
    if (node !== undefined) {
      node.value = value;
      node.expiresAt = expiresAt;
      if (node !== this.newest) {
        this.unlink(node);
        this.pushNewest(node);
      }
      return;
    }
    if (this.count >= this.maxSize) {
      // Reuse the evicted node: at capacity every set is an eviction, and this keeps it allocation-free.
      node = this.oldest!;
      this.remove(node);
      node.key = wanted;
      node.value = value;
      node.expiresAt = expiresAt;
    } else {
      node = { key: wanted, value, expiresAt, newer: undefined, older: undefined, sameHash: undefined };
    }
    node.sameHash = this.byHash.get(wanted.hash);
    this.byHash.set(wanted.hash, node);
    this.count++;
    this.pushNewest(node);
  }

  delete(key: string | CacheKey): void {
    const node = this.find(typeof key === "string" ? cacheKey([key]) : key);
    if (node !== undefined) this.remove(node);
  }

  clear(): void {
    this.byHash.clear();
    this.count = 0;
    this.newest = this.oldest = undefined;
  }

  /** String keys from most to least recently used, expired ones included: for tests and debugging. */
  keys(): string[] {
    const keys: string[] = [];
    for (let node = this.newest; node !== undefined; node = node.older) keys.push(node.key.parts.join(""));
    return keys;
  }

  private find(key: CacheKey): Node<T> | undefined {
    let node = this.byHash.get(key.hash);
    while (node !== undefined && !sameParts(node.key.parts, key.parts)) node = node.sameHash;
    return node;
  }

  private remove(node: Node<T>): void {
    const first = this.byHash.get(node.key.hash);
    if (first === node) {
      if (node.sameHash === undefined) this.byHash.delete(node.key.hash);
      else this.byHash.set(node.key.hash, node.sameHash);
    } else {
      let before = first;
      while (before !== undefined && before.sameHash !== node) before = before.sameHash;
      if (before !== undefined) before.sameHash = node.sameHash;
    }
    node.sameHash = undefined;
    this.count--;
    this.unlink(node);
  }

  private unlink(node: Node<T>): void {
    if (node.newer) node.newer.older = node.older;
    else this.newest = node.older;
    if (node.older) node.older.newer = node.newer;
    else this.oldest = node.newer;
    node.newer = node.older = undefined;
  }

  private pushNewest(node: Node<T>): void {
    node.older = this.newest;
    node.newer = undefined;
    if (this.newest) this.newest.newer = node;
    this.newest = node;
    this.oldest ??= node;
  }
}
