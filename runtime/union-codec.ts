/**
 * Discriminated unions: a tag field says which variant a value is. A tag this SDK does not know (the server added a
 * variant after the SDK was generated) is neither an error nor lost: the value is kept as
 * `{ unknownVariant: { tag, raw } }`, `raw` being the object exactly as received, and sending that value back sends
 * `raw` unchanged. Generated types make the unknown case a member of the union, so a `switch` over the known tags
 * alone does not type-check as exhaustive.
 */
import { invalidValue, isPlainObject, resolve, type Codec, type CodecRef } from "./codec.js";
import { describe } from "./url.js";

/** A value of a discriminated union whose tag this SDK does not know, as it was received. */
export interface UnknownVariantData {
  /** The tag as the server sent it; undefined when it sent none, or not a string. */
  readonly tag: string | undefined;
  /** The object as received, in wire names; sent back unchanged when the value is passed in a request. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface DiscriminatedUnionSpec {
  /** The tag field's name on the wire, and in TypeScript. */
  readonly wireTag: string;
  readonly tag: string;
  /** Tag value and the codec of its variant: pairs rather than an object, so a tag such as "__proto__" stays data. */
  readonly variants: readonly (readonly [tag: string, codec: CodecRef])[];
}

/** Where the unknown case is kept; generator/ir.ts UNKNOWN_VARIANT_MEMBER names the same member. */
const UNKNOWN = "unknownVariant";

const ownString = (value: Record<string, unknown>, name: string): string | undefined =>
  Object.hasOwn(value, name) && typeof value[name] === "string" ? (value[name] as string) : undefined;

export function discriminatedUnionCodec<T>(spec: DiscriminatedUnionSpec): Codec<T> {
  const variants = new Map(spec.variants);
  const codecOf = (tag: string | undefined) => (tag !== undefined && variants.has(tag) ? resolve(variants.get(tag)!) : undefined);
  return {
    fromWire(wire) {
      if (!isPlainObject(wire)) return wire as T;
      const tag = ownString(wire, spec.wireTag);
      const codec = codecOf(tag);
      if (codec) return codec.fromWire(wire) as T;
      const unknown: UnknownVariantData = { tag, raw: wire };
      return { [UNKNOWN]: unknown } as T;
    },
    toWire(value) {
      if (!isPlainObject(value)) return value;
      const codec = codecOf(ownString(value, spec.tag));
      if (codec) return codec.toWire(value);
      const unknown = Object.hasOwn(value, UNKNOWN) ? value[UNKNOWN] : undefined;
      const untagged = !Object.hasOwn(value, spec.tag) || value[spec.tag] === undefined;
      if (untagged && isPlainObject(unknown) && isPlainObject(unknown.raw)) return unknown.raw;
      const known = [...variants.keys()].map((tag) => JSON.stringify(tag)).join(", ");
      // The objects and lists around this value add their names to the path as the error travels up.
      throw invalidValue(spec.tag, `must be one of ${known} (a value received with an unknown tag is sent back as it is), got ${describe(untagged ? undefined : value[spec.tag])}`);
    },
  };
}
