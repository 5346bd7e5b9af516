// Importing into a manifest in parts (--parts) and importing again across its parts: each part's text is edited in
// place, new operations land in their resource's part, a new resource gets a new part listed in `include`, and the
// generated SDK is the same as from one file.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { loadManifest } from "../generator/load.js";
import type { Manifest } from "../generator/manifest.js";
import { formatChange, mergeImportFiles } from "../generator/openapi/merge.js";
import { generate } from "../generator/pipeline.js";
import { validateManifest } from "../generator/validate.js";
import { run } from "./helpers/bookshelf.js";
import { repoRoot } from "./helpers/cli.js";

const T = { timeout: 60_000 };

const ok = (media: string) => `{ "200": { description: OK, content: { application/json: { schema: ${media} } } } }`;
const noteId = `[{ name: note_id, in: path, required: true, schema: { type: string } }]`;

/** Three tags (three resources); Owner is shared by notes and users, Note, User and Label each belong to one. */
const DOCUMENT = `openapi: 3.0.3
info: { title: Notes API, version: "1" }
servers: [{ url: "https://notes.example" }]
paths:
  /notes:
    get:
      operationId: listNotes
      tags: [notes]
      responses: ${ok(`{ type: array, items: { $ref: "#/components/schemas/Note" } }`)}
  /notes/{note_id}:
    get:
      operationId: getNote
      tags: [notes]
      parameters: ${noteId}
      responses: ${ok(`{ $ref: "#/components/schemas/Note" }`)}
    delete:
      operationId: deleteNote
      tags: [notes]
      parameters: ${noteId}
      responses: { "204": { description: Gone } }
  /users/{user_id}:
    get:
      operationId: getUser
      tags: [users]
      parameters: [{ name: user_id, in: path, required: true, schema: { type: string } }]
      responses: ${ok(`{ $ref: "#/components/schemas/User" }`)}
  /labels:
    get:
      operationId: listLabels
      tags: [labels]
      responses: ${ok(`{ type: array, items: { $ref: "#/components/schemas/Label" } }`)}
components:
  schemas:
    Owner:
      type: object
      required: [owner_id]
      properties: { owner_id: { type: string }, display_name: { type: string } }
    Note:
      type: object
      required: [note_id]
      properties: { note_id: { type: string }, owner: { $ref: "#/components/schemas/Owner" }, stars: { type: integer } }
    User:
      type: object
      required: [user_id]
      properties: { user_id: { type: string }, owner: { $ref: "#/components/schemas/Owner" } }
    Label:
      type: object
      properties: { label: { type: string } }
`;

/** `text` with each [old, new] replaced once, failing when `old` is not there exactly once. */
function edited(text: string, ...replacements: [string, string][]): string {
  for (const [from, to] of replacements) {
    assert.equal(text.split(from).length, 2, `expected exactly one ${JSON.stringify(from)}`);
    text = text.replace(from, () => to);
  }
  return text;
}

/** The API changed: PUT /notes/{note_id} added (tag notes), GET /folders added (a new tag), Note.stars retyped, DELETE gone. */
const CHANGED = edited(
  DOCUMENT,
  [
    `    delete:\n      operationId: deleteNote\n      tags: [notes]\n      parameters: ${noteId}\n      responses: { "204": { description: Gone } }\n`,
    `    put:\n      operationId: pinNote\n      tags: [notes]\n      parameters: ${noteId}\n      responses: { "204": { description: Pinned } }\n` +
      `  /folders:\n    get:\n      operationId: listFolders\n      tags: [folders]\n      responses: ${ok(`{ type: array, items: { type: string } }`)}\n`,
  ],
  ["stars: { type: integer } }", "stars: { type: number } }"],
);

const importer = (folder: string, args: string[]) =>
  run(process.execPath, ["--import", "tsx", path.join(repoRoot, "generator/import-cli.ts"), ...args], repoRoot, { ...process.env, INIT_CWD: folder }, 60_000);

/** The change lines the importer printed. */
const changeLines = (stdout: string) => stdout.split("\n").filter((line) => /^  \S.*: /.test(line) && !/^  [a-z ]+: \d+ \(/.test(line)).map((line) => line.slice(2));

/** Every file below `dir` (relative path -> text). */
async function filesIn(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, file), await readFile(file, "utf8"));
  }
  return out;
}

const schemaLine = (relative: string) => `# yaml-language-server: $schema=${relative}/generator/manifest-part.schema.json\n`;

/** Generated files of a manifest, linked to the repository's runtime. */
async function generated(manifestPath: string) {
  const output = await generate({ manifestPath, outDir: path.join(path.dirname(manifestPath), "generated"), runtimeDir: path.join(repoRoot, "runtime") });
  return output.files.map(({ path: file, text }) => ({ file, text }));
}

describe("import-openapi --parts, and importing again across parts", () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "sdk-reimport-parts-"));
    await writeFile(path.join(work, "notes.yaml"), DOCUMENT);
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("writes the main file, types.yaml and one part per resource, and generates what one file generates", T, async () => {
    const first = await importer(work, ["notes.yaml", "--manifest", "parts/manifest.yaml", "--parts"]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const single = await importer(work, ["notes.yaml", "--manifest", "single/manifest.yaml"]);
    assert.equal(single.code, 0, single.stderr + single.stdout);

    const files = await filesIn(path.join(work, "parts"));
    assert.deepEqual([...files.keys()].sort(), ["manifest.yaml", "resources/labels.yaml", "resources/notes.yaml", "resources/users.yaml", "types.yaml"]);
    const main = parse(files.get("manifest.yaml")!);
    assert.deepEqual(main.include, ["types.yaml", "resources/labels.yaml", "resources/notes.yaml", "resources/users.yaml"]);
    assert.equal(main.types, undefined);
    assert.equal(main.resources, undefined);
    // The schema path is relative to each part, and resolves to the repository's part schema.
    const toRepo = (folder: string) => path.relative(path.join(work, "parts", folder), repoRoot).split(path.sep).join("/");
    assert.ok(files.get("types.yaml")!.startsWith(schemaLine(toRepo("."))), files.get("types.yaml"));
    for (const resource of ["labels", "notes", "users"]) {
      const text = files.get(`resources/${resource}.yaml`)!;
      assert.ok(text.startsWith(schemaLine(toRepo("resources"))), text);
      assert.deepEqual(Object.keys(parse(text)), ["resources"]);
      assert.deepEqual(Object.keys(parse(text).resources), [resource]);
    }
    assert.deepEqual(Object.keys(parse(files.get("types.yaml")!).types).sort(), ["Label", "Note", "Owner", "User"]);

    const whole = parse(await readFile(path.join(work, "single/manifest.yaml"), "utf8")) as Manifest;
    const loaded = await loadManifest(path.join(work, "parts/manifest.yaml"));
    validateManifest(loaded);
    const { include: _include, ...merged } = loaded.data as Manifest & { include: string[] };
    assert.deepEqual(merged, whole, "the parts hold the one file's manifest, nothing more or less");
    const fromParts = await generated(path.join(work, "parts/manifest.yaml"));
    const fromOneFile = await generated(path.join(work, "single/manifest.yaml"));
    assert.ok(fromParts.length > 3);
    assert.deepEqual(fromParts, fromOneFile);
  });

  it("keeps hand edits in every part, puts new operations and resources in their parts, prunes only with --prune", T, async () => {
    const dir = path.join(work, "parts");
    const read = (file: string) => readFile(path.join(dir, file), "utf8");
    // Hand edits in two parts: a parameter renamed and described, a comment, an operation's description.
    const notes = edited(
      await read("resources/notes.yaml"),
      [
        "        pathParams:\n          note_id: { type: string }\n        response: { status: 200, type: Note }\n",
        "        pathParams:\n          # As the server gives it.\n          note_id: { type: string, name: id, description: The note's id. }\n        response: { status: 200, type: Note }\n",
      ],
      ["      listNotes:\n", "      listNotes:\n        description: Every note, newest first.\n"],
    );
    const types = edited(await read("types.yaml"), ["  Owner:\n", "  # Who wrote it.\n  Owner:\n"]);
    await writeFile(path.join(dir, "resources/notes.yaml"), notes);
    await writeFile(path.join(dir, "types.yaml"), types);
    const untouched = await stat(path.join(dir, "resources/users.yaml"));
    const usersText = await read("resources/users.yaml");
    await sleep(50); // a rewrite would show in the modification time

    await writeFile(path.join(work, "notes.yaml"), CHANGED);
    const second = await importer(work, ["notes.yaml", "--manifest", "parts/manifest.yaml"]);
    assert.equal(second.code, 0, second.stderr + second.stdout);
    assert.deepEqual(changeLines(second.stdout), [
      "parts/resources/folders.yaml: operation GET /folders: added as folders.listFolders",
      "parts/resources/notes.yaml: operation PUT /notes/{note_id}: added as notes.pinNote",
      "parts/resources/notes.yaml: operation DELETE /notes/{note_id} (notes.deleteNote): gone from the document, kept: use --prune",
      "parts/types.yaml: type Note: field stars retyped integer -> number",
    ]);
    const notesAfter = await read("resources/notes.yaml");
    assert.ok(notesAfter.startsWith(notes.slice(0, notes.indexOf("      listNotes:"))), "the part's text up to the edited operation is as edited");
    assert.match(notesAfter, /          # As the server gives it\.\n          note_id: \{ type: string, name: id, description: The note's id\. \}\n/);
    assert.match(notesAfter, /      listNotes:\n        description: Every note, newest first\.\n/);
    assert.deepEqual(Object.keys(parse(notesAfter).resources.notes.operations), ["deleteNote", "getNote", "listNotes", "pinNote"]);
    const typesAfter = await read("types.yaml");
    assert.equal(typesAfter, types.replace("      stars: integer\n", "      stars: number\n"), "one line changed, the comment kept");
    // The new resource: its own part, with the schema line, appended to the main manifest's include list.
    const folders = await read("resources/folders.yaml");
    assert.ok(folders.startsWith("# yaml-language-server: $schema="), folders);
    assert.deepEqual(Object.keys(parse(folders).resources), ["folders"]);
    assert.deepEqual(parse(await read("manifest.yaml")).include, ["types.yaml", "resources/labels.yaml", "resources/notes.yaml", "resources/users.yaml", "resources/folders.yaml"]);
    assert.equal(await read("resources/users.yaml"), usersText);
    assert.equal((await stat(path.join(dir, "resources/users.yaml"))).mtimeMs, untouched.mtimeMs, "an unchanged part is not rewritten");
    validateManifest(await loadManifest(path.join(dir, "manifest.yaml")));

    const pruned = await importer(work, ["notes.yaml", "--manifest", "parts/manifest.yaml", "--prune"]);
    assert.equal(pruned.code, 0, pruned.stderr + pruned.stdout);
    assert.deepEqual(changeLines(pruned.stdout), ["parts/resources/notes.yaml: operation DELETE /notes/{note_id} (notes.deleteNote): removed"]);
    const notesPruned = await read("resources/notes.yaml");
    assert.deepEqual(Object.keys(parse(notesPruned).resources.notes.operations), ["getNote", "listNotes", "pinNote"]);
    assert.match(notesPruned, /# As the server gives it\./);

    const before = await filesIn(dir);
    for (const prune of [false, true]) {
      const again = await importer(work, ["notes.yaml", "--manifest", "parts/manifest.yaml", ...(prune ? ["--prune"] : [])]);
      assert.equal(again.code, 0, again.stderr + again.stdout);
      assert.match(again.stdout, /no changes to the manifest/);
      assert.deepEqual(await filesIn(dir), before);
    }
    assert.ok((await generated(path.join(dir, "manifest.yaml"))).some(({ file }) => file.includes("folders")));
  });

  it("refuses to write parts over files the manifest does not include, and writes nothing", T, async () => {
    const dir = path.join(work, "occupied");
    await mkdir(path.join(dir, "resources"), { recursive: true });
    await writeFile(path.join(dir, "resources/users.yaml"), "# someone's notes\n");
    const refused = await importer(work, ["notes.yaml", "--manifest", "occupied/manifest.yaml", "--parts"]);
    assert.equal(refused.code, 73, refused.stderr + refused.stdout);
    assert.match(refused.stderr, /occupied\/resources\/users\.yaml exists but occupied\/manifest\.yaml does not include it; nothing was written/);
    assert.deepEqual([...(await filesIn(dir)).entries()], [["resources/users.yaml", "# someone's notes\n"]]);
  });

  it("the whole Schematic API: written in parts, validates, and a second import changes nothing", T, async () => {
    const document = path.join(repoRoot, "specs/schematic-openapi.yaml");
    const args = [document, "--manifest", "schematic/manifest.yaml", "--envelope", "data"];
    const first = await importer(work, [...args, "--parts"]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const loaded = await loadManifest(path.join(work, "schematic/manifest.yaml"));
    const manifest = validateManifest(loaded);
    assert.ok(loaded.files.length > 10, `parts: ${loaded.files.length}`);
    assert.equal(Object.values(manifest.resources).reduce((count, resource) => count + Object.keys(resource.operations).length, 0), 268);
    const written = await filesIn(path.join(work, "schematic"));
    const second = await importer(work, args);
    assert.equal(second.code, 0, second.stderr + second.stdout);
    assert.match(second.stdout, /no changes to the manifest/);
    assert.deepEqual(await filesIn(path.join(work, "schematic")), written);
  });
});

describe("mergeImportFiles", () => {
  const imported = (types: Record<string, unknown>, resources: Record<string, unknown>) =>
    ({ name: "Notes", version: "1", types, resources }) as unknown as Manifest;
  const getNote = { method: "GET", path: "/notes/{id}", pathParams: { id: "string" }, response: { status: 200, type: "Note" } };
  const main = { file: "api/manifest.yaml", text: 'name: Notes\nversion: "1"\n# the parts\ninclude:\n  - resources/notes.yaml\ntypes:\n  Note:\n    properties: { id: string }\n' };
  const notes = { file: "api/resources/notes.yaml", text: "resources:\n  notes:\n    operations:\n      getNote: { method: GET, path: \"/notes/{id}\", pathParams: { id: string }, response: { status: 200, type: Note } }\n" };

  it("puts new types in the main file when there is no types.yaml, and a new resource in a new part; names each file", () => {
    const result = mergeImportFiles([main, notes], imported({ Note: { properties: { id: "string" } }, Tag: { properties: { tag: "string" } } }, {
      notes: { operations: { getNote } },
      tags: { operations: { listTags: { method: "GET", path: "/tags", response: { status: 200, type: "list<Tag>" } } } },
    }), { prune: false, exists: (file) => file === path.join("api", "resources", "tags.yaml") });
    assert.deepEqual(result.files.map(({ file }) => file), ["api/manifest.yaml", "api/resources/notes.yaml", path.join("api", "resources", "tags-2.yaml")]);
    assert.equal(result.files[0]!.text, main.text.replace("  - resources/notes.yaml\n", "  - resources/notes.yaml\n  - resources/tags-2.yaml\n") + "  Tag:\n    properties:\n      tag: string\n");
    assert.equal(result.files[1]!.text, notes.text, "a part with no change keeps its text");
    assert.deepEqual(parse(result.files[2]!.text).resources.tags.operations.listTags.path, "/tags");
    assert.deepEqual(result.changes.map(formatChange), [
      `${path.join("api", "resources", "tags-2.yaml")}: operation GET /tags: added as tags.listTags`,
      "api/manifest.yaml: type Tag: added",
    ]);
  });

  it("into a manifest without include, a new resource goes into the main file", () => {
    const single = { file: "one/manifest.yaml", text: 'name: Notes\nversion: "1"\ntypes:\n  Note:\n    properties: { id: string }\nresources:\n  notes:\n    operations: {}\n' };
    const result = mergeImportFiles([single], imported({ Note: { properties: { id: "string" } } }, { notes: { operations: { getNote } }, more: { operations: { listMore: { method: "GET", path: "/more", response: { status: 204 } } } } }), { prune: false });
    assert.equal(result.files.length, 1);
    const data = parse(result.files[0]!.text);
    assert.deepEqual(Object.keys(data.resources), ["notes", "more"]);
    assert.deepEqual(Object.keys(data.resources.notes.operations), ["getNote"]);
  });

  it("reports bad YAML in a part at its place", () => {
    assert.throws(
      () => mergeImportFiles([main, { file: "api/resources/notes.yaml", text: "resources:\n  notes: [\n" }], imported({}, {}), { prune: false }),
      (error: Error) => /^api\/resources\/notes\.yaml:\d+:\d+: invalid YAML/.test(error.message),
    );
  });
});
