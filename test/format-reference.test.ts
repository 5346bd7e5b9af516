import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { FormatPool, Formatter, formatFile } from "../generator/format.js";
import type { IrApi } from "../generator/ir.js";
import { loadManifest } from "../generator/load.js";
import { normalizeManifest } from "../generator/normalize.js";
import { importOpenApi } from "../generator/openapi/import.js";
import { manifestText } from "../generator/openapi/manifest-text.js";
import { renderDocs } from "../generator/render.js";
import { validateManifest } from "../generator/validate.js";
import { repoRoot } from "./helpers/cli.js";
import { irOf, minimalWith } from "./helpers/manifests.js";

/** reference.md of an API, formatted as it ships (only its TypeScript blocks), and as prettier formats it whole. */
async function shipped(api: IrApi): Promise<{ text: string; wholeFormatted: string }> {
  const doc = renderDocs(api).find((d) => d.path === "reference.md")!;
  assert.equal(doc.codeBlocksOnly, true, "the generator formats only the reference's TypeScript blocks");
  const formatter = new Formatter(undefined, new FormatPool());
  formatter.add(doc);
  const [file] = (await formatter.finish()).files;
  return { text: file!.text, wholeFormatted: await formatFile(doc.path, doc.text) };
}

/** reference.md of a manifest, formatted as it ships. */
async function reference(manifest: string): Promise<string> {
  return (await shipped(irOf(manifest))).text;
}

const withParams = (description: string) =>
  minimalWith(
    "          pet_id: string",
    [
      `          pet_id: { type: string, description: ${JSON.stringify(description)} }`,
      "        query:",
      "          max_age: integer?",
      "          tag: { type: string, required: true, name: label }",
    ].join("\n"),
  );

describe("reference.md parameters", () => {
  it("lists each parameter with its name, wire name, place, type, requiredness and description, one item each", { timeout: 30_000 }, async () => {
    const text = await reference(withParams("The pet's id."));
    const items = text.split("\n").filter((line) => line.startsWith("- "));
    assert.deepEqual(items, [
      "- `petId` (`pet_id`, path, `string`, required): The pet's id.",
      "- `maxAge` (`max_age`, query, `number | null`, optional)",
      "- `label` (`tag`, query, `string`, required)",
    ]);
    assert.doesNotMatch(text, /^\|/m, "no table");
    assert.match(text, /^Each parameter is listed as `name` \(`wire_name` when the name on the wire differs/m);
  });

  it("keeps a hostile description inside its item", { timeout: 30_000 }, async () => {
    const hostile = "Ends here.\n- `injected` (body)\n## Heading\n<script>x</script> ``` `open | cell";
    const text = await reference(withParams(hostile));
    const lines = text.split("\n");
    const items = lines.filter((line) => /^\s*[-*+] /.test(line));
    assert.equal(items.length, 3, items.join("\n"));
    assert.ok(items[0]!.startsWith("- `petId` (`pet_id`, path, `string`, required): Ends here. "), items[0]);
    assert.deepEqual(
      lines.filter((line) => line.startsWith("#")),
      ["# Petstore API reference", "## pets", "### getPet"],
    );
    assert.doesNotMatch(text, /<script/);
  });
});

describe("reference.md is printed as prettier prints Markdown", () => {
  it("formatting it whole gives the text the generator ships: manifest.yaml, every fixture, the whole Schematic API", { timeout: 120_000 }, async () => {
    const fixtures = (await readdir(path.join(repoRoot, "test/fixtures"), { withFileTypes: true })).filter((entry) => entry.isDirectory());
    const manifests = [path.join(repoRoot, "manifest.yaml")];
    for (const fixture of fixtures) {
      const file = path.join(repoRoot, "test/fixtures", fixture.name, "manifest.yaml");
      if (await readFile(file).then(() => true, () => false)) manifests.push(file);
    }
    const apis: [string, IrApi][] = [];
    for (const file of manifests) apis.push([file, normalizeManifest(validateManifest(await loadManifest(file)), "manifest.yaml")]);
    const { manifest } = await importOpenApi(path.join(repoRoot, "specs/schematic-openapi.yaml"), { envelope: "data" });
    apis.push(["the whole Schematic API", irOf(manifestText(manifest, ""))]);
    assert.ok(apis.length >= 8, `${apis.length} APIs`);
    for (const [name, api] of apis) {
      const { text, wholeFormatted } = await shipped(api);
      assert.equal(text, wholeFormatted, name);
      assert.equal(await formatFile("reference.md", text), text, `${name}: prettier changes nothing`);
    }
  });
});
