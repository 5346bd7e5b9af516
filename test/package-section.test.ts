import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { irOf, lineOf, minimalLines, minimalWith, problems } from "./helpers/manifests.js";

const T = { timeout: 10_000 };
const line = lineOf(minimalLines, "package:");
/** The minimal manifest with its `package:` line replaced. */
const withPackage = (section: string) => minimalWith("package:", section);

describe("the manifest's package section", () => {
  it("takes name, version, description and license, and gives them to the IR", T, () => {
    const api = irOf(withPackage("package: { name: \"@acme/pets\", version: 1.2.0-beta.1, description: Pets for all, license: MIT }"));
    assert.deepEqual(api.package, { name: "@acme/pets", version: "1.2.0-beta.1", description: "Pets for all", license: "MIT" });
    assert.equal(api.packageName, "@acme/pets");
  });

  it("takes a name alone as version 0.1.0, described by the API's description or title", T, () => {
    const api = irOf(withPackage("package: petstore-sdk"));
    assert.deepEqual(api.package, { name: "petstore-sdk", version: "0.1.0", description: api.description ?? api.title });
    assert.equal(api.packageName, "petstore-sdk");
  });

  it("reports each problem at its line and column", T, () => {
    assert.deepEqual(problems(withPackage("package: { name: petstore-sdk }")), [
      `manifest.yaml:${line}:10: package: missing required field "version"`,
    ]);
    assert.deepEqual(problems(withPackage("package: { name: Petstore, version: \"1.0\", licence: MIT }")), [
      `manifest.yaml:${line}:18: package.name: expected a string matching ^(@[a-z0-9-~][a-z0-9-._~]*/)?[a-z0-9-~][a-z0-9-._~]*$, got "Petstore"`,
      `manifest.yaml:${line}:37: package.version: expected a string matching ^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$, got "1.0"`,
      `manifest.yaml:${line}:44: package.licence: unknown field (expected one of: name, version, description, license)`,
    ]);
    // YAML reads 1.0 as a number: the version must be a string.
    assert.deepEqual(problems(withPackage("package: { name: petstore-sdk, version: 1.0 }")), [
      `manifest.yaml:${line}:41: package.version: expected string, got number 1`,
    ]);
    assert.deepEqual(problems(withPackage("package: 7")), [`manifest.yaml:${line}:10: package: expected string or object, got number 7`]);
  });
});
