/**
 * Converters between the SDK's camelCase shapes and the API's wire shapes. Generated code describes each model as a
 * table of fields; the logic lives here once. Values of map fields are never converted.
 */
import { InvalidArgumentError } from "./errors.js";
import { isCalendarDate } from "./calendar-date.js";
import { describe } from "./url.js";

export interface Codec<T = unknown> {
  toWire(value: T): unknown;
  fromWire(wire: unknown): T;
  /** An object codec's field names in the shape each direction reads: unions use them to tell how well a value fits. */
  readonly fieldNames?: { readonly toWire: ReadonlySet<string>; readonly fromWire: ReadonlySet<string> };
}

/**
 * A codec built on first use: a package of hundreds of models then costs nothing to import for the models a program
 * never sends or reads.
 */
export function lazyCodec<T>(build: () => Codec<T>): Codec<T> {
  let codec: Codec<T> | undefined;
  const built = () => (codec ??= build());
  return {
    toWire: (value) => built().toWire(value),
    fromWire: (wire) => built().fromWire(wire),
    get fieldNames() {
      return built().fieldNames;
    },
  };
}

/** A codec, or a function returning one: lets generated tables refer to models declared later. */
export type CodecRef = Codec<any> | (() => Codec<any>);

/** A field of a model: its wire name, and a codec when its value needs converting. */
export type FieldSpec = string | readonly [wireName: string, codec: CodecRef];

export const resolve = (ref: CodecRef): Codec<any> => (typeof ref === "function" ? ref() : ref);

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** A value a codec refuses to send; the objects, lists and maps around it add where it sits as it travels up. */
class InvalidValueError extends InvalidArgumentError {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path === "" ? "value" : `"${path}"`} ${problem}`);
  }

  /** The same problem, one level further out: `step` is a field name or a list index such as "[2]". */
  within(step: string): InvalidValueError {
    const path = this.path === "" || this.path.startsWith("[") ? step + this.path : `${step}.${this.path}`;
    return new InvalidValueError(path, this.problem);
  }
}

/** The error for a value a codec refuses to send: `path` is where in the value, the containers around it prefix theirs. */
export const invalidValue = (path: string, problem: string): InvalidArgumentError => new InvalidValueError(path, problem);

/** Converts one value towards the wire, naming `step` in the error when the value is refused. */
function sendValue(codec: Codec<any>, value: unknown, step: string): unknown {
  try {
    return codec.toWire(value);
  } catch (error) {
    throw error instanceof InvalidValueError ? error.within(step) : error;
  }
}

/**
 * Calendar dates stay the strings they are on the wire, so no time zone can shift them; sending checks the form,
 * receiving passes the server's value through.
 */
export const dateCodec: Codec<string> = {
  toWire: (value) => {
    if (typeof value === "string" && isCalendarDate(value)) return value;
    const shown = (value as unknown) instanceof Date ? 'a Date (pass the day as a string such as "2025-01-31")' : describe(value);
    throw new InvalidValueError("", `must be a calendar date written YYYY-MM-DD, got ${shown}`);
  },
  fromWire: (wire) => wire as string,
};

export const dateTimeCodec: Codec<Date> = {
  toWire: (value) => (value instanceof Date ? value.toISOString() : value),
  fromWire: (wire) => (typeof wire === "string" ? new Date(wire) : (wire as Date)),
};

export function listCodec<T>(item: CodecRef): Codec<T[]> {
  return {
    toWire: (value) => (Array.isArray(value) ? value.map((v, i) => (v == null ? v : sendValue(resolve(item), v, `[${i}]`))) : value),
    fromWire: (wire) => (Array.isArray(wire) ? wire.map((v) => (v == null ? v : resolve(item).fromWire(v))) : (wire as T[])),
  };
}

export function mapCodec<T>(value: CodecRef): Codec<Record<string, T>> {
  // Object.fromEntries defines own properties, so a "__proto__" key stays data.
  const convertValue = (v: unknown, key: string, direction: "toWire" | "fromWire") =>
    direction === "toWire" ? sendValue(resolve(value), v, key) : resolve(value).fromWire(v);
  const convert = (input: unknown, direction: "toWire" | "fromWire") =>
    isPlainObject(input)
      ? Object.fromEntries(Object.entries(input).map(([k, v]) => [k, v == null ? v : convertValue(v, k, direction)]))
      : input;
  return {
    toWire: (input) => convert(input, "toWire"),
    fromWire: (wire) => convert(wire, "fromWire") as Record<string, T>,
  };
}

/** One field of a compiled table: source name, target name, codec (resolved on first use). */
interface CompiledField {
  from: string;
  to: string;
  codec: CodecRef | undefined;
  resolved: Codec<any> | undefined;
  /** A name every object inherits ("constructor", "toString"...): only an own property counts. */
  inherited: boolean;
}

/** Sets a property as data: assigning "__proto__" would set the prototype instead, and the value would not be sent. */
/** Sets a field as data: a "__proto__" name is defined rather than assigned, so it never changes the prototype. */
export function setField(output: Record<string, unknown>, name: string, value: unknown): void {
  if (name === "__proto__") Object.defineProperty(output, name, { value, enumerable: true, writable: true, configurable: true });
  else output[name] = value;
}

/** Whether an object holds a field: an inherited name ("constructor", "__proto__") counts only as an own property. */
const hasField = (value: Record<string, unknown>, name: string) =>
  value[name] !== undefined && (!(name in Object.prototype) || Object.hasOwn(value, name));

function convertObject(input: unknown, fields: CompiledField[], direction: "toWire" | "fromWire"): unknown {
  if (!isPlainObject(input)) return input;
  const output: Record<string, unknown> = {};
  // Walks the model's own fields (a short fixed list) rather than the input's keys: unknown keys cost nothing.
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const value = input[field.from];
    if (value === undefined || (field.inherited && !Object.hasOwn(input, field.from))) continue;
    if (value === null || field.codec === undefined) {
      setField(output, field.to, value);
    } else {
      field.resolved ??= resolve(field.codec);
      const converted = direction === "toWire" ? sendValue(field.resolved, value, field.from) : field.resolved.fromWire(value);
      setField(output, field.to, converted);
    }
  }
  return output;
}

/** Fields the table does not name are dropped in both directions. */
export function objectCodec<T>(fields: Readonly<Record<string, FieldSpec>>): Codec<T> {
  const toWire: CompiledField[] = [];
  const fromWire: CompiledField[] = [];
  for (const [tsName, spec] of Object.entries(fields)) {
    const [wireName, codec] = typeof spec === "string" ? [spec, undefined] : spec;
    toWire.push({ from: tsName, to: wireName, codec, resolved: undefined, inherited: tsName in Object.prototype });
    fromWire.push({ from: wireName, to: tsName, codec, resolved: undefined, inherited: wireName in Object.prototype });
  }
  return {
    toWire: (value) => convertObject(value, toWire, "toWire"),
    fromWire: (wire) => convertObject(wire, fromWire, "fromWire") as T,
    fieldNames: { toWire: new Set(toWire.map((field) => field.from)), fromWire: new Set(fromWire.map((field) => field.from)) },
  };
}

export interface UnionVariant {
  /** Required field names of the variant, camelCase and wire, used to recognise it. */
  readonly required: readonly string[];
  readonly requiredWire: readonly string[];
  readonly codec: CodecRef;
}

/** How many of a value's keys a variant's fields leave unexplained; without its field names, none. */
function unknownKeys(value: Record<string, unknown>, codec: Codec<any>, direction: "toWire" | "fromWire"): number {
  const known = codec.fieldNames?.[direction];
  if (known === undefined) return 0;
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key) && value[key] !== undefined && !known.has(key)) count++;
  return count;
}

/**
 * A union without a discriminator, told apart as well as the data allows. A value belongs to a variant whose required
 * fields it all has; when several qualify, to the one whose fields account for most of the value's keys (fewest keys
 * it does not know), ties going to the variant listed first (the manifest's order). When none qualifies, to the
 * variant with the most required fields present, so that snake_case keys are still converted.
 */
export function unionCodec<T>(variants: readonly UnionVariant[]): Codec<T> {
  const pick = (value: unknown, direction: "toWire" | "fromWire"): Codec<any> | undefined => {
    if (!isPlainObject(value)) return undefined;
    const names = direction === "toWire" ? "required" : "requiredWire";
    let best: Codec<any> | undefined;
    let bestUnknown = Infinity;
    let closest: UnionVariant | undefined;
    let closestPresent = -1;
    for (const variant of variants) {
      const present = variant[names].filter((name) => hasField(value, name)).length;
      if (present === variant[names].length) {
        const codec = resolve(variant.codec);
        const unknown = unknownKeys(value, codec, direction);
        if (unknown < bestUnknown) [best, bestUnknown] = [codec, unknown];
      } else if (present > closestPresent) {
        [closest, closestPresent] = [variant, present];
      }
    }
    return best ?? (closest && resolve(closest.codec));
  };
  return {
    toWire: (value) => (pick(value, "toWire")?.toWire(value) ?? value),
    fromWire: (wire) => (pick(wire, "fromWire")?.fromWire(wire) ?? wire) as T,
  };
}

/** For values that are the same in both shapes (primitives, enums, user maps). */
export const identityCodec: Codec<any> = { toWire: (value) => value, fromWire: (wire) => wire };
