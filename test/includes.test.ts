// A manifest may include parts (`include:`): merged section by section, key by key, with every problem at the file,
// line and column of its node, whichever file holds it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Ajv } from "ajv";
import { parse, stringify } from "yaml";
import { CAPABILITIES } from "../generator/capabilities/index.js";
import { MAX_PROBLEMS_LISTED, ManifestError, PART_SECTIONS, formatProblem, loadManifest } from "../generator/load.js";
import { generate } from "../generator/pipeline.js";
import { validateManifest } from "../generator/validate.js";
import { repoRoot, runGenerator } from "./helpers/cli.js";

const T = { timeout: 60_000 };
const runtimeDir = path.join(repoRoot, "runtime");
let work: string;
let folders = 0;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sdk-includes-"));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Writes files (path relative to a new folder → text) and returns that folder. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = path.join(work, `case-${++folders}`);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

/** The problems of the manifest `manifest.yaml` in `dir`, each as `file:line:column: message`, file relative to dir. */
async function problemsIn(dir: string): Promise<string[]> {
  try {
    validateManifest(await loadManifest(path.join(dir, "manifest.yaml")));
  } catch (error) {
    assert.ok(error instanceof ManifestError, String(error));
    return error.problems.map((problem) => formatProblem(problem).slice(dir.length + 1));
  }
  return [];
}

/** The minimal fixture split in three: the main manifest (include on lines 13–15), types.yaml and resources/pets.yaml. */
const MAIN = `name: Petstore
title: Petstore API
version: "2"
package: petstore-sdk
defaultServer: main
servers:
  main:
    url: https://pets.example.com
    option: baseUrl
auth:
  header: X-Api-Key
  option: apiKey
include:
  - types.yaml
  - resources/pets.yaml
`;
const TYPES = `# The types of the Petstore.
types:
  Pet:
    required: [pet_id, name]
    properties:
      pet_id: string
      name: string
`;
const PETS = `resources:
  pets:
    operations:
      getPet:
        method: GET
        path: /pets/{pet_id}
        pathParams:
          pet_id: string
        response: { status: 200, type: Pet }
`;
const split = (changes: Record<string, string> = {}) => tree({ "manifest.yaml": MAIN, "types.yaml": TYPES, "resources/pets.yaml": PETS, ...changes });

describe("a manifest split into parts", () => {
  it("generates exactly what the same manifest in one file generates", T, async () => {
    const text = readFileSync(path.join(repoRoot, "test/fixtures/kitchen-sink/manifest.yaml"), "utf8");
    const whole = parse(text) as Record<string, unknown>;
    const sections = (names: string[]) => Object.fromEntries(names.map((name) => [name, whole[name]]));
    const resources = whole.resources as Record<string, unknown>;
    const [firstResource, ...otherResources] = Object.keys(resources);
    const main = Object.fromEntries(Object.entries(whole).filter(([key]) => !PART_SECTIONS.includes(key)));
    const dir = await tree({
      "single/manifest.yaml": text,
      // Servers and errors in one part, types in another, resources one per file through a nested part.
      "split/manifest.yaml": stringify({ ...main, include: ["common.yaml", "types.yaml", "resources/index.yaml"] }),
      "split/common.yaml": stringify(sections(["servers", "errors", "options"])),
      "split/types.yaml": stringify(sections(["types"])),
      "split/resources/index.yaml": stringify({
        include: otherResources.map((name) => `${name}.yaml`), // relative to this part
        resources: { [firstResource!]: resources[firstResource!] },
      }),
      ...Object.fromEntries(otherResources.map((name) => [`split/resources/${name}.yaml`, stringify({ resources: { [name]: resources[name] } })])),
    });
    assert.ok(otherResources.length >= 2);
    const loaded = await loadManifest(path.join(dir, "split/manifest.yaml"));
    assert.deepEqual(loaded.files.map((file) => path.relative(dir, file)), [
      "split/manifest.yaml",
      "split/common.yaml",
      "split/types.yaml",
      "split/resources/index.yaml",
      ...otherResources.map((name) => `split/resources/${name}.yaml`),
    ]);
    const generated = async (folder: string) =>
      (await generate({ manifestPath: path.join(dir, folder, "manifest.yaml"), outDir: path.join(dir, folder, "generated"), runtimeDir })).files;
    const single = await generated("single");
    assert.ok(single.length >= 5);
    assert.deepStrictEqual(await generated("split"), single);
  });

  it("positions point into the file that defines each key", T, async () => {
    const dir = await split();
    const loaded = await loadManifest(path.join(dir, "manifest.yaml"));
    const at = (p: (string | number)[], where?: "key") => formatProblem({ position: loaded.positionOf(p, where), message: "" }).slice(dir.length + 1);
    assert.equal(at(["resources", "pets", "operations", "getPet", "response", "type"]), "resources/pets.yaml:9:40: ");
    assert.equal(at(["types", "Pet", "properties", "name"], "key"), "types.yaml:7:7: ");
    assert.equal(at(["types"], "key"), "types.yaml:2:1: "); // the main manifest has no types section
    assert.equal(at(["servers", "main", "url"]), "manifest.yaml:8:10: ");
    assert.equal(at(["include", 1]), "manifest.yaml:15:5: ");
  });

  it("a schema error inside a part is reported at the part's line and column", T, async () => {
    const dir = await split({ "resources/pets.yaml": PETS.replace("method: GET", "method: FETCH") });
    assert.deepEqual(await problemsIn(dir), [
      `resources/pets.yaml:5:17: resources.pets.operations.getPet.method: expected one of "GET", "POST", "PUT", "PATCH", "DELETE"`,
    ]);
  });

  it("an unknown type inside a part is reported there, with its did-you-mean", T, async () => {
    const dir = await split({ "resources/pets.yaml": PETS.replace("type: Pet }", "type: Pte }") });
    assert.deepEqual(await problemsIn(dir), [
      `resources/pets.yaml:9:40: resources.pets.operations.getPet.response.type: unknown type "Pte" (did you mean "Pet"?)`,
    ]);
  });

  it("a name defined in two files is a problem naming both places", T, async () => {
    const dir = await split({
      "manifest.yaml": `${MAIN}types:\n  Owner:\n    properties: { name: string }\n`,
      "resources/pets.yaml": `${PETS}types:\n  Owner:\n    properties: { name: string }\n  Pet:\n    enum: [cat]\n`,
    });
    assert.deepEqual(await problemsIn(dir), [
      `resources/pets.yaml:11:3: types.Owner: already defined at ${dir}/manifest.yaml:17:3`,
      `resources/pets.yaml:13:3: types.Pet: already defined at ${dir}/types.yaml:3:3`,
    ]);
  });

  it("a key named __proto__ in a part is data, refused by its name, not a prototype", T, async () => {
    const dir = await split({ "types.yaml": `${TYPES}  __proto__:\n    enum: [a]\n` });
    assert.deepEqual(await problemsIn(dir), [`types.yaml:8:3: types.__proto__: name "__proto__" must be a PascalCase name such as FooBar`]);
  });

  it("problems from every file together, in file order; YAML errors and alias bombs in parts too", T, async () => {
    const bomb = [
      'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
    ];
    const dir = await split({
      "manifest.yaml": MAIN.replace("  - types.yaml", "  - types.yaml\n  - broken.yaml\n  - bomb.yaml"),
      "broken.yaml": "errors:\n  GoneError: { status: 410\n",
      "bomb.yaml": `${bomb.join("\n")}\n`,
    });
    const found = await problemsIn(dir);
    assert.equal(found.length, 2, found.join("\n"));
    assert.match(found[0]!, /^broken\.yaml:3:1: invalid YAML: /);
    assert.match(found[1]!, /^bomb\.yaml:3:8: invalid YAML: aliases expand to more than 100 copies of their anchors/);
  });

  it("at most the first 100 problems are listed, across all files", T, async () => {
    const badTypes = (prefix: string) => Array.from({ length: 60 }, (_, i) => `  ${prefix}_${i}: { enum: [a] }`).join("\n");
    const dir = await split({
      "manifest.yaml": `${MAIN}  - more.yaml\n`,
      "types.yaml": `${TYPES}${badTypes("early")}\n`,
      "more.yaml": `types:\n${badTypes("late")}\n`,
    });
    const error = await loadManifest(path.join(dir, "manifest.yaml")).then(validateManifest).catch((e: unknown) => e);
    assert.ok(error instanceof ManifestError);
    assert.equal(error.problems.length, 120);
    const lines = error.message.split("\n");
    assert.equal(lines.length, MAX_PROBLEMS_LISTED + 1);
    assert.match(lines[0]!, /types\.yaml:8:3: types\.early_0: name "early_0" must be a PascalCase name/);
    assert.match(lines[60]!, /more\.yaml:2:3: types\.late_0: /);
    assert.equal(lines.at(-1), "... and 20 more problems");
  });
});

describe("include entries that are refused", () => {
  it("an include cycle, at the entry that closes it", T, async () => {
    const dir = await split({
      "resources/pets.yaml": `${PETS}include: [more/pets-extra.yaml]\n`,
      "resources/more/pets-extra.yaml": "# Relative to this part.\ninclude:\n  - ../pets.yaml\n",
    });
    assert.deepEqual(await problemsIn(dir), [
      `resources/more/pets-extra.yaml:3:5: include.0: include cycle: ${dir}/resources/pets.yaml -> ${dir}/resources/more/pets-extra.yaml -> ${dir}/resources/pets.yaml`,
    ]);
    const selfCycle = await split({ "types.yaml": `${TYPES}include: [manifest.yaml]\n` });
    assert.deepEqual(await problemsIn(selfCycle), [
      `types.yaml:8:11: include.0: include cycle: ${selfCycle}/manifest.yaml -> ${selfCycle}/types.yaml -> ${selfCycle}/manifest.yaml`,
    ]);
  });

  it("a part included twice", T, async () => {
    const dir = await split({ "resources/pets.yaml": `${PETS}include: [../types.yaml]\n` });
    assert.deepEqual(await problemsIn(dir), [
      `resources/pets.yaml:10:11: include.0: "../types.yaml" is already included at ${dir}/manifest.yaml:14:5; include each part once`,
    ]);
  });

  it("a missing file, a folder", T, async () => {
    const dir = await split({ "manifest.yaml": `${MAIN}  - resources/dogs.yaml\n  - resources\n` });
    assert.deepEqual(await problemsIn(dir), [
      `manifest.yaml:16:5: include.2: cannot read "resources/dogs.yaml": file not found`,
      `manifest.yaml:17:5: include.3: cannot read "resources": not a file`,
    ]);
  });

  it("a path that leaves the main manifest's folder: ../, absolute, or a symbolic link out", T, async () => {
    const dir = await split({
      "manifest.yaml": `${MAIN}  - ../outside.yaml\n  - ${path.join(work, "outside.yaml")}\n  - linked.yaml\n`,
      // Relative to the part, but still above the main manifest's folder.
      "types.yaml": `${TYPES}include: [resources/../../outside.yaml]\n`,
    });
    await writeFile(path.join(work, "outside.yaml"), "types:\n  Secret: { enum: [a] }\n");
    await symlink(path.join(work, "outside.yaml"), path.join(dir, "linked.yaml"));
    const leaves = `leaves the folder of ${dir}/manifest.yaml; a part must be in that folder or below it`;
    assert.deepEqual(await problemsIn(dir), [
      `manifest.yaml:16:5: include.2: "../outside.yaml" ${leaves}`,
      `manifest.yaml:17:5: include.3: "${path.join(work, "outside.yaml")}" is an absolute path; give the part's path relative to this file`,
      `manifest.yaml:18:5: include.4: "linked.yaml" ${leaves} (it is a symbolic link to ${path.join(work, "outside.yaml")})`,
      `types.yaml:8:11: include.0: "resources/../../outside.yaml" ${leaves}`,
    ]);
  });

  it("a part that is not a mapping of part sections", T, async () => {
    const dir = await split({
      "manifest.yaml": `${MAIN}  - list.yaml\n  - extra.yaml\n  - empty.yaml\n`,
      "list.yaml": "- types\n",
      "extra.yaml": "name: Other\nerrors: [GoneError]\ninclude: gone.yaml\n",
      "empty.yaml": "",
    });
    assert.deepEqual(await problemsIn(dir), [
      `list.yaml:1:1: a part is a mapping of sections (include, types, resources, errors, options, servers), got a list`,
      `extra.yaml:1:1: name: not allowed in a part (expected one of: include, types, resources, errors, options, servers)`,
      `extra.yaml:2:9: errors: expected a mapping of names, got a list`,
      `extra.yaml:3:10: include: expected a list of file paths relative to this file, got string "gone.yaml"`,
    ]);
  });
});

describe("parts with the CLI and in editors", () => {
  it("prints the part's path in problems, and --check notices a change in a part", T, async () => {
    const dir = await split();
    const args = ["--manifest", path.join(dir, "manifest.yaml"), "--out", path.join(dir, "generated"), "--runtime", runtimeDir];
    const written = await runGenerator(args, 50_000);
    assert.equal(written.code, 0, written.stderr);
    const unchanged = await runGenerator([...args, "--check"], 50_000);
    assert.equal(unchanged.code, 0, unchanged.stdout + unchanged.stderr);

    await writeFile(path.join(dir, "types.yaml"), TYPES.replace("name: string", "name: string\n      nickname: string"));
    const drift = await runGenerator([...args, "--check"], 50_000);
    assert.equal(drift.code, 1, drift.stdout + drift.stderr);
    assert.match(drift.stdout, /would write .*generated\/types\.ts/);

    await writeFile(path.join(dir, "resources/pets.yaml"), PETS.replace("type: Pet }", "type: Pte }"));
    const refused = await runGenerator(args, 50_000);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /resources\/pets\.yaml:9:40: resources\.pets\.operations\.getPet\.response\.type: unknown type "Pte" \(did you mean "Pet"\?\)/);
    assert.match(refused.stderr, /generate: 1 problem in .*manifest\.yaml; .* was not changed\n$/);
  });

  it("the part schema accepts the split parts and refuses what a part may not hold", T, async () => {
    const readSchema = (file: string) => JSON.parse(readFileSync(path.join(repoRoot, "generator", file), "utf8")) as object;
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    for (const capability of CAPABILITIES) {
      ajv.addSchema(JSON.parse(await readFile(capability.schemaFile, "utf8")) as object, path.relative(path.join(repoRoot, "generator"), capability.schemaFile.pathname));
    }
    ajv.addSchema(readSchema("manifest.schema.json"), "manifest.schema.json");
    const validatePart = ajv.compile(readSchema("manifest-part.schema.json"));
    for (const part of [TYPES, PETS, `${PETS}include: [../types.yaml]\n`]) assert.ok(validatePart(parse(part)), JSON.stringify(validatePart.errors));
    assert.equal(validatePart(parse("name: Other\n")), false);
    assert.equal(validatePart(parse("types:\n  pet: { enum: [a] }\n")), false);
    assert.equal(validatePart(parse("include: gone.yaml\n")), false);
  });
});
