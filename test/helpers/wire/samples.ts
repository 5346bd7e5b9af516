/**
 * Wire values made from a manifest's types, one per case: case 0 has every optional field, case 1 none of them
 * (and one-item lists), case 2 nulls in every nullable place, and so on in threes; a union takes its variants in
 * turn, one per three cases (so each appears in all three forms), and for a discriminated union the last "variant" is
 * a tag this SDK does not know.
 */
import type { IrApi, IrObjectType, IrTypeRef } from "../../../generator/ir.js";
import { objectNamed, setOwn, typeNamed } from "./manifest.js";
import { AWKWARD_STRINGS, pick } from "./seeded.js";

export interface SampleContext {
  api: IrApi;
  random: () => number;
  caseIndex: number;
  /** Responses carry a field the manifest does not know, which the client must drop. */
  withUnlistedFields: boolean;
}

export const UNLISTED_FIELD = "field_not_in_manifest";
export const UNKNOWN_TAG = "tag-from-the-future";
const MAX_DEPTH = 5;
const DATES = ["2024-02-29", "1999-12-31", "2025-01-02"];

export const optionalAbsent = (caseIndex: number) => caseIndex % 3 === 1;
export const nullableNull = (caseIndex: number) => caseIndex % 3 === 2;

export function wireSample(context: SampleContext, type: IrTypeRef, depth = 0): unknown {
  const { random, caseIndex } = context;
  if (type.nullable && (nullableNull(caseIndex) || depth > MAX_DEPTH)) return null;
  switch (type.kind) {
    case "primitive":
      switch (type.name) {
        case "string":
          return pick(random, AWKWARD_STRINGS);
        case "integer":
          return 1 + Math.floor(random() * 1000);
        case "number":
          return Math.floor(random() * 1000) + 0.25;
        case "boolean":
          return random() < 0.5;
        case "any":
          return { any_key: ["text", 1, null, { deep_key: true }] };
      }
      break;
    case "date":
      return pick(random, DATES);
    case "dateTime":
      return new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 2e11)).toISOString();
    case "list": {
      const length = depth > MAX_DEPTH ? 0 : optionalAbsent(caseIndex) ? 1 : 2;
      return Array.from({ length }, () => wireSample(context, type.item, depth + 1));
    }
    case "map": {
      if (depth > MAX_DEPTH) return {};
      const keys = optionalAbsent(caseIndex) ? ["only key"] : ["first key", "second/key[1]"];
      return Object.fromEntries(keys.map((key) => [key, wireSample(context, type.value, depth + 1)]));
    }
    case "ref":
      return refSample(context, type.name, depth);
  }
}

/** How many cases it takes for every union variant reachable from `type` to appear in all three forms. */
export function casesFor(api: IrApi, type: IrTypeRef | undefined, seen = new Set<string>()): number {
  return 3 * choicesFor(api, type, seen);
}

/** The most choices a union reachable from `type` has (1 when none is). */
function choicesFor(api: IrApi, type: IrTypeRef | undefined, seen: Set<string>): number {
  if (type === undefined) return 1;
  if (type.kind === "list") return choicesFor(api, type.item, seen);
  if (type.kind === "map") return choicesFor(api, type.value, seen);
  if (type.kind !== "ref" || seen.has(type.name)) return 1;
  seen.add(type.name);
  const named = typeNamed(api, type.name);
  if (named.kind === "enum") return 1;
  if (named.kind === "union") {
    const own = named.variants.length + (named.discriminator ? 1 : 0);
    return Math.max(own, ...named.variants.map((v) => choicesFor(api, { kind: "ref", name: v, nullable: false }, seen)));
  }
  return Math.max(1, ...named.properties.map((p) => choicesFor(api, p.type, seen)));
}

function refSample(context: SampleContext, name: string, depth: number): unknown {
  const named = typeNamed(context.api, name);
  if (named.kind === "enum") return named.values[context.caseIndex % named.values.length];
  if (named.kind === "object") return objectSample(context, named, depth);
  const { discriminator, variants } = named;
  const choices = variants.length + (discriminator ? 1 : 0);
  const index = Math.floor(context.caseIndex / 3) % choices;
  const variant = objectNamed(context.api, variants[index % variants.length]!);
  if (!discriminator) return objectSample(context, variant, depth);
  const tag = index === variants.length ? UNKNOWN_TAG : discriminator.mapping.find(([, v]) => v === variant.name)![0];
  return objectSample(context, variant, depth, [discriminator.wireName, tag]);
}

function objectSample(context: SampleContext, object: IrObjectType, depth: number, tag?: [string, string]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const property of object.properties) {
    const absent = !property.required && (optionalAbsent(context.caseIndex) || depth > MAX_DEPTH);
    if (tag && property.wireName === tag[0]) setOwn(out, property.wireName, tag[1]);
    else if (property.const !== undefined) setOwn(out, property.wireName, property.const);
    else if (!absent) setOwn(out, property.wireName, wireSample(context, property.type, depth + 1));
  }
  if (context.withUnlistedFields) out[UNLISTED_FIELD] = "the client drops this";
  return out;
}
