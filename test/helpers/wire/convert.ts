/**
 * The oracle's converters between the caller's shapes (camelCase, Date for date-times) and wire shapes, written from
 * the manifest's rules (README, "Editing the manifest") and never from the runtime's codecs: where the two disagree,
 * one of them has a bug.
 */
import type { IrApi, IrObjectType, IrTypeRef, IrUnionType } from "../../../generator/ir.js";
import { objectNamed, setOwn, typeNamed } from "./manifest.js";

type Direction = "toWire" | "fromWire";
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** What the client should send for a caller's value of `type`. */
export const toWire = (api: IrApi, type: IrTypeRef, value: unknown): unknown => convert(api, type, value, "toWire");

/** What the client should return for a wire value of `type`. */
export const fromWire = (api: IrApi, type: IrTypeRef, wire: unknown): unknown => convert(api, type, wire, "fromWire");

function convert(api: IrApi, type: IrTypeRef, value: unknown, direction: Direction): unknown {
  if (value === null || value === undefined) return value;
  switch (type.kind) {
    case "primitive":
    case "date":
      return value;
    case "dateTime":
      if (direction === "toWire") return value instanceof Date ? value.toISOString() : value;
      return typeof value === "string" ? new Date(value) : value;
    case "list":
      return Array.isArray(value) ? value.map((item) => convert(api, type.item, item, direction)) : value;
    case "map": {
      if (!isObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) setOwn(out, key, convert(api, type.value, item, direction));
      return out;
    }
    case "ref": {
      const named = typeNamed(api, type.name);
      if (named.kind === "enum") return value;
      if (named.kind === "object") return convertObject(api, named, value, direction);
      return convertUnion(api, named, value, direction);
    }
  }
}

/** Only the manifest's fields cross, renamed; an absent (undefined) field stays absent. */
function convertObject(api: IrApi, object: IrObjectType, value: unknown, direction: Direction): unknown {
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const property of object.properties) {
    const [from, to] = direction === "toWire" ? [property.tsName, property.wireName] : [property.wireName, property.tsName];
    if (!Object.hasOwn(value, from) || value[from] === undefined) continue;
    setOwn(out, to, convert(api, property.type, value[from], direction));
  }
  return out;
}

/**
 * A discriminated union goes by its tag, an unknown one kept as `{ unknownVariant: { tag, raw } }` and sent back as
 * `raw`; an untagged one by the README's rule: among the variants whose required fields are all present, the one
 * whose fields explain most of the value's keys, ties to the manifest's order.
 */
function convertUnion(api: IrApi, union: IrUnionType, value: unknown, direction: Direction): unknown {
  if (!isObject(value)) return value;
  const { discriminator } = union;
  if (discriminator) {
    const tagName = direction === "toWire" ? discriminator.tsName : discriminator.wireName;
    const tag = typeof value[tagName] === "string" ? (value[tagName] as string) : undefined;
    const variant = discriminator.mapping.find(([known]) => known === tag)?.[1];
    if (variant !== undefined) return convertObject(api, objectNamed(api, variant), value, direction);
    if (direction === "fromWire") return { unknownVariant: { tag, raw: value } };
    return (value.unknownVariant as { raw: unknown }).raw;
  }
  const nameOf = (p: IrObjectType["properties"][number]) => (direction === "toWire" ? p.tsName : p.wireName);
  const keys = Object.keys(value).filter((key) => value[key] !== undefined);
  let best: IrObjectType | undefined;
  let bestUnknown = Infinity;
  for (const name of union.variants) {
    const variant = objectNamed(api, name);
    if (!variant.properties.filter((p) => p.required).every((p) => value[nameOf(p)] !== undefined)) continue;
    const unknown = keys.filter((key) => !variant.properties.some((p) => nameOf(p) === key)).length;
    if (unknown < bestUnknown) [best, bestUnknown] = [variant, unknown];
  }
  if (best === undefined) throw new Error(`wire harness: no variant of ${union.name} fits ${JSON.stringify(value)}`);
  return convertObject(api, best, value, direction);
}
