import { dateCodec, dateTimeCodec, identityCodec, lazyCodec, listCodec, mapCodec, objectCodec, unionCodec, type Codec, type CodecRef, type FieldSpec } from "./codec.js";
import { discriminatedUnionCodec } from "./union-codec.js";

/**
 * How a value converts, as a generated codec table writes it: "t" a date-time, "d" a calendar date, "i" nothing to
 * convert, "#Name" the model Name, ["l", S] a list and ["m", S] a map of values converting as S.
 */
export type ValueShape = string | readonly ["l" | "m", ValueShape];

/** A model's wire shape: an object's fields, a union's variants, or a discriminated union's tag and variants. */
type ModelShape =
  | { o: readonly (readonly [tsName: string, wireName: string, value?: ValueShape])[] }
  | { u: readonly (readonly [required: readonly string[], requiredWire: readonly string[], variant: string])[] }
  | { d: readonly [wireTag: string, tag: string, variants: readonly (readonly [tag: string, variant: string])[]] };

/** The codecs of a package's models. */
export interface CodecTable {
  codec<T>(model: string): Codec<T>;
}

/**
 * The codecs of every model, from one table of JSON texts, each parsed when its model is first converted: a package
 * of hundreds of models loads a few strings instead of code for each, and builds only the codecs a program uses.
 */
export function codecTable(shapes: Readonly<Record<string, string>>): CodecTable {
  const codecs = new Map<string, Codec<any>>();
  const model = (name: string): Codec<any> => {
    let codec = codecs.get(name);
    if (codec === undefined) {
      codec = lazyCodec(() => build(name));
      codecs.set(name, codec);
    }
    return codec;
  };
  const value = (shape: ValueShape): CodecRef => {
    if (typeof shape !== "string") return shape[0] === "l" ? listCodec(value(shape[1])) : mapCodec(value(shape[1]));
    if (shape === "t") return dateTimeCodec;
    if (shape === "d") return dateCodec;
    if (shape === "i") return identityCodec;
    return () => model(shape.slice(1));
  };
  const build = (name: string): Codec<any> => {
    if (!Object.hasOwn(shapes, name)) throw new Error(`codec table: no model ${name}`);
    const shape = JSON.parse(shapes[name]!) as ModelShape;
    if ("o" in shape) {
      // Entries, not assignments: a field named "__proto__" stays a field.
      return objectCodec(Object.fromEntries(shape.o.map(([tsName, wireName, of]): [string, FieldSpec] => [tsName, of === undefined ? wireName : [wireName, value(of)]])));
    }
    if ("u" in shape) return unionCodec(shape.u.map(([required, requiredWire, variant]) => ({ required, requiredWire, codec: () => model(variant) })));
    const [wireTag, tag, variants] = shape.d;
    return discriminatedUnionCodec({ wireTag, tag, variants: variants.map(([value, variant]) => [value, () => model(variant)] as const) });
  };
  return { codec: <T>(name: string) => model(name) as Codec<T> };
}
