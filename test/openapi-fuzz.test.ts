// Any OpenAPI document: random documents (schemas of every keyword the importer reads, references that resolve or not,
// cycles, odd names, parameters anywhere) never crash the importer, and the manifest it writes always validates.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { stringify } from "yaml";
import { ManifestError, parseManifest } from "../generator/load.js";
import { OpenApiError, parseOpenApi } from "../generator/openapi/document.js";
import { importDocument } from "../generator/openapi/import.js";
import { manifestText } from "../generator/openapi/manifest-text.js";
import { validateManifest } from "../generator/validate.js";

const RUNS = Number(process.env.OPENAPI_FUZZ_RUNS ?? 40);

/** Names as documents have them: plain, snake, kebab, with spaces, brackets, dots, reserved words, digits first. */
const name = fc.oneof(
  fc.constantFrom("id", "name", "user_id", "created-at", "Error", "ApiError", "class", "constructor", "__proto__", "a.b", "keys[email]", "9lives", "Date", "x y", ""),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/),
);

const schemaNames = ["Book", "Error", "Pet", "Node", "Date", "Item2"];
const ref = fc.oneof(fc.constantFrom(...schemaNames).map((n) => ({ $ref: `#/components/schemas/${n}` })), fc.constant({ $ref: "#/components/schemas/Missing" }), fc.constant({ $ref: "#/paths" }));

const { schema } = fc.letrec((tie) => ({
  schema: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom({ type: "string" }, { type: "integer", format: "int64" }, { type: "number" }, { type: "boolean" }, { type: "string", format: "date" }, { type: "string", format: "date-time" }, {}, { type: "string", format: "binary" }, { type: "null" }),
    ref,
    fc.record({ type: fc.constant("object"), properties: fc.dictionary(name, tie("schema"), { maxKeys: 4 }), required: fc.array(name, { maxLength: 3 }) }, { requiredKeys: ["type"] }),
    fc.record({ type: fc.constant("array"), items: tie("schema") }),
    fc.record({ type: fc.constant("object"), additionalProperties: fc.oneof(fc.boolean(), tie("schema")) }),
    fc.record({ enum: fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 4 }) }),
    fc.record({ oneOf: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }), discriminator: fc.constant({ propertyName: "kind" }) }, { requiredKeys: ["oneOf"] }),
    fc.record({ anyOf: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ allOf: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ type: fc.constantFrom(["string", "null"], ["integer", "null"], ["object", "null"]), nullable: fc.boolean(), title: name }, { requiredKeys: ["type"] }),
  ),
}));

const parameter = fc.record({
  name,
  in: fc.constantFrom("query", "path", "header", "cookie"),
  required: fc.boolean(),
  schema,
});

const content = fc.dictionary(fc.constantFrom("application/json", "text/csv", "application/octet-stream", "multipart/form-data", "application/problem+json"), fc.record({ schema }), { maxKeys: 2 });

const operation = fc.record(
  {
    operationId: name,
    tags: fc.array(name, { maxLength: 2 }),
    parameters: fc.array(fc.oneof(parameter, fc.constant({ $ref: "#/components/parameters/Nope" })), { maxLength: 3 }),
    requestBody: fc.record({ required: fc.boolean(), content }),
    responses: fc.dictionary(fc.constantFrom("200", "201", "204", "2XX", "400", "404", "default", "302"), fc.record({ description: fc.constant("r"), content }, { requiredKeys: ["description"] }), { maxKeys: 3 }),
    deprecated: fc.boolean(),
  },
  { requiredKeys: ["responses"] },
);

const document = fc.record({
  openapi: fc.constantFrom("3.0.3", "3.1.0"),
  info: fc.record({ title: fc.oneof(name, fc.constant("Some API")), version: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()) }),
  servers: fc.array(fc.record({ url: fc.constantFrom("https://a.example", "/v1", "https://{x}.example", "ftp://b") }), { maxLength: 2 }),
  paths: fc.dictionary(fc.constantFrom("/a", "/a/{id}", "/b/{x}/c", "/weird path", "/d"), fc.dictionary(fc.constantFrom("get", "post", "put", "patch", "delete", "head", "parameters"), operation, { maxKeys: 3 }), { maxKeys: 4 }),
  components: fc.record({ schemas: fc.dictionary(fc.constantFrom(...schemaNames, "Weird-Name", "x"), schema, { maxKeys: 6 }) }),
});

describe("import-openapi on any document", () => {
  it(`never crashes, reports instead, and writes a manifest that validates (${RUNS} random documents)`, { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(document, (doc) => {
        const parsed = parseOpenApi(stringify(doc), "fuzz.yaml");
        let imported;
        try {
          imported = importDocument(parsed);
        } catch (error) {
          // A document with no operation the manifest can express is refused, with the report, as an OpenApiError.
          if (error instanceof OpenApiError && /operations can be expressed|has no operations/.test(error.message)) return;
          throw error;
        }
        const { manifest, report } = imported;
        assert.ok(report.operations.imported > 0 && report.operations.imported <= report.operations.total);
        try {
          validateManifest(parseManifest(manifestText(manifest, ""), "imported.yaml"));
        } catch (error) {
          if (error instanceof ManifestError) assert.fail(`${error.message}\n--- document:\n${stringify(doc)}`);
          throw error;
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.OPENAPI_FUZZ_SEED ?? 1309) },
    );
  });
});
