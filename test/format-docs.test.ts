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
import { prettierLayout } from "../generator/markdown-layout.js";
import { renderDocs } from "../generator/render.js";
import { validateManifest } from "../generator/validate.js";
import { repoRoot } from "./helpers/cli.js";
import { irOf, minimalWith } from "./helpers/manifests.js";

/** A document of an API, formatted as it ships (only its TypeScript blocks), and as prettier formats it whole. */
async function shipped(api: IrApi, path = "reference.md"): Promise<{ text: string; wholeFormatted: string }> {
  const doc = renderDocs(api).find((d) => d.path === path)!;
  assert.equal(doc.codeBlocksOnly, true, `the generator formats only the TypeScript blocks of ${path}`);
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

describe("README.md and reference.md are laid out as prettier lays out Markdown", () => {
  it("formatting them whole gives the text the generator ships: manifest.yaml, every fixture, the whole Schematic API", { timeout: 120_000 }, async () => {
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
      for (const doc of ["README.md", "reference.md"]) {
        const { text, wholeFormatted } = await shipped(api, doc);
        assert.equal(text, wholeFormatted, `${name}: ${doc}`);
        assert.equal(await formatFile(doc, text), text, `${name}: ${doc}: prettier changes nothing`);
      }
    }
  });

  it("leaves a README whose tables hold non-ASCII text to prettier whole (it counts display columns)", { timeout: 60_000 }, async () => {
    const api = irOf(minimalWith("    default: 30000", '    default: 30000\n    description: "Délai d\u2019attente, 待ち時間 ⏱"'));
    const readme = renderDocs(api).find((d) => d.path === "README.md")!;
    assert.notEqual(readme.codeBlocksOnly, true);
    const formatter = new Formatter(undefined, new FormatPool());
    formatter.add(readme);
    const [file] = (await formatter.finish()).files;
    assert.equal(file!.text, await formatFile("README.md", readme.text));
    assert.match(file!.text, /待ち時間/);
  });
});

describe("prettierLayout", () => {
  it("aligns tables, keeps one blank line between blocks and code blocks as they are, as prettier does", { timeout: 30_000 }, async () => {
    const markdown = [
      "# Title",
      "",
      "",
      "",
      "| a | long header | c |",
      "| --- | --- | --- |",
      "| `x \\| y` | 1 | |",
      "| wide cell text here | 2 | 3 |",
      "",
      "```sh",
      "echo a",
      "",
      "",
      "echo b",
      "```",
      "",
      "",
      "Text.",
      "",
      "",
    ].join("\n");
    const laidOut = prettierLayout(markdown)!;
    assert.equal(laidOut, await formatFile("doc.md", markdown));
    assert.match(laidOut, /echo a\n\n\necho b/, "a code block keeps its blank lines");
    assert.equal(prettierLayout("| a |\n| --- |\n| é |\n"), undefined, "non-ASCII cell: not exact");
    assert.equal(prettierLayout("| a | b |\n| --- |\n"), undefined, "a malformed table: left to prettier");
  });
});
