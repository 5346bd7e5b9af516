import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dateTimeCodec, listCodec, mapCodec, objectCodec, unionCodec, type Codec } from "../runtime/codec.js";
import { ApiError, InvalidArgumentError, errorForResponse } from "../runtime/errors.js";
import { buildPath, buildQuery } from "../runtime/url.js";

interface Inner {
  seenAt: Date;
}
interface Outer {
  companyId?: string | null;
  inner?: Inner;
  traits?: Record<string, unknown>;
  history?: Inner[];
  byKey?: Record<string, Inner>;
}

const innerCodec: Codec<Inner> = objectCodec<Inner>({ seenAt: ["seen_at", dateTimeCodec] });
const outerCodec: Codec<Outer> = objectCodec<Outer>({
  companyId: "company_id",
  inner: ["inner", () => innerCodec],
  traits: "traits",
  history: ["history", listCodec(() => innerCodec)],
  byKey: ["by_key", mapCodec(() => innerCodec)],
});

describe("codecs", () => {
  const when = new Date("2025-01-02T03:04:05.000Z");

  it("rename fields and convert dates in both directions", () => {
    const value: Outer = { companyId: "co_1", inner: { seenAt: when }, history: [{ seenAt: when }], byKey: { Some_Key: { seenAt: when } } };
    const wire = {
      company_id: "co_1",
      inner: { seen_at: when.toISOString() },
      history: [{ seen_at: when.toISOString() }],
      by_key: { Some_Key: { seen_at: when.toISOString() } },
    };
    assert.deepStrictEqual(outerCodec.toWire(value), wire);
    assert.deepStrictEqual(outerCodec.fromWire(wire), value);
  });

  it("keep null and leave out undefined and unknown fields", () => {
    assert.deepStrictEqual(outerCodec.toWire({ companyId: null, inner: undefined, ...{ extra: 1 } } as Outer), { company_id: null });
    assert.deepStrictEqual(outerCodec.fromWire({ company_id: null, surprise: true }), { companyId: null });
  });

  it("pass user maps through untouched, __proto__ included", () => {
    const traits = JSON.parse('{"__proto__": {"polluted": true}, "snake_key": {"nested_key": 1}}');
    const wire = outerCodec.toWire({ traits }) as { traits: unknown };
    assert.equal(wire.traits, traits);
    const decoded = outerCodec.fromWire(JSON.parse('{"by_key": {"__proto__": {"seen_at": "2025-01-02T03:04:05.000Z"}}}'));
    assert.ok(Object.hasOwn(decoded.byKey!, "__proto__"));
    assert.equal(Object.getPrototypeOf(decoded.byKey), Object.prototype);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });

  it("recognise union variants by their required fields", () => {
    type A = { flagKey: string; value: boolean };
    type B = { keys: Record<string, string> };
    const union = unionCodec<A | B>([
      { required: ["flagKey", "value"], requiredWire: ["flag_key", "value"], codec: objectCodec<A>({ flagKey: "flag_key", value: "value" }) },
      { required: ["keys"], requiredWire: ["keys"], codec: objectCodec<B>({ keys: "keys" }) },
    ]);
    assert.deepStrictEqual(union.toWire({ flagKey: "f", value: true }), { flag_key: "f", value: true });
    assert.deepStrictEqual(union.fromWire({ flag_key: "f", value: false }), { flagKey: "f", value: false });
    assert.deepStrictEqual(union.toWire({ keys: { a: "b" } }), { keys: { a: "b" } });
    // Partial matches go to the closest variant rather than passing snake_case through.
    assert.deepStrictEqual(union.fromWire({ flag_key: "f" }), { flagKey: "f" });
  });
});

describe("url building", () => {
  it("percent-encodes path parameters and refuses ones that change the path", () => {
    assert.equal(buildPath("/companies/{company_id}", [["companyId", "company_id"]], { companyId: "a/b?c#d e" }), "/companies/a%2Fb%3Fc%23d%20e");
    for (const bad of ["", ".", "..", undefined, null, { id: 1 }]) {
      assert.throws(() => buildPath("/x/{id}", [["id", "id"]], { id: bad }), InvalidArgumentError, String(bad));
    }
  });

  it("encodes query values, arrays in the API's format, and leaves out unset ones", () => {
    const params = [
      ["ids", "ids"],
      ["since", "since"],
      ["flag", "flag"],
      ["none", "none"],
      ["empty", "empty"],
    ] as const;
    const values = { ids: ["a", "b c"], since: new Date("2025-01-01T00:00:00.000Z"), flag: false, none: null, empty: [] };
    assert.equal(buildQuery(params, values, "repeat"), "?ids=a&ids=b+c&since=2025-01-01T00%3A00%3A00.000Z&flag=false");
    assert.equal(buildQuery(params, values, "comma"), "?ids=a%2Cb+c&since=2025-01-01T00%3A00%3A00.000Z&flag=false");
    assert.equal(buildQuery(params, {}, "repeat"), "");
  });
});

describe("error mapping", () => {
  class NotFound extends ApiError {
    override name = "NotFound";
  }
  const target = { method: "GET", path: "/x" };

  it("picks the class registered for the status and names method, path, status and the server's reason", () => {
    const error = errorForResponse({ 404: NotFound }, target, { statusCode: 404, body: { error: "no such x" }, headers: {} });
    assert.ok(error instanceof NotFound);
    assert.equal(error.message, "GET /x failed with 404 Not Found: no such x");
  });

  it("falls back to ApiError and stays useful with empty, odd or huge bodies", () => {
    const empty = errorForResponse({}, target, { statusCode: 502, body: undefined, headers: {} });
    assert.equal(empty.constructor, ApiError);
    assert.equal(empty.message, "GET /x failed with 502 Bad Gateway");
    const huge = errorForResponse({}, target, { statusCode: 500, body: "x".repeat(100_000), headers: {} });
    assert.ok(huge.message.length < 300);
    const odd = errorForResponse({}, target, { statusCode: 418, body: { error: 42 }, headers: {} });
    assert.equal(odd.message, "GET /x failed with 418 I'm a Teapot");
  });
});
