// The pagination manifest section: which operations page and how (defaults, resource and operation entries), the
// errors a wrong section gets at its line and column, and the importer recording the common parameter pairs.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { parseOpenApi } from "../generator/openapi/document.js";
import { importDocument, importOpenApi } from "../generator/openapi/import.js";
import { irOf, lineOf, problems } from "./helpers/manifests.js";
import { repoRoot } from "./helpers/cli.js";

const T = { timeout: 60_000 };

const base = `name: Shelf
title: Shelf API
version: "1"
package: shelf-sdk
defaultServer: main
servers:
  main: { url: https://shelf.example, option: baseUrl }
types:
  Book:
    properties:
      book_id: string
  BookPage:
    properties:
      books: list<Book>
      next_token: string?
resources:
  books:
    operations:
      listBooks:
        method: GET
        path: /books
        query: { limit: integer, offset: integer }
        response: { status: 200, type: list<Book> }
      countBooks:
        method: GET
        path: /books/count
        query: { limit: integer, offset: integer }
        response: { status: 200, type: integer }
      browseBooks:
        method: GET
        path: /books/browse
        query: { token: string, page: integer }
        response: { status: 200, type: BookPage }
  shelves:
    operations:
      listShelves:
        method: GET
        path: /shelves
        query: { page: integer, per_page: integer }
        response: { status: 200, type: list<Book> }
`;
const withSection = (section: string) => `${base}${section}\n`;
const pagingOf = (text: string) =>
  Object.fromEntries(irOf(text).resources.flatMap((r) => r.operations.filter((op) => op.paging).map((op) => [`${r.name}.${op.name}`, op.paging!.style])));

describe("the pagination section", () => {
  it("applies a default to every operation that fits it, resource entries to theirs, operation entries win", T, () => {
    assert.deepEqual(pagingOf(withSection("pagination:\n  default: { style: offset }")), { "books.listBooks": "offset" });
    const text = withSection(`pagination:
  default: { style: offset }
  resources:
    shelves: { style: page }
  operations:
    books.browseBooks: { style: cursor, cursor: token, nextCursor: next_token, items: books }`);
    assert.deepEqual(pagingOf(text), { "books.browseBooks": "cursor", "books.listBooks": "offset", "shelves.listShelves": "page" });
    const cursor = irOf(text).resources[0]!.operations.find((op) => op.name === "browseBooks")!.paging!;
    assert.deepEqual({ ...cursor, item: undefined }, { style: "cursor", cursor: "token", nextCursor: "nextToken", items: "books", item: undefined });
    assert.deepEqual(pagingOf(withSection("pagination:\n  default: { style: offset }\n  operations:\n    books.listBooks: false")), {});
  });

  it("reports an operation named with a style it does not fit, at its key", T, () => {
    const text = withSection("pagination:\n  operations:\n    books.countBooks: { style: offset }\n    books.browseBooks: { style: cursor, cursor: token }");
    const lines = text.split("\n");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${lineOf(lines, "books.countBooks:")}:5: pagination.operations.books.countBooks: books.countBooks cannot page in the offset style: its result is not a list (name the field holding the items with "items")`,
      `manifest.yaml:${lineOf(lines, "books.browseBooks:")}:5: pagination.operations.books.browseBooks: books.browseBooks cannot page in the cursor style: a cursor style needs "items": the response field holding the page's items`,
    ]);
  });

  it("reports unknown resources and operations, and a default no operation fits", T, () => {
    const text = withSection("pagination:\n  default: { style: page, perPage: size }\n  resources:\n    shelfs: { style: page }\n  operations:\n    books.listBook: false");
    const lines = text.split("\n");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${lineOf(lines, "default:")}:12: pagination.default: no operation fits this style: none has its query parameters and a list result`,
      `manifest.yaml:${lineOf(lines, "shelfs:")}:5: pagination.resources.shelfs: unknown resource "shelfs" (did you mean "shelves"?)`,
      `manifest.yaml:${lineOf(lines, "books.listBook:")}:21: pagination.operations.books.listBook: unknown operation "books.listBook" (did you mean "books.listBooks"?)`,
    ]);
  });
});

describe("import-openapi records paging", () => {
  const ok = (schema: unknown) => ({ responses: { "200": { description: "OK", content: { "application/json": { schema } } } } });
  const query = (...names: [string, string][]) => names.map(([name, type]) => ({ name, in: "query", schema: { type } }));

  it("the most common parameter pair as the default, and each operation that fits only another", T, () => {
    const list = { type: "array", items: { $ref: "#/components/schemas/Item" } };
    const doc = parseOpenApi(
      stringify({
        openapi: "3.0.3",
        info: { title: "Shelf", version: "1" },
        servers: [{ url: "https://shelf.example" }],
        paths: {
          "/a": { get: { operationId: "listA", parameters: query(["limit", "integer"], ["offset", "integer"]), ...ok(list) } },
          "/b": { get: { operationId: "listB", parameters: query(["limit", "integer"], ["offset", "integer"]), ...ok(list) } },
          "/c": { get: { operationId: "listC", parameters: query(["page", "integer"], ["page_size", "integer"]), ...ok(list) } },
          "/d": { get: { operationId: "listD", parameters: query(["starting_after", "string"]), ...ok({ $ref: "#/components/schemas/ItemPage" }) } },
          "/e": { get: { operationId: "countE", parameters: query(["limit", "integer"], ["offset", "integer"]), ...ok({ type: "integer" }) } },
        },
        components: {
          schemas: {
            Item: { type: "object", properties: { id: { type: "string" } } },
            ItemPage: { type: "object", properties: { items: list, next_cursor: { type: "string", nullable: true } } },
          },
        },
      }),
      "doc.yaml",
    );
    assert.deepEqual(importDocument(doc, {}).manifest.pagination, {
      default: { style: "offset" },
      operations: {
        "api.listC": { style: "page", perPage: "page_size" },
        "api.listD": { style: "cursor", cursor: "starting_after", nextCursor: "next_cursor", items: "items" },
      },
    });
  });

  it("pages Schematic's list operations by limit and offset", T, async () => {
    const { manifest } = await importOpenApi(path.join(repoRoot, "specs/schematic-openapi.yaml"), { envelope: "data" });
    assert.deepEqual(manifest.pagination, { default: { style: "offset" } });
    const paged = irOf(stringify(manifest)).resources.flatMap((r) => r.operations.filter((op) => op.paging).map((op) => `${r.name}.${op.name}`));
    assert.equal(paged.length, 50);
    assert.ok(paged.includes("companies.listCompanies"));
    assert.ok(!paged.some((name) => /\.count/.test(name)), "count operations take limit and offset but answer a number");
  });
});
