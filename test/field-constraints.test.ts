// Documented limits (minLength ... maxItems, format: int64), `deprecated`, query `style` and response `content`: where
// the manifest may put them (refused elsewhere at their exact position), and what the generated docs say of them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { lineOf, minimalLines, minimalWith, problems } from "./helpers/manifests.js";

const line = (text: string) => lineOf(minimalLines, text);
const at = (lineNumber: number, column: number, message: string) => `manifest.yaml:${lineNumber}:${column}: ${message}`;

describe("limits, style and content in the manifest", () => {
  it("refuses limits on a field whose type they do not fit, and contradictory or invalid ones", () => {
    const name = line("      name: string");
    assert.deepEqual(problems(minimalWith("      name: string", "      name: { type: string, minItems: 1, maximum: 3, format: int64, style: form }")), [
      at(name, 39, "types.Pet.properties.name.minItems: minItems is only allowed on list fields"),
      at(name, 51, "types.Pet.properties.name.maximum: maximum is only allowed on integer and number fields"),
      at(name, 62, "types.Pet.properties.name.format: format is only allowed on integer fields"),
      at(name, 76, "types.Pet.properties.name.style: style is only allowed on query parameters of a map or object type (their entries go as several parameters)"),
    ]);
    const bornAt = line("      born_at: date-time?");
    assert.deepEqual(problems(minimalWith("      born_at: date-time?", '      born_at: { type: list<string>, minLength: 1, minItems: 3, maxItems: 2, pattern: "(" }')), [
      at(bornAt, 49, "types.Pet.properties.born_at.minLength: minLength is only allowed on string fields"),
      at(bornAt, 75, "types.Pet.properties.born_at.maxItems: maxItems 2 is below minItems 3: no value could be valid"),
      at(bornAt, 87, "types.Pet.properties.born_at.pattern: pattern is only allowed on string fields"),
      at(bornAt, 87, "types.Pet.properties.born_at.pattern: pattern is not a valid regular expression: Invalid regular expression: /(/u: Unterminated group"),
    ]);
  });

  it("accepts each limit on its own kind of field, and deprecated anywhere", () => {
    const text = minimalWith(
      "      name: string",
      [
        '      name: { type: string, minLength: 1, maxLength: 80, pattern: "^[A-Z]", deprecated: true }',
        "      age: { type: integer, minimum: 0, maximum: 40, exclusiveMinimum: -1, exclusiveMaximum: 41, format: int64 }",
        "      weight: { type: number?, exclusiveMinimum: 0 }",
        "      toys: { type: list<string>, minItems: 0, maxItems: 9 }",
      ].join("\n"),
    ).replace("  Pet:\n", "  Pet:\n    deprecated: true\n");
    assert.deepEqual(problems(text), []);
  });

  it("refuses style on path, scalar and list parameters, and limits on parameters they do not fit", () => {
    const pet = line("          pet_id: string");
    const text = minimalWith(
      "          pet_id: string",
      [
        "          pet_id: { type: string, style: deepObject, maximum: 2 }",
        "        query:",
        "          tags: { type: list<string>, style: form }",
        "          where: { type: Pet, style: deepObject }",
        "          m: { type: map<list<string>> }",
        "          n: { type: integer, minLength: 2, minimum: 1 }",
        "          s: { type: string, minimum: 1, deprecated: true }",
      ].join("\n"),
    );
    const op = "resources.pets.operations.getPet";
    assert.deepEqual(problems(text), [
      at(pet, 42, `${op}.pathParams.pet_id.style: style is only allowed on query parameters of a map or object type (their entries go as several parameters)`),
      at(pet, 63, `${op}.pathParams.pet_id.maximum: maximum is only allowed on integer and number parameters`),
      at(pet + 2, 46, `${op}.query.tags.style: style is only allowed on query parameters of a map or object type (their entries go as several parameters)`),
      at(pet + 4, 14, `${op}.query.m: a query parameter must be a string, number, boolean, date-time, date or enum, a list of those, a map of those, or an object type whose fields are those`),
      at(pet + 5, 42, `${op}.query.n.minLength: minLength is only allowed on string parameters`),
      at(pet + 6, 39, `${op}.query.s.minimum: minimum is only allowed on integer and number parameters`),
    ]);
  });

  it("refuses an object query parameter whose type has a field that is not a scalar", () => {
    const text = minimalWith("          pet_id: string", "          pet_id: string\n        query:\n          where: { type: Pet, style: form }").replace(
      "      born_at: date-time?",
      "      born_at: list<string>",
    );
    assert.deepEqual(problems(text), [
      at(line("          pet_id: string") + 2, 18, "resources.pets.operations.getPet.query.where: a query parameter must be a string, number, boolean, date-time, date or enum, a list of those, a map of those, or an object type whose fields are those"),
    ]);
  });

  it("refuses a type beside content binary or text, a body on 204, and an unknown content", () => {
    const response = "        response: { status: 200, type: Pet }";
    const n = line(response);
    const op = "resources.pets.operations.getPet.response";
    assert.deepEqual(problems(minimalWith(response, "        response: { status: 200, content: binary, type: Pet }")), [
      at(n, 51, `${op}.type: a binary response is read as bytes (a Download), so it takes no type; remove "type" or use content: json`),
    ]);
    assert.deepEqual(problems(minimalWith(response, "        response: { status: 204, content: text }")), [
      at(n, 43, `${op}.content: a 204 response has no body, so it cannot be text; use status 200`),
    ]);
    assert.deepEqual(problems(minimalWith(response, "        response: { status: 200, content: xml }")), [at(n, 43, `${op}.content: expected one of "json", "binary", "text"`)]);
    assert.deepEqual(problems(minimalWith(response, "        deprecated: true\n        response: { status: 200, content: binary }")), []);
  });
});

describe("what the wire-shapes fixture's output says", () => {
  const read = (file: string) => readFileSync(new URL(`./fixtures/wire-shapes/expected/${file}`, import.meta.url), "utf8");

  it("marks deprecated types, fields, parameters and methods @deprecated, beside their description", () => {
    const types = read("types.ts");
    assert.match(types, /\/\*\*\n \* How contacts looked before\.\n \* @deprecated\n \*\/\nexport interface LegacyContact \{/);
    assert.match(types, /\/\*\*\n {3}\* Use display_name\.\n {3}\* @deprecated\n {3}\*\/\n {2}nickname\?: string;/);
    const contacts = read("resources/contacts.ts");
    assert.match(contacts, /\* Free text\.\n {3}\* @minLength 2\n {3}\* @deprecated\n {3}\*\/\n {2}q\?: string;/);
    // Both clients' methods.
    assert.equal(contacts.match(/\* The old search\.\n(?: {3}\*.*\n)*? {3}\* @deprecated\n {3}\*\/\n {2}legacySearch\(/g)?.length, 2);
    assert.equal(contacts.match(/@deprecated/g)?.length, 3, "the parameter and the two methods, nothing else of the resource");
  });

  it("prints each limit as a tag, and the int64 note", () => {
    const types = read("types.ts");
    assert.match(types, /\* The contact's id\.\n {3}\* @minLength 3\n {3}\* @maxLength 40\n {3}\* @pattern \^co_\[a-z0-9\]\+\$\n {3}\*\/\n {2}contactId: string;/);
    assert.match(types, /\* @minimum 1\n {3}\* @exclusiveMaximum 1000\n {3}\*\/\n {2}rank\?: number;/);
    assert.match(types, /\* @maximum 100\n {3}\* @exclusiveMinimum 0\n {3}\*\/\n {2}score\?: number;/);
    assert.match(types, /\* @minItems 1\n {3}\* @maxItems 5\n {3}\*\/\n {2}tags\?: string\[\];/);
    assert.match(types, /\/\*\* Position in the ledger\. An int64: may lose precision beyond Number\.MAX_SAFE_INTEGER\. \*\/\n {2}ledgerId\?: number;/);
    assert.match(read("resources/contacts.ts"), /\* @minimum 1\n {3}\* @maximum 100\n {3}\*\/\n {2}limit\?: number;/);
  });

  it("says Deprecated. in reference.md, and gives the Download and string return types", () => {
    const reference = read("reference.md");
    assert.match(reference, /### legacySearch\n\n\*\*Deprecated\.\*\*\n\nThe old search\./);
    assert.match(reference, /^- `q` \(query, `string`, optional\): Deprecated\. Free text\.$/m);
    assert.match(reference, /Returns `ApiPromise<Download>`\. The body's bytes/);
    assert.match(reference, /Returns `ApiPromise<string>`\. The body as text, decoded by the charset/);
    assert.match(read("index.ts"), /export type \{ Download \} from /);
  });
});
