// The OpenAPI importer, construct by construct on small documents, and on the whole Schematic document: everything
// is imported or reported with its place, and the manifest it writes validates.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { parseManifest } from "../generator/load.js";
import type { Manifest, ManifestTypeDefinition } from "../generator/manifest.js";
import { OpenApiError, parseOpenApi } from "../generator/openapi/document.js";
import { importDocument, importOpenApi } from "../generator/openapi/import.js";
import { manifestText } from "../generator/openapi/manifest-text.js";
import { validateManifest } from "../generator/validate.js";
import { repoRoot } from "./helpers/cli.js";

const T = { timeout: 60_000 };

const ok = (schema: unknown) => ({ responses: { "200": { description: "OK", content: { "application/json": { schema } } } } });

/** A document with the given paths and schemas (and anything else), as the importer reads a file of it. */
function documentOf(extra: Record<string, unknown>, version = "3.0.3") {
  // A manifest needs an operation: documents of schemas alone get one.
  const { paths = { "/ping": { get: { operationId: "ping", ...ok({ type: "string" }) } } }, schemas = {}, ...rest } = extra;
  const text = stringify({ openapi: version, info: { title: "Shelf API", version: "2.1" }, servers: [{ url: "https://shelf.example" }], paths, components: { schemas }, ...rest });
  return parseOpenApi(text, "doc.yaml");
}

/** Imports a document; the manifest must validate (the importer never writes an invalid one). */
function imported(extra: Record<string, unknown>, options = {}, version?: string) {
  const result = importDocument(documentOf(extra, version), options);
  validateManifest(parseManifest(manifestText(result.manifest, ""), "imported.yaml"));
  return result;
}

const notes = (result: ReturnType<typeof imported>) => result.report.unexpressed.map((u) => `${u.place.line}:${u.place.column} ${u.place.pointer}: ${u.construct} -> ${u.outcome}`);
const typeOf = (manifest: Manifest, name: string): ManifestTypeDefinition => {
  assert.ok(Object.hasOwn(manifest.types, name), `type ${name} in ${Object.keys(manifest.types).join(", ")}`);
  return manifest.types[name]!;
};

describe("import-openapi: names", () => {
  it("resources from the first tag, operations from operationId, made unique by the documented rule", () => {
    const { manifest } = imported({
      paths: {
        "/books": { get: { operationId: "list_books", tags: ["Book Shelf"], ...ok({ type: "string" }) }, post: { tags: ["Book Shelf"], ...ok({ type: "string" }) } },
        "/books/{id}": { delete: { operationId: "delete", tags: ["default"], parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], ...ok({ type: "string" }) } },
        "/other": { get: { operationId: "listBooks", ...ok({ type: "string" }) } },
      },
    });
    assert.deepEqual(
      Object.entries(manifest.resources).map(([name, r]) => [name, Object.keys(r.operations)]),
      [
        ["api", ["listBooksOp"]],
        ["bookShelf", ["listBooks", "postBooks"]],
        ["defaultApi", ["deleteOp"]],
      ],
    );
  });

  it("types from schema names, titles and places; names the generator refuses get Model", () => {
    const { manifest } = imported({
      schemas: {
        "shelf-item": { type: "object", properties: { error: { $ref: "#/components/schemas/Error" }, meta: { type: "object", properties: { a: { type: "string" } } } } },
        Error: { type: "object", properties: { message: { type: "string" } } },
        ApiError: { type: "object", properties: { code: { type: "string" } } },
        Titled: { type: "object", properties: { inner: { type: "object", title: "custom inner", properties: { b: { type: "string" } } } } },
      },
    });
    assert.deepEqual(Object.keys(manifest.types), ["ApiErrorModel", "CustomInner", "ErrorModel", "ShelfItem", "ShelfItemMeta", "Titled"]);
    assert.deepEqual(typeOf(manifest, "ShelfItem").properties, { error: "ErrorModel", meta: "ShelfItemMeta" });
  });
});

describe("import-openapi: schemas", () => {
  it("objects, required, nullable (3.0 and 3.1), enums, lists, maps, dates, allOf merged", () => {
    const schemas = {
      Base: { type: "object", required: ["id"], properties: { id: { type: "string" } } },
      Book: {
        allOf: [{ $ref: "#/components/schemas/Base" }, { type: "object", required: ["title"], properties: { title: { type: "string", description: "Its title." } } }],
        description: "A book.",
      },
      Shelf: {
        type: "object",
        properties: {
          books: { type: "array", items: { $ref: "#/components/schemas/Book" } },
          labels: { type: "object", additionalProperties: { type: "string" } },
          opened: { type: "string", format: "date" },
          touched: { type: "string", format: "date-time", nullable: true },
          kind: { type: "string", enum: ["wood", "steel"] },
          anything: {},
        },
      },
    };
    const { manifest } = imported({ schemas });
    assert.deepEqual(typeOf(manifest, "Book"), { description: "A book.", required: ["id", "title"], properties: { id: "string", title: { type: "string", description: "Its title." } } });
    assert.deepEqual(typeOf(manifest, "Shelf").properties, {
      books: "list<Book>",
      labels: "map<string>",
      opened: "date",
      touched: "date-time?",
      kind: "ShelfKind",
      anything: "any",
    });
    assert.deepEqual(typeOf(manifest, "ShelfKind"), { enum: ["wood", "steel"] });
    const v31 = imported({ schemas: { S: { type: "object", properties: { n: { type: ["integer", "null"] }, o: { oneOf: [{ type: "string" }, { type: "null" }] } } } } }, {}, "3.1.0");
    assert.deepEqual(typeOf(v31.manifest, "S").properties, { n: "integer?", o: "string?" });
  });

  it("unions of objects; unions of scalars typed any and reported; circular schemas", () => {
    const result = imported({
      schemas: {
        Cat: { type: "object", properties: { meows: { type: "boolean" } } },
        Dog: { type: "object", properties: { barks: { type: "boolean" } } },
        Pet: { oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }] },
        Node: { type: "object", properties: { children: { type: "array", items: { $ref: "#/components/schemas/Node" } }, value: { oneOf: [{ type: "string" }, { type: "integer" }] } } },
      },
    });
    assert.deepEqual(typeOf(result.manifest, "Pet"), { oneOf: ["Cat", "Dog"] });
    assert.deepEqual(typeOf(result.manifest, "Node").properties, { children: "list<Node>", value: "any" });
    assert.deepEqual(notes(result), ["43:15 /components/schemas/Node/properties/value/oneOf/0: union variant that is not an object -> the union is typed as any"]);
  });
});

describe("import-openapi: operations", () => {
  const book = { type: "object", required: ["id"], properties: { id: { type: "string" }, published_on: { type: "string", format: "date" } } };
  const err = { type: "object", properties: { message: { type: "string" }, code: { type: "string" } } };
  const errors = { "404": { $ref: "#/components/responses/NotFound" } };
  const components = { schemas: { Book: book, Err: err }, responses: { NotFound: { description: "no", content: { "application/json": { schema: { $ref: "#/components/schemas/Err" } } } } } };

  it("parameters (path-level and operation-level), JSON bodies, 204, errors, envelope", () => {
    const { manifest } = imported({
      components,
      paths: {
        "/books/{book_id}": {
          parameters: [{ name: "book_id", in: "path", required: true, schema: { type: "string" } }, { name: "fields", in: "query", schema: { type: "string" } }],
          get: {
            operationId: "getBook",
            tags: ["books"],
            summary: "One book.",
            parameters: [{ name: "fields", in: "query", required: true, schema: { type: "array", items: { type: "string" } } }],
            responses: { "200": { description: "OK", content: { "application/json": { schema: { type: "object", required: ["data"], properties: { data: { $ref: "#/components/schemas/Book" } } } } } }, ...errors },
          },
          delete: { operationId: "deleteBook", tags: ["books"], responses: { "204": { description: "gone" }, ...errors } },
          patch: {
            operationId: "updateBook",
            tags: ["books"],
            requestBody: { required: true, content: { "application/json": { schema: { type: "object", properties: { title: { type: "string" } } } } } },
            responses: { "200": { description: "OK", content: { "application/json": { schema: { type: "object", required: ["data"], properties: { data: { $ref: "#/components/schemas/Book" } } } } } }, ...errors },
          },
        },
      },
    }, { envelope: "data" });
    assert.deepEqual(manifest.errorBody, { type: "Err", messageField: "message" });
    assert.deepEqual(manifest.resources.books!.operations, {
      deleteBook: { method: "DELETE", path: "/books/{book_id}", pathParams: { book_id: { type: "string" } }, query: { fields: { type: "string" } }, response: { status: 204 } },
      getBook: {
        method: "GET",
        path: "/books/{book_id}",
        description: "One book.",
        pathParams: { book_id: { type: "string" } },
        query: { fields: { type: "list<string>", required: true } },
        response: { status: 200, type: "Book", envelope: "data" },
      },
      updateBook: {
        method: "PATCH",
        path: "/books/{book_id}",
        pathParams: { book_id: { type: "string" } },
        query: { fields: { type: "string" } },
        body: "UpdateBookRequest",
        response: { status: 200, type: "Book", envelope: "data" },
      },
    });
  });

  it("reports what a manifest cannot say, with its place, and what it did instead", () => {
    const result = imported({
      paths: {
        "/a": {
          get: { operationId: "withHeader", parameters: [{ name: "X-Trace", in: "header", schema: { type: "string" } }], ...ok({ type: "string" }) },
          post: { operationId: "needsHeader", parameters: [{ name: "X-Tenant", in: "header", required: true, schema: { type: "string" } }], ...ok({ type: "string" }) },
          put: { operationId: "upload", requestBody: { required: true, content: { "multipart/form-data": { schema: { type: "object" } } } }, ...ok({ type: "string" }) },
          head: { operationId: "peek", ...ok({ type: "string" }) },
        },
        "/b": { get: { operationId: "csv", responses: { "200": { description: "OK", content: { "text/csv": { schema: { type: "string" } } } } } } },
      },
    });
    assert.deepEqual(
      result.report.unexpressed.map((u) => `${u.place.pointer}: ${u.construct} -> ${u.outcome}`),
      [
        "/paths/~1a/head: HEAD operation -> not imported",
        "/paths/~1a/get/parameters/0: header parameter -> parameter left out",
        "/paths/~1a/put/requestBody: request body of multipart/form-data -> operation not imported",
        "/paths/~1a/post/parameters/0: required header parameter -> operation not imported",
      ],
    );
    assert.ok(result.report.unexpressed.every((u) => typeof u.place.line === "number" && typeof u.place.column === "number"));
    assert.deepEqual(result.report.operations, { total: 5, imported: 2 });
    assert.deepEqual(Object.keys(result.manifest.resources.api!.operations), ["csv", "withHeader"]);
    assert.deepEqual(result.manifest.resources.api!.operations.csv!.response, { status: 200, content: "text" });
  });
});

describe("import-openapi: what real documents use", () => {
  it("discriminated unions: the document's mapping, else the component names; literal tags typed as literals", () => {
    const variant = (tag: unknown, extra: Record<string, unknown>) => ({ type: "object", required: ["kind"], properties: { kind: tag, ...extra } });
    const { manifest, report } = imported({
      schemas: {
        Kind: { type: "string", enum: ["cat", "dog"] },
        Cat: variant({ $ref: "#/components/schemas/Kind" }, { meows: { type: "boolean" } }),
        Dog: variant({ type: "string", enum: ["dog"] }, { barks: { type: "boolean" } }),
        Pet: { oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }], discriminator: { propertyName: "kind", mapping: { cat: "#/components/schemas/Cat" } } },
        Bird: variant({ type: "string" }, {}),
        Fish: variant({ type: "string" }, {}),
        Animal: { oneOf: [{ $ref: "#/components/schemas/Bird" }, { $ref: "#/components/schemas/Fish" }], discriminator: { propertyName: "kind" } },
        Loose: { oneOf: [{ $ref: "#/components/schemas/Bird" }, variant({ type: "string" }, { x: { type: "string" } })], discriminator: { propertyName: "kind" } },
      },
    });
    assert.deepEqual(typeOf(manifest, "Pet"), { oneOf: ["Cat", "Dog"], discriminator: { field: "kind", mapping: { cat: "Cat" } } });
    assert.deepEqual(typeOf(manifest, "Cat").properties!.kind, "string", "an enum tag becomes a string: the union narrows");
    assert.deepEqual(typeOf(manifest, "Dog").properties!.kind, { type: "string", const: "dog" });
    assert.deepEqual(typeOf(manifest, "Animal").discriminator, { field: "kind", mapping: { Bird: "Bird", Fish: "Fish" } });
    assert.equal(typeOf(manifest, "Loose").discriminator, undefined, "an inline variant without a literal tag cannot be named by a value");
    assert.deepEqual(report.counts(), [["discriminator that does not name every variant by one value", 1]]);
  });

  it("object query parameters in deepObject and form styles; comma-separated lists are reported", () => {
    const param = (name: string, extra: Record<string, unknown>) => ({ name, in: "query", schema: { type: "object", additionalProperties: { type: "string" } }, ...extra });
    const result = imported({
      paths: {
        "/a": {
          get: {
            operationId: "find",
            parameters: [
              param("keys", { style: "deepObject", required: true }),
              param("tags", {}),
              param("spaced", { style: "spaceDelimited" }),
              { name: "ids", in: "query", explode: false, schema: { type: "array", items: { type: "string" } } },
            ],
            ...ok({ type: "string" }),
          },
        },
      },
    });
    assert.deepEqual(result.manifest.resources.api!.operations.find!.query, {
      keys: { type: "map<string>", style: "deepObject", required: true },
      tags: { type: "map<string>", style: "form" },
    });
    assert.deepEqual(result.report.counts(), [
      ["list parameter sent comma-separated (explode: false)", 1],
      ["object query parameter in the spaceDelimited style without explode", 1],
    ]);
  });

  it("binary and text responses, deprecated, limits in docs, int64", () => {
    const { manifest } = imported({
      schemas: {
        Page: {
          type: "object",
          deprecated: true,
          properties: {
            size: { type: "integer", format: "int64", minimum: 1, maximum: 500, exclusiveMaximum: true },
            name: { type: "string", minLength: 1, maxLength: 40, pattern: "^[a-z]+$", deprecated: true },
            tags: { type: "array", items: { type: "string" }, maxItems: 10 },
            bad: { type: "string", minLength: 5, maxLength: 2 },
          },
        },
      },
      paths: {
        "/file": { get: { operationId: "download", deprecated: true, responses: { "200": { description: "OK", content: { "application/pdf": {}, "text/plain": {} } } } } },
        "/csv": { get: { operationId: "csv", responses: { "200": { description: "OK", content: { "text/csv": {} } } } } },
      },
    });
    assert.deepEqual(manifest.resources.api!.operations.download, { method: "GET", path: "/file", deprecated: true, response: { status: 200, content: "binary" } });
    assert.deepEqual(manifest.resources.api!.operations.csv!.response, { status: 200, content: "text" });
    // `Page` is a name the package exports (list methods answer pages): the schema takes the documented suffix.
    assert.deepEqual(typeOf(manifest, "PageModel").properties, {
      size: { type: "integer", minimum: 1, exclusiveMaximum: 500, format: "int64" },
      name: { type: "string", deprecated: true, minLength: 1, maxLength: 40, pattern: "^[a-z]+$" },
      tags: { type: "list<string>", maxItems: 10 },
      bad: "string",
    });
  });
});

describe("import-openapi: auth, servers, documents", () => {
  const withSecurity = (scheme: unknown) => imported({ components: { securitySchemes: { main: scheme } }, security: [{ main: [] }] }).manifest.auth;

  it("security schemes become the manifest's auth", () => {
    assert.deepEqual(withSecurity({ type: "apiKey", in: "header", name: "X-Key" }), { scheme: "apiKeyHeader", header: "X-Key", option: "apiKey" });
    assert.deepEqual(withSecurity({ type: "apiKey", in: "query", name: "key" }), { scheme: "apiKeyQuery", query: "key", option: "apiKey" });
    assert.deepEqual(withSecurity({ type: "http", scheme: "bearer" }), { scheme: "bearer", option: "token" });
    assert.deepEqual(withSecurity({ type: "http", scheme: "basic" }), { scheme: "basic", usernameOption: "username", passwordOption: "password" });
    assert.equal(imported({}).manifest.auth, undefined);
  });

  it("server variables are filled with their defaults (reported); a relative URL is reported", () => {
    const result = imported({ servers: [{ url: "https://{region}.shelf.example/v{major}", variables: { region: { default: "eu" }, major: { default: "2" } } }, { url: "/relative" }] });
    assert.deepEqual(result.manifest.servers, { main: { url: "https://eu.shelf.example/v2", option: "baseUrl" } });
    assert.deepEqual(result.report.counts(), [["server URL that is not absolute http(s)", 1], ["server variables", 1]]);
  });

  it("refuses what is not OpenAPI 3, with the file and why", () => {
    assert.throws(() => parseOpenApi("swagger: '2.0'\npaths: {}\n", "old.yaml"), (e: unknown) => e instanceof OpenApiError && /old\.yaml: expected an OpenAPI 3\.0 or 3\.1 document.*Swagger 2\.0/.test(e.message));
    assert.throws(() => parseOpenApi("openapi: 3.0.0\npaths: [\n", "bad.yaml"), (e: unknown) => e instanceof OpenApiError && /^bad\.yaml:\d+:\d+: not YAML or JSON/.test(e.message));
    const bomb = `openapi: 3.0.0\npaths: {}\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n`;
    assert.throws(() => parseOpenApi(bomb, "bomb.yaml"), (e: unknown) => e instanceof OpenApiError && /bomb\.yaml: .*alias/i.test(e.message));
  });
});

describe("import-openapi: the Schematic API document", () => {
  it("accounts for every operation and schema, and writes a manifest that validates", T, async () => {
    const file = path.join(repoRoot, "specs/schematic-openapi.yaml");
    const { manifest, report } = await importOpenApi(file, { envelope: "data" });
    assert.equal(report.operations.total, 268);
    assert.equal(report.schemas.total, 511);
    assert.equal(report.operations.imported, 268, report.format(file));
    assert.deepEqual(
      report.counts(),
      [
        ["request body of an object with no properties", 2],
        ["response headers", 1],
      ],
      report.format(file),
    );
    assert.equal(report.schemas.imported + report.schemas.inlined, report.schemas.total);
    const operations = Object.values(manifest.resources).reduce((sum, r) => sum + Object.keys(r.operations).length, 0);
    assert.equal(operations, report.operations.imported);
    validateManifest(parseManifest(manifestText(manifest, ""), "schematic.yaml"));
  });
});
