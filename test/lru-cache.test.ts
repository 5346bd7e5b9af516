import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LruCache } from "../runtime/lru-cache.js";

function clock(start = 1_000) {
  const time = { now: start };
  return { time, now: () => time.now };
}

describe("LruCache", () => {
  it("hits within its max age and misses after it", () => {
    const { time, now } = clock();
    const cache = new LruCache<string>(10, 100, now);
    cache.set("a", "A");
    time.now += 99;
    assert.equal(cache.get("a"), "A");
    time.now += 1;
    assert.equal(cache.get("a"), undefined);
    assert.equal(cache.size, 0, "an expired entry is dropped when read");
  });

  it("evicts the least recently used entry at capacity; a read makes an entry recent", () => {
    const cache = new LruCache<number>(3, 60_000);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("c", 3);
    assert.equal(cache.get("a"), 1);
    cache.set("d", 4);
    assert.deepEqual(cache.keys(), ["d", "a", "c"]);
    assert.equal(cache.get("b"), undefined);
    cache.set("e", 5);
    assert.deepEqual(cache.keys(), ["e", "d", "a"]);
    assert.equal(cache.size, 3);
  });

  it("setting an existing key replaces its value, renews its age and makes it recent", () => {
    const { time, now } = clock();
    const cache = new LruCache<string>(2, 100, now);
    cache.set("a", "old");
    cache.set("b", "B");
    time.now += 90;
    cache.set("a", "new");
    time.now += 50;
    assert.equal(cache.get("a"), "new");
    assert.equal(cache.get("b"), undefined);
    assert.deepEqual(cache.keys(), ["a"]);
  });

  it("deletes and clears, keeping its order consistent", () => {
    const cache = new LruCache<number>(5, 60_000);
    for (const [i, key] of ["a", "b", "c", "d"].entries()) cache.set(key, i);
    cache.delete("b");
    cache.delete("d");
    cache.delete("missing");
    assert.deepEqual(cache.keys(), ["c", "a"]);
    cache.set("e", 9);
    assert.deepEqual(cache.keys(), ["e", "c", "a"]);
    cache.clear();
    assert.equal(cache.size, 0);
    assert.deepEqual(cache.keys(), []);
    cache.set("f", 1);
    assert.deepEqual(cache.keys(), ["f"]);
  });

  it("holds at most maxSize entries through long churn", () => {
    const cache = new LruCache<number>(100, 60_000);
    for (let i = 0; i < 10_000; i++) cache.set(`k${i % 357}`, i);
    assert.equal(cache.size, 100);
    assert.equal(cache.keys().length, 100);
  });

  it("refuses impossible sizes", () => {
    assert.throws(() => new LruCache(0, 100), RangeError);
    assert.throws(() => new LruCache(1.5, 100), RangeError);
    assert.throws(() => new LruCache(1, 0), RangeError);
  });
});
