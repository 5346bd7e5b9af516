import { ApiError } from "../errors.js";
import { lastPageMessage, type CursorTrail } from "../pagination.js";

/** Sends one page's request through the worker and answers that page (after the pages of `trail`). */
export type SyncPageFetcher<Item> = (params: Readonly<Record<string, unknown>>, trail: CursorTrail | undefined) => SyncPage<Item>;

/**
 * One page of a list, for the sync client: its items, and the way to the next. Iterating a page (`for ... of`) yields
 * its items and then those of every following page, each fetched, blocking, only when the loop reaches it.
 */
export class SyncPage<Item> implements Iterable<Item> {
  readonly #fetch: SyncPageFetcher<Item>;
  readonly #where: string;
  readonly #trail: CursorTrail | undefined;

  constructor(
    readonly items: Item[],
    /** The arguments of the next page's request, null after the last page. */
    readonly next: Readonly<Record<string, unknown>> | null,
    fetch: SyncPageFetcher<Item>,
    where: string,
    trail: CursorTrail | undefined,
  ) {
    this.#fetch = fetch;
    this.#where = where;
    this.#trail = trail;
  }

  hasNextPage(): boolean {
    return this.next !== null;
  }

  /** The page after this one; throws an ApiError when this is the last: ask hasNextPage() first. */
  getNextPage(): SyncPage<Item> {
    if (this.next === null) throw new ApiError(lastPageMessage(this.#where));
    return this.#fetch(this.next, this.#trail);
  }

  /** This page and each one after it, fetched as the loop asks for it. */
  *pages(): Generator<SyncPage<Item>, void, undefined> {
    let page: SyncPage<Item> = this;
    yield page;
    while (page.hasNextPage()) {
      page = page.getNextPage();
      yield page;
    }
  }

  *[Symbol.iterator](): Generator<Item, void, undefined> {
    for (const page of this.pages()) yield* page.items;
  }
}
