/**
 * A cache key as a list of strings and a hash of them. Comparing parts avoids building a key string on every cache
 * lookup: building and then hashing such a string costs several times more than this hash, and a cached flag check
 * is mostly that.
 */
export interface CacheKey {
  readonly hash: number;
  readonly parts: readonly string[];
}

export const HASH_SEED = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/**
 * Adds a string to an FNV-1a-style hash, two UTF-16 units per step (half the loop iterations of one per step, on the
 * hottest path of a cached flag check), closed by its length.
 */
export function hashString(hash: number, text: string): number {
  const length = text.length;
  let i = 0;
  for (; i + 1 < length; i += 2) hash = Math.imul(hash ^ (text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)), FNV_PRIME);
  if (i < length) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return Math.imul(hash ^ (length + 0x10000000), FNV_PRIME);
}

/** Adds a small number (a position, a count) to a hash. */
export function hashNumber(hash: number, value: number): number {
  return Math.imul(hash ^ (value + 0x100), FNV_PRIME);
}

/** Kept to 30 bits so that V8 stores it unboxed as a Map key. */
export function finishHash(hash: number): number {
  return hash & 0x3fffffff;
}

export function hashParts(parts: readonly string[]): number {
  let hash = HASH_SEED;
  for (let p = 0; p < parts.length; p++) hash = hashString(hash, parts[p]!);
  return finishHash(hash);
}

export function cacheKey(parts: readonly string[]): CacheKey {
  return { hash: hashParts(parts), parts };
}

export function sameParts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The key as one unambiguous string (every part length-prefixed), for stores keyed by strings. */
export function keyString(parts: readonly string[]): string {
  let text = "";
  for (let i = 0; i < parts.length; i++) text += parts[i]!.length + ":" + parts[i]!;
  return text;
}
