import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { closeNames, didYouMean, editDistance, suggestionBound } from "../generator/suggest.js";
import { minimalWith, problems } from "./helpers/manifests.js";

describe("edit distance", () => {
  it("counts inserts, deletes, substitutions and swaps of neighbours", () => {
    assert.equal(editDistance("bookpag", "bookpage", 3), 1);
    assert.equal(editDistance("pet", "pte", 3), 1);
    assert.equal(editDistance("kitten", "sitting", 5), 3);
    assert.equal(editDistance("", "ab", 3), 2);
    assert.equal(editDistance("same", "same", 0), 0);
  });

  it("stops at the bound and says bound + 1", () => {
    assert.equal(editDistance("kitten", "sitting", 2), 3);
    assert.equal(editDistance("a", "abcdefgh", 2), 3);
    assert.equal(editDistance("abcdefgh", "hgfedcba", 2), 3);
  });

  it("allows a third of the name, at least 2, always less than the name itself", () => {
    assert.equal(suggestionBound("x"), 0);
    assert.equal(suggestionBound("id"), 1);
    assert.equal(suggestionBound("Pet"), 2);
    assert.equal(suggestionBound("CompanyDetailResponse"), 7);
  });
});

describe("close names", () => {
  it("suggests only close names, best first, at most three, a case slip first", () => {
    assert.deepEqual(closeNames("BookPag", ["Book", "BookPages", "Author", "BookPage"]), ["BookPage", "BookPages"]);
    assert.deepEqual(closeNames("PET", ["Pat", "Pet"]), ["Pet", "Pat"]);
    assert.deepEqual(closeNames("id", ["to", "ID", "ids"]), ["ID", "ids"]);
    assert.deepEqual(closeNames("Pet", ["Pa", "Pe", "Pt", "Po", "Pets"]), ["Pe", "Pt", "Pets"]);
    assert.deepEqual(closeNames("Owner", ["Pet", "Company"]), []);
  });

  it("reads as a sentence", () => {
    assert.equal(didYouMean([]), "");
    assert.equal(didYouMean(["Pet"]), ' (did you mean "Pet"?)');
    assert.equal(didYouMean(["Pet", "Pets", "Pat"]), ' (did you mean "Pet", "Pets" or "Pat"?)');
  });

  it("compares 50 000 candidates in bounded time, skipping those whose length is far off", { timeout: 30_000 }, () => {
    const candidates = Array.from({ length: 50_000 }, (_, i) => `CompanyDetailResponse${"s".repeat(i % 40)}`);
    candidates.push("CompanyDetailResponse1");
    const started = performance.now();
    assert.deepEqual(closeNames("CompanyDetailResponse1x", candidates).slice(0, 1), ["CompanyDetailResponse1"]);
    const seconds = (performance.now() - started) / 1000;
    // About 0.1 s on a quiet machine; the bound leaves room for a busy one.
    assert.ok(seconds < 10, `took ${seconds.toFixed(1)} s`);
  });
});

describe("suggestions in validation", () => {
  it("are computed for the first 100 problems only, so thousands of wrong names stay linear", () => {
    const fields = Array.from({ length: 150 }, (_, i) => `      field_${i}: Pte`).join("\n");
    const found = problems(minimalWith("      born_at: date-time?", `      born_at: date-time?\n${fields}`));
    assert.equal(found.length, 150);
    assert.equal(found.filter((problem) => problem.endsWith('unknown type "Pte" (did you mean "Pet"?)')).length, 100);
    assert.equal(found.filter((problem) => problem.endsWith('unknown type "Pte"')).length, 50);
  });

  it("list at most 12 argument names when none is close", () => {
    const query = Array.from({ length: 20 }, (_, i) => `          q${i}: string?`).join("\n");
    const text = minimalWith("        response: { status: 200, type: Pet }", `        query:\n${query}\n        response: { status: 200, type: Pet }\n        example: { unrelated: 1 }`);
    const names = ["petId", ...Array.from({ length: 11 }, (_, i) => `q${i}`)].join(", ");
    assert.deepEqual(
      problems(text).map((problem) => problem.replace(/^manifest\.yaml:\d+:\d+: /, "")),
      [`resources.pets.operations.getPet.example.unrelated: "unrelated" is not an argument of the operation (expected one of: ${names}, … (21 in all))`],
    );
  });
});
