import { ApiPromise, type DescribeResponse, type Exchanged } from "./api-promise.js";
import { ApiError } from "./errors.js";
import type { RequestOptions } from "./options.js";
import { describe } from "./url.js";

/**
 * How an operation's pages follow one another. Parameter names are the argument object's (TypeScript) names; field
 * names are the decoded result's.
 * - offset: the next page starts `items.length` further on (`offset`), `limit` items a page;
 * - page: the next page is the page number plus one (`page`, counted from `firstPage`), `perPage` items a page;
 * - cursor: the next page is asked for with the result's `nextCursor` field as the `cursor` parameter.
 * For offset and page, a page is the last when it holds fewer items than a page holds: the `limit`/`perPage`
 * parameter when the call gives one (at most the size the API documents as its maximum), else the size of the first
 * page (the server's default), which the following requests then send as that parameter. A cursor list ends when a
 * response names no next cursor; one that names a cursor of the pages before it is refused (the pages would cycle).
 */
export type PaginationSpec = {
  /** Field of the result that holds the items; absent when the result is the list itself. */
  readonly items?: string;
  /** The documented maximum of the page-size parameter: a server answers at most this many, whatever is asked. */
  readonly maxPageSize?: number;
} & (
  | { readonly style: "offset"; readonly offset: string; readonly limit: string }
  | { readonly style: "page"; readonly page: string; readonly perPage: string; readonly firstPage: number }
  | { readonly style: "cursor"; readonly cursor: string; readonly nextCursor: string }
);

type Params = Readonly<Record<string, unknown>>;

/** The items of a decoded result (none when null or left out, as servers do for an empty list); an ApiError when the server answered something else. */
export function pageItems<Item>(spec: PaginationSpec, result: unknown, where: string): Item[] {
  const items = spec.items === undefined ? result : (result as Record<string, unknown> | null)?.[spec.items];
  if (items === null || items === undefined) return [];
  if (!Array.isArray(items)) {
    const what = spec.items === undefined ? "a list" : `a list in "${spec.items}"`;
    throw new ApiError(`${where} answered a page without ${what} (got ${describe(items)})`);
  }
  return items as Item[];
}

/** The cursors a chain of pages was asked with, newest first: how a cycle is seen. */
export interface CursorTrail {
  readonly cursor: unknown;
  readonly before: CursorTrail | undefined;
}

/** How many cursors back a cycle is looked for: longer cycles are left to the caller's loop. */
const CURSORS_REMEMBERED = 1_000;

/**
 * The trail of the page `params` asked for, after the pages of `before`; refuses the page when its `next` names a
 * cursor one of those pages was asked with (the pages would cycle for ever).
 */
export function trailOf(spec: PaginationSpec, params: Params, next: Params | null, before: CursorTrail | undefined, where: string): CursorTrail | undefined {
  if (spec.style !== "cursor") return undefined;
  const trail = { cursor: params[spec.cursor], before };
  if (next === null) return trail;
  const cursor = next[spec.cursor];
  let link: CursorTrail | undefined = trail;
  for (let steps = 0; link !== undefined && steps < CURSORS_REMEMBERED; steps++, link = link.before) {
    if (link.cursor === cursor) throw new ApiError(`${where} answered a cursor it was already asked with (${describe(cursor)}): the pages would never end`);
  }
  return trail;
}

/** The arguments of the page after the one `params` asked for and `result` answered; null when that was the last. */
export function followPage(spec: PaginationSpec, params: Params, result: unknown, items: readonly unknown[]): Params | null {
  if (spec.style === "cursor") {
    // A filtering server may answer an empty page that still names the next: only the cursor ends the list.
    const next = (result as Record<string, unknown> | null)?.[spec.nextCursor];
    return next === null || next === undefined || next === "" ? null : { ...params, [spec.cursor]: next };
  }
  if (items.length === 0) return null;
  const sizeParam = spec.style === "offset" ? spec.limit : spec.perPage;
  const asked = params[sizeParam];
  const pageSize = Math.min(typeof asked === "number" && asked > 0 ? asked : items.length, spec.maxPageSize ?? Infinity);
  if (items.length < pageSize) return null;
  // A call without a page size asks the next pages for the size the first had: the server's default.
  const sized = typeof asked === "number" && asked > 0 ? params : { ...params, [sizeParam]: pageSize };
  if (spec.style === "offset") {
    const offset = typeof params[spec.offset] === "number" ? (params[spec.offset] as number) : 0;
    return { ...sized, [spec.offset]: offset + items.length };
  }
  const page = typeof params[spec.page] === "number" ? (params[spec.page] as number) : spec.firstPage;
  return { ...sized, [spec.page]: page + 1 };
}

/** What every page of one list call shares: how pages follow one another, how one is fetched and shown, the call's options. */
export interface PageSource {
  readonly spec: PaginationSpec;
  /** Sends one page's request: the client's retries, timeouts and the call's options apply to each page alike. */
  readonly fetch: (params: Params, options: RequestOptions) => Promise<Exchanged<unknown>>;
  readonly describe: DescribeResponse;
  readonly options: RequestOptions;
  /** The operation, for messages ("GET /companies"). */
  readonly where: string;
}

/** The message of a call for the page after the last. */
export const lastPageMessage = (where: string) => `${where}: this is the last page; check hasNextPage() first`;

/**
 * One page of a list: its items, and the way to the next. Iterating a page (`for await`) yields its items and then
 * those of every following page, each fetched only when the loop reaches it; `break` fetches no more.
 */
export class Page<Item> implements AsyncIterable<Item> {
  readonly items: Item[];
  /** The arguments of the next page's request, null after the last page; for the sync client's worker. */
  readonly next: Params | null;
  readonly #source: PageSource;
  readonly #trail: CursorTrail | undefined;

  constructor(source: PageSource, params: Params, result: unknown, before?: CursorTrail) {
    const { spec, where } = source;
    this.items = pageItems<Item>(spec, result, where);
    this.next = followPage(spec, params, result, this.items);
    this.#trail = trailOf(spec, params, this.next, before, where);
    this.#source = source;
  }

  hasNextPage(): boolean {
    return this.next !== null;
  }

  /** The page after this one; an ApiError (status 0 never sent) when this is the last: ask hasNextPage() first. */
  getNextPage(): PagePromise<Item> {
    if (this.next === null) return PagePromise.rejected(new ApiError(lastPageMessage(this.#source.where)));
    return pagePromise(this.#source, this.next, this.#trail);
  }

  /** This page and each one after it, fetched as the loop asks for it. */
  async *pages(): AsyncGenerator<Page<Item>, void, undefined> {
    let page: Page<Item> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }
}

/** A list call's answer: awaited, its first page; iterated with `for await`, every item of every page. */
export class PagePromise<Item> extends ApiPromise<Page<Item>> implements AsyncIterable<Item> {
  static rejected<Item>(error: unknown): PagePromise<Item> {
    return new PagePromise<Item>(Promise.reject(error));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    yield* await this;
  }
}

/** The page of a list that `params` asks for, after the pages of `before`, beside its response. */
export function fetchPage<Item>(source: PageSource, params: Params, before?: CursorTrail): Promise<Exchanged<Page<Item>>> {
  return source.fetch(params, source.options).then(({ data, response }) => ({ data: new Page<Item>(source, params, data, before), response }));
}

/** That page as a PagePromise. */
export function pagePromise<Item>(source: PageSource, params: Params, before?: CursorTrail): PagePromise<Item> {
  return new PagePromise<Item>(fetchPage<Item>(source, params, before), source.describe);
}
