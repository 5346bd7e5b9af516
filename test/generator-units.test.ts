import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { moduleSpecifier } from "../generator/emit/layout.js";
import { exampleLiteral } from "../generator/examples.js";
import { codecExpression, codecHelpers, formatNote, tsType } from "../generator/emit/type-expr.js";
import type { IrApi } from "../generator/ir.js";
import { ManifestError, parseManifest } from "../generator/load.js";
import { camelCase, kebabCase, pascalCase } from "../generator/naming.js";
import { TypeExprError, formatTypeExpr, parseTypeExpr } from "../generator/type-expr.js";

describe("naming", () => {
  it("camelCases wire names", () => {
    assert.equal(camelCase("company_id"), "companyId");
    assert.equal(camelCase("billing_credit_auto_topup_amount_type"), "billingCreditAutoTopupAmountType");
    assert.equal(camelCase("id"), "id");
    assert.equal(camelCase("X-Request-Id"), "xRequestId");
    assert.equal(camelCase("planVersionIds"), "planVersionIds");
    assert.equal(camelCase("every_6_months"), "every6Months");
  });
  it("PascalCases and kebab-cases resource names", () => {
    assert.equal(pascalCase("companies"), "Companies");
    assert.equal(pascalCase("eventCapture"), "EventCapture");
    assert.equal(kebabCase("eventCapture"), "event-capture");
  });
  it("computes import specifiers between generated files and the runtime", () => {
    assert.equal(moduleSpecifier("client.ts", "errors.ts"), "./errors.js");
    assert.equal(moduleSpecifier("resources/pets.ts", "types.ts"), "../types.js");
    assert.equal(moduleSpecifier("resources/pets.ts", "../../../runtime/index.ts"), "../../../../runtime/index.js");
    assert.equal(moduleSpecifier("index.ts", "../runtime/index.ts"), "../runtime/index.js");
  });
});

describe("type expressions", () => {
  it("parses primitives, containers, references and nullability", () => {
    assert.deepEqual(parseTypeExpr("string"), { kind: "primitive", name: "string", nullable: false });
    assert.deepEqual(parseTypeExpr("date-time?"), { kind: "dateTime", nullable: true });
    assert.deepEqual(parseTypeExpr("list<map<Company?>>?"), {
      kind: "list",
      nullable: true,
      item: { kind: "map", nullable: false, value: { kind: "ref", name: "Company", nullable: true } },
    });
    for (const text of ["integer", "map<any>", "list<date-time>", "Foo?", "list< string >"]) {
      assert.equal(formatTypeExpr(parseTypeExpr(text)), text.replace(/ /g, ""));
    }
  });
  it("maps to TypeScript types", () => {
    assert.equal(tsType(parseTypeExpr("list<string?>")), "(string | null)[]");
    assert.equal(tsType(parseTypeExpr("map<date-time>?")), "Record<string, Date> | null");
    assert.equal(tsType(parseTypeExpr("any")), "unknown");
    assert.equal(tsType(parseTypeExpr("integer")), "number");
  });
  it("reads `date` as a calendar date: a string in TypeScript, checked when sent by its own codec", () => {
    assert.deepEqual(parseTypeExpr("date?"), { kind: "date", nullable: true });
    for (const text of ["date", "date?", "list<date>", "map<date?>"]) assert.equal(formatTypeExpr(parseTypeExpr(text)), text);
    assert.equal(tsType(parseTypeExpr("date")), "string");
    assert.equal(tsType(parseTypeExpr("list<date>?")), "string[] | null");
    const noTypes = { types: [] } as unknown as IrApi;
    const expression = codecExpression(noTypes, parseTypeExpr("map<list<date>>"));
    assert.equal(expression, "mapCodec(listCodec(dateCodec))");
    assert.deepEqual(codecHelpers(expression), ["dateCodec", "listCodec", "mapCodec"], "not dateTimeCodec");
    assert.equal(formatNote(parseTypeExpr("date?")), "Calendar date, `YYYY-MM-DD`.");
    assert.equal(formatNote(parseTypeExpr("map<list<date>>")), "Calendar dates, `YYYY-MM-DD`.");
    assert.equal(formatNote(parseTypeExpr("date-time")), undefined);
  });
  it("reports where an expression goes wrong", () => {
    const cases: [string, RegExp, number][] = [
      ["strin", /unknown type "strin"/, 0],
      ["list<string", /expected ">"/, 11],
      ["list string", /expected "<"/, 5],
      ["map<>", /expected a type/, 4],
      ["string extra", /unexpected "extra"/, 7],
    ];
    for (const [text, message, offset] of cases) {
      assert.throws(
        () => parseTypeExpr(text),
        (error: unknown) => error instanceof TypeExprError && message.test(error.message) && error.offset === offset,
        text,
      );
    }
  });
});

describe("loader", () => {
  const text = ["name: Demo", "types:", "  Pet:", "    properties:", "      pet_id: string", "      tags: [a, b]", ""].join("\n");
  const loaded = parseManifest(text, "demo.yaml");

  it("keeps the position of every value and key", () => {
    assert.deepEqual(loaded.positionOf(["types", "Pet", "properties", "pet_id"]), { file: "demo.yaml", line: 5, column: 15 });
    assert.deepEqual(loaded.positionOf(["types", "Pet", "properties", "pet_id"], "key"), { file: "demo.yaml", line: 5, column: 7 });
    assert.deepEqual(loaded.positionOf(["types", "Pet", "properties", "tags", 1]), { file: "demo.yaml", line: 6, column: 17 });
  });
  it("falls back to the nearest existing ancestor", () => {
    assert.deepEqual(loaded.positionOf(["types", "Pet", "required"]), { file: "demo.yaml", line: 4, column: 5 });
  });
  it("reports broken YAML and duplicate keys with their position", () => {
    const problemsOf = (source: string) => {
      try {
        parseManifest(source, "bad.yaml");
      } catch (error) {
        assert.ok(error instanceof ManifestError);
        return error.message;
      }
      return assert.fail("expected a ManifestError");
    };
    assert.match(problemsOf("name: Demo\ntypes: [a, b\nresources: {}\n"), /^bad\.yaml:3:1: invalid YAML: /);
    assert.equal(problemsOf("name: Demo\nname: Other\n"), "bad.yaml:2:1: invalid YAML: Map keys must be unique");
  });
});

describe("examples", () => {
  it("prints a manifest example as TypeScript, not JSON", () => {
    assert.equal(exampleLiteral({ companyId: "co_1", tags: ["a", "b"], limit: 50, on: true, none: null }), '{ companyId: "co_1", tags: ["a", "b"], limit: 50, on: true, none: null }');
    assert.equal(exampleLiteral({ nested: { user_id: "u_1" }, empty: {}, list: [] }), '{ nested: { user_id: "u_1" }, empty: {}, list: [] }');
  });
  it("quotes keys that are not identifiers and keeps __proto__ an own property", () => {
    assert.equal(exampleLiteral({ "x-trace": "1", "2fa": true }), '{ "x-trace": "1", "2fa": true }');
    assert.equal(exampleLiteral(JSON.parse('{"__proto__": {"polluted": 1}}')), '{ ["__proto__"]: { polluted: 1 } }');
  });
  it("escapes strings the way stringLiteral does", () => {
    assert.equal(exampleLiteral({ text: 'say "hi"\n*/\u2028' }), '{ text: "say \\"hi\\"\\n*/\\u2028" }');
  });
});
