import type { IrTypeRef } from "../../ir.js";
import type { ManifestPagination, ManifestPagingStyle } from "./types.js";

/** A style with every parameter and field named (wire names). */
export type PagingWireNames = { items: string | undefined } & (
  | { style: "offset"; offset: string; limit: string }
  | { style: "page"; page: string; perPage: string; firstPage: number }
  | { style: "cursor"; cursor: string; nextCursor: string }
);

/** An operation as the fit rule sees it, from the manifest (checks) or from the IR (normalize). */
export interface PagedOperationShape {
  /** Query parameters by wire name. */
  query: ReadonlyMap<string, IrTypeRef>;
  /** The result type, after the envelope; undefined for no JSON result. */
  result: IrTypeRef | undefined;
  /** The fields of an object type by wire name; undefined for a type that is no object. */
  fieldsOf(typeName: string): ReadonlyMap<string, IrTypeRef> | undefined;
}

export function withDefaults(style: ManifestPagingStyle): PagingWireNames {
  const items = style.items;
  switch (style.style) {
    case "offset":
      return { style: "offset", offset: style.offset ?? "offset", limit: style.limit ?? "limit", items };
    case "page":
      return { style: "page", page: style.page ?? "page", perPage: style.perPage ?? "per_page", firstPage: style.firstPage ?? 1, items };
    case "cursor":
      return { style: "cursor", cursor: style.cursor ?? "cursor", nextCursor: style.nextCursor ?? "next_cursor", items };
  }
}

/** The entry that decides how an operation pages: its own, else its resource's, else the default; and whether it was named for it. */
export function entryFor(section: ManifestPagination, resource: string, operation: string): { style: ManifestPagingStyle | false | undefined; explicit: boolean } {
  const own = section.operations?.[`${resource}.${operation}`];
  if (own !== undefined && Object.hasOwn(section.operations!, `${resource}.${operation}`)) return { style: own, explicit: true };
  return { style: inheritedStyle(section, resource).style, explicit: false };
}

/** The style a resource's operations inherit (its own entry, else the default), and the path of the entry that says so. */
export function inheritedStyle(section: ManifestPagination, resource: string): { style: ManifestPagingStyle | false | undefined; path: string[] } {
  if (section.resources && Object.hasOwn(section.resources, resource)) return { style: section.resources[resource], path: ["pagination", "resources", resource] };
  return { style: section.default, path: ["pagination", "default"] };
}

const isInteger = (type: IrTypeRef | undefined) => type?.kind === "primitive" && (type.name === "integer" || type.name === "number");
const isCursor = (type: IrTypeRef | undefined) => type?.kind === "primitive" && (type.name === "string" || type.name === "integer");

/**
 * Why an operation cannot page in a style (its parameters, its result), or the item type when it can. A page's items
 * are the result when it is a list, else the result's `items` field; a cursor style needs a result object with both.
 */
export function pagingFit(shape: PagedOperationShape, names: PagingWireNames): { item: IrTypeRef } | { problem: string } {
  const params: [string, (type: IrTypeRef | undefined) => boolean, string][] =
    names.style === "offset"
      ? [[names.offset, isInteger, "an integer"], [names.limit, isInteger, "an integer"]]
      : names.style === "page"
        ? [[names.page, isInteger, "an integer"], [names.perPage, isInteger, "an integer"]]
        : [[names.cursor, isCursor, "a string or an integer"]];
  for (const [name, fits, what] of params) {
    if (!shape.query.has(name)) return { problem: `it has no query parameter "${name}"` };
    if (!fits(shape.query.get(name))) return { problem: `its query parameter "${name}" is not ${what}` };
  }
  const result = shape.result;
  if (result === undefined) return { problem: "it answers no JSON result" };
  if (names.items === undefined) {
    if (names.style === "cursor") return { problem: 'a cursor style needs "items": the response field holding the page\'s items' };
    return result.kind === "list" ? { item: result.item } : { problem: "its result is not a list (name the field holding the items with \"items\")" };
  }
  const fields = result.kind === "ref" ? shape.fieldsOf(result.name) : undefined;
  if (fields === undefined) return { problem: `its result is not an object with an "${names.items}" field` };
  const items = fields.get(names.items);
  if (items?.kind !== "list") return { problem: `its result has no list field "${names.items}"` };
  if (names.style === "cursor" && !isCursor(fields.get(names.nextCursor))) {
    return { problem: `its result has no string or integer field "${names.nextCursor}" for the next cursor` };
  }
  return { item: items.item };
}
