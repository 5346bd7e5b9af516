// Importing again through the command: hand edits of an imported manifest survive a changed document, the changes
// land and are listed, what is gone stays until --prune; and the whole Schematic API, imported, generates a package
// that type-checks.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseManifest } from "../generator/load.js";
import type { Manifest } from "../generator/manifest.js";
import { validateManifest } from "../generator/validate.js";
import { run } from "./helpers/bookshelf.js";
import { repoRoot, runGenerator } from "./helpers/cli.js";

const T = { timeout: 120_000 };

const DOCUMENT = `openapi: 3.0.3
info: { title: Notes API, version: "1" }
servers: [{ url: "https://notes.example" }]
paths:
  /notes:
    get:
      operationId: listNotes
      tags: [notes]
      responses: { "200": { description: OK, content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/Note" } } } } } }
  /notes/{note_id}:
    get:
      operationId: getNote
      tags: [notes]
      parameters: [{ name: note_id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: OK, content: { application/json: { schema: { $ref: "#/components/schemas/Note" } } } } }
    delete:
      operationId: deleteNote
      tags: [notes]
      parameters: [{ name: note_id, in: path, required: true, schema: { type: string } }]
      responses: { "204": { description: Gone } }
components:
  schemas:
    Note:
      type: object
      required: [note_id]
      properties: { note_id: { type: string }, body_text: { type: string }, stars: { type: integer } }
`;

/** The document after the API changed: an operation added, one removed, a field retyped and one removed. */
const CHANGED = DOCUMENT.replace(
  "    delete:\n      operationId: deleteNote\n      tags: [notes]\n      parameters: [{ name: note_id, in: path, required: true, schema: { type: string } }]\n      responses: { \"204\": { description: Gone } }\n",
  "    put:\n      operationId: pinNote\n      tags: [notes]\n      parameters: [{ name: note_id, in: path, required: true, schema: { type: string } }]\n      responses: { \"204\": { description: Pinned } }\n",
).replace("stars: { type: integer } }", "stars: { type: number } }").replace(", body_text: { type: string }", "");

/** Runs `npm run import-openapi` typed in `folder`. */
const importer = (folder: string, args: string[]) =>
  run(process.execPath, ["--import", "tsx", path.join(repoRoot, "generator/import-cli.ts"), ...args], repoRoot, { ...process.env, INIT_CWD: folder });

describe("npm run import-openapi, again", () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "sdk-reimport-"));
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("keeps hand edits, lands the document's changes, and removes what is gone only with --prune", T, async () => {
    await writeFile(path.join(work, "notes.yaml"), DOCUMENT);
    const first = await importer(work, ["notes.yaml", "--manifest", "manifest.yaml"]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const manifestPath = path.join(work, "manifest.yaml");
    // Hand edits: a renamed field, descriptions, a comment, an example.
    const edited = (await readFile(manifestPath, "utf8"))
      .replace("      stars: integer\n", "      # How much people like it.\n      stars: { type: integer, name: rating, description: From 0 to 5. }\n")
      .replace("      getNote:\n", "      getNote:\n        description: One note, by id.\n        example: { noteId: n1 }\n");
    assert.notEqual(edited, await readFile(manifestPath, "utf8"), "the edits apply to the imported text");
    await writeFile(manifestPath, edited);

    await writeFile(path.join(work, "notes.yaml"), CHANGED);
    const second = await importer(work, ["notes.yaml", "--manifest", "manifest.yaml"]);
    assert.equal(second.code, 0, second.stderr + second.stdout);
    const changes = second.stdout.split("\n").filter((line) => line.startsWith("  ") && !line.startsWith("    ") && /: /.test(line) && !/^  [a-z ]+: \d+ \(/.test(line));
    assert.deepEqual(changes, [
      "  operation PUT /notes/{note_id}: added as notes.pinNote",
      "  operation DELETE /notes/{note_id} (notes.deleteNote): gone from the document, kept: use --prune",
      "  type Note: field body_text gone from the document, kept: use --prune",
      "  type Note: field stars retyped integer -> number",
    ]);
    const text = await readFile(manifestPath, "utf8");
    assert.match(text, /      # How much people like it\.\n      stars: \{ type: number, name: rating, description: From 0 to 5\. \}\n/);
    assert.match(text, /      getNote:\n        description: One note, by id\.\n        example: \{ noteId: n1 \}\n/);
    assert.match(text, /deleteNote:/, "kept without --prune");
    validateManifest(parseManifest(text, "manifest.yaml"));

    const pruned = await importer(work, ["notes.yaml", "--manifest", "manifest.yaml", "--prune"]);
    assert.equal(pruned.code, 0, pruned.stderr + pruned.stdout);
    const after = parseManifest(await readFile(manifestPath, "utf8"), "manifest.yaml").data as Manifest;
    assert.deepEqual(Object.keys(after.resources.notes!.operations).sort(), ["getNote", "listNotes", "pinNote"]);
    assert.deepEqual(Object.keys(after.types.Note!.properties!), ["note_id", "stars"]);
    const again = await importer(work, ["notes.yaml", "--manifest", "manifest.yaml", "--prune"]);
    assert.match(again.stdout, /no changes to the manifest/);
  });

  it("the whole Schematic API, imported, generates a package that type-checks", T, async () => {
    const imported = await importer(work, [path.join(repoRoot, "specs/schematic-openapi.yaml"), "--manifest", "schematic.yaml", "--envelope", "data"]);
    assert.equal(imported.code, 0, imported.stderr + imported.stdout);
    assert.match(imported.stdout, /operations: 268 of 268 imported/);
    const sdk = path.join(work, "schematic-sdk");
    const generated = await runGenerator(["--manifest", path.join(work, "schematic.yaml"), "--out", sdk], 120_000);
    assert.equal(generated.code, 0, generated.stderr);
    await symlink(path.join(repoRoot, "node_modules"), path.join(sdk, "node_modules"), "dir");
    const typeCheck = await run(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", sdk, "--noEmit"], sdk, process.env, 120_000);
    assert.equal(typeCheck.code, 0, typeCheck.stdout + typeCheck.stderr);
  });
});
