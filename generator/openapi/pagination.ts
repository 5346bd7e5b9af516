import { fieldOf, type Manifest } from "../manifest.js";
import { manifestShape } from "../capabilities/pagination/check.js";
import { pagingFit, withDefaults } from "../capabilities/pagination/styles.js";
import type { ManifestPagination, ManifestPagingStyle } from "../capabilities/pagination/types.js";

/** Parameter pairs of numbered pages, as APIs commonly name them. */
const PAGE_STYLES: ManifestPagingStyle[] = [
  { style: "offset" },
  { style: "page" },
  { style: "page", perPage: "page_size" },
  { style: "page", perPage: "pageSize" },
  { style: "page", perPage: "limit" },
];
const CURSOR_PARAMS = ["cursor", "starting_after", "after", "page_token", "pageToken"];
// Not `next`: APIs use it as often for the next page's URL, which is no cursor parameter.
const NEXT_CURSOR_FIELDS = ["next_cursor", "nextCursor", "next_page_token", "nextPageToken"];

/** The cursor styles an operation could have: a common cursor parameter, and a result with one list and a next-cursor field. */
function cursorStyles(op: Manifest["resources"][string]["operations"][string], data: Manifest): ManifestPagingStyle[] {
  const cursor = CURSOR_PARAMS.find((name) => op.query !== undefined && Object.hasOwn(op.query, name));
  const result = op.response.type;
  if (cursor === undefined || result === undefined || !Object.hasOwn(data.types, result)) return [];
  const properties = data.types[result]!.properties ?? {};
  const lists = Object.entries(properties).filter(([, field]) => fieldOf(field).type.startsWith("list<"));
  const nextCursor = NEXT_CURSOR_FIELDS.find((name) => Object.hasOwn(properties, name));
  if (lists.length !== 1 || nextCursor === undefined) return [];
  return [{ style: "cursor", cursor, nextCursor, items: lists[0]![0] }];
}

/**
 * The pagination section an imported manifest gets: the style most list operations fit (the common parameter pairs:
 * offset/limit, page/per_page and its variants, a cursor parameter with a next-cursor field) as the default, and an
 * entry for each operation that fits only another; undefined when no operation pages.
 */
export function recognisePagination(data: Manifest): ManifestPagination | undefined {
  const fits = new Map<string, { style: ManifestPagingStyle; operations: string[] }>();
  for (const [resourceName, resource] of Object.entries(data.resources)) {
    for (const [opName, op] of Object.entries(resource.operations)) {
      const shape = manifestShape(op, data);
      const style = [...PAGE_STYLES, ...cursorStyles(op, data)].find((candidate) => !("problem" in pagingFit(shape, withDefaults(candidate))));
      if (style === undefined) continue;
      const key = JSON.stringify(style);
      const entry = fits.get(key) ?? { style, operations: [] };
      entry.operations.push(`${resourceName}.${opName}`);
      fits.set(key, entry);
    }
  }
  const ranked = [...fits.values()].sort((a, b) => b.operations.length - a.operations.length);
  if (ranked.length === 0) return undefined;
  const [common, ...others] = ranked;
  const operations = Object.fromEntries(others.flatMap(({ style, operations }) => operations.map((name) => [name, style] as const)).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { default: common!.style, ...(others.length > 0 ? { operations } : {}) };
}
