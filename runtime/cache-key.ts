import { setField } from "./codec.js";
import { InvalidArgumentError } from "./errors.js";
import { describe } from "./url.js";

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

/**
 * The keys of flag checks. A check's parts are its flag key, then for each context map given its field name, its
 * number of entries and its entries sorted by name: map key order does not matter, and no two different checks have
 * the same parts. The parts of the check hashed last are kept in a list reused from call to call, so that a cache hit
 * allocates nothing; read them only synchronously after `hash` (the matcher, and `keyOf` before any await).
 */
export class CheckKeys {
  private readonly scratch: string[] = [];
  private length = 0;

  /** `contextFields`: the names of the context maps, from the manifest. */
  constructor(private readonly contextFields: readonly string[]) {}

  /** Validates a check's flag key and context, records its parts, and hashes them. */
  hash(flagKey: string, context: object | undefined): number {
    checkFlagKey(flagKey);
    const scratch = this.scratch;
    scratch[0] = flagKey;
    let length = 1;
    // The hash covers what varies; field names and counts, from the manifest, enter as small numbers.
    let hash = hashString(HASH_SEED, flagKey);
    if (context !== undefined && context !== null) {
      if (!isPlainObject(context)) {
        throw new InvalidArgumentError(`flag context must be an object such as { company: { id: "..." } }, got ${describeValue(context)}`);
      }
      const fields = this.contextFields;
      for (let f = 0; f < fields.length; f++) {
        const field = fields[f]!;
        const map = context[field];
        if (map === undefined) continue;
        if (!isPlainObject(map)) {
          throw new InvalidArgumentError(`flag context "${field}" must be an object of strings, got ${describeValue(map)}`);
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
    this.length = length;
    return finishHash(hash);
  }

  /** Whether stored parts are those of the check hashed last. */
  readonly matches = (parts: readonly string[]): boolean => {
    const length = this.length;
    if (parts.length !== length) return false;
    const scratch = this.scratch;
    for (let i = 0; i < length; i++) if (parts[i] !== scratch[i]) return false;
    return true;
  };

  /** The key of the check hashed last, to keep: a copy of its parts. */
  keyOf(hash: number): CacheKey {
    return { hash, parts: this.scratch.slice(0, this.length) };
  }
}

/**
 * The arguments of a check's request, rebuilt from its key parts: a copy taken at the call, so that a caller who
 * reuses and changes its context object afterwards (while a custom store is read) changes neither the request nor the
 * key its answer is stored under.
 */
export function argsFromParts(parts: readonly string[], flagKeyParam: string): Record<string, unknown> {
  const args: Record<string, unknown> = { [flagKeyParam]: parts[0] };
  for (let i = 1; i < parts.length; ) {
    const field = parts[i]!;
    const end = i + 2 + 2 * Number(parts[i + 1]);
    const map: Record<string, string> = {};
    for (i += 2; i < end; i += 2) setField(map, parts[i]!, parts[i + 1]);
    args[field] = map;
  }
  return args;
}

export function checkFlagKey(flagKey: unknown): void {
  if (typeof flagKey !== "string" || flagKey === "") throw new InvalidArgumentError(`flag key must be a non-empty string, got ${describe(flagKey)}`);
}

/**
 * Whether a value was made by `{}` or `Object.create(null)`: a Map, a Date or a class instance as a context would be
 * sent as `{}` or a string, and its answer cached. The `constructor` read is the cheap test, on every check: an
 * inherited property V8 caches, where Object.getPrototypeOf added ~30 ns to a ~180 ns cached check. A map with an
 * own "constructor" entry, one without a prototype, or a plain object of another realm (a vm context) takes the other.
 */
function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== "object" || value === null) return false;
  if ((value as { constructor?: unknown }).constructor === Object) return true;
  return isPlainSlow(value);
}

function isPlainSlow(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return true;
  return !Array.isArray(value) && Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(value) === "[object Object]";
}

/** describe(), naming the class of an object that is not plain: "a Map", "a Date", "a Company". */
function describeValue(value: unknown): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return describe(value);
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object that is not a plain object";
}

const NO_NAMES: readonly string[] = [];
/** Reused for the common one-key map, so that a cache hit allocates no array. */
const oneName: string[] = [""];

/**
 * The keys of a context map in name order. A one-key map (the common case) is read without allocating: the result
 * is then a shared array, valid until the next call.
 */
function sortedNames(map: Readonly<Record<string, unknown>>): readonly string[] {
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
