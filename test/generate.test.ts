import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { isMap, parseDocument, visit } from "yaml";
import { generate } from "../generator/pipeline.js";
import { GENERATED_MARK } from "../generator/write.js";
import { repoRoot, runGenerator, snapshotDir } from "./helpers/cli.js";
import { minimalLines, minimalWith } from "./helpers/manifests.js";

const T = { timeout: 60_000 };
const runtimeDir = path.join(repoRoot, "runtime");
let work: string;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sdk-generate-"));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** This repository's manifest and the parts it includes (api/), copied into `dir`; answers the copy's path. */
async function copyManifest(dir: string): Promise<string> {
  await cp(path.join(repoRoot, "api"), path.join(dir, "api"), { recursive: true });
  await cp(path.join(repoRoot, "manifest.yaml"), path.join(dir, "manifest.yaml"));
  return path.join(dir, "manifest.yaml");
}

/** The same manifest with the keys of every mapping in reverse order. */
function reversedKeys(text: string): string {
  const doc = parseDocument(text);
  visit(doc, {
    Map(_, node) {
      if (isMap(node)) node.items.reverse();
    },
  });
  return doc.toString();
}

describe("generator output", () => {
  it("is byte-identical across runs and whatever the order of mapping keys", T, async () => {
    // Each manifest beside its own output folder: the headers name the same relative paths.
    const manifestPath = await copyManifest(path.join(work, "determinism"));
    const outDir = path.join(work, "determinism", "generated");
    const first = await generate({ manifestPath, outDir, runtimeDir });
    const second = await generate({ manifestPath, outDir, runtimeDir });
    assert.deepStrictEqual(second.files, first.files);

    const reordered = await copyManifest(path.join(work, "reordered"));
    const parts = [reordered, ...(await readdir(path.join(work, "reordered", "api"), { recursive: true }))
      .filter((file) => file.endsWith(".yaml"))
      .map((file) => path.join(work, "reordered", "api", file))];
    for (const file of parts) {
      const text = await readFile(file, "utf8");
      const reversed = reversedKeys(text);
      assert.notEqual(reversed, text);
      await writeFile(file, reversed);
    }
    const third = await generate({ manifestPath: reordered, outDir: path.join(work, "reordered", "generated"), runtimeDir });
    assert.deepStrictEqual(third.files, first.files);
  });

  it("starts every file with the generated-file header", T, async () => {
    const { files } = await generate({ manifestPath: path.join(repoRoot, "manifest.yaml"), outDir: path.join(repoRoot, "generated"), runtimeDir });
    assert.ok(files.length >= 10);
    for (const file of files) {
      const firstLines = file.text.split("\n").slice(0, 3).join("\n");
      assert.ok(firstLines.includes(`${GENERATED_MARK} from manifest.yaml (Schematic API`), file.path);
    }
  });
});

describe("npm run generate", () => {
  it("writes only what changed, reports drift exactly, and regenerates after a rename", T, async () => {
    const dir = path.join(work, "rename");
    const manifest = await copyManifest(dir);
    const out = path.join(dir, "generated");
    const args = ["--manifest", manifest, "--out", out, "--runtime", runtimeDir];

    const fresh = await runGenerator(args);
    assert.equal(fresh.code, 0, fresh.stderr);
    // As many files as generated/, which the same manifest gives.
    const count = (await readdir(path.join(repoRoot, "generated"), { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile() && !entry.name.startsWith(".")).length;
    assert.match(fresh.stdout, new RegExp(`^generate: ${count} files in .+: ${count} written, 0 unchanged, 0 removed in \\d+\\.\\d\\d s\n$`));

    const before = await snapshotDir(out);
    const again = await runGenerator(args);
    assert.match(again.stdout, new RegExp(`: 0 written, ${count} unchanged, 0 removed in `));
    assert.deepStrictEqual(await snapshotDir(out), before, "unchanged files are not rewritten");

    const typesPart = path.join(dir, "api", "types.yaml");
    const text = await readFile(typesPart, "utf8");
    const renamed = text.replace(/(UpsertCompanyRequestBody:[\s\S]*?)update_only: boolean\?/, "$1update_existing_only: boolean?");
    assert.notEqual(renamed, text);
    await writeFile(typesPart, renamed);

    const check = await runGenerator([...args, "--check", "--allow-foreign-files"]);
    assert.equal(check.code, 1);
    const listed = check.stdout.split("\n").filter((line) => line.startsWith("would "));
    assert.deepStrictEqual(listed, ["codecs.ts", "reference.md", "types.ts"].map((f) => `would write  ${path.join(out, f)}`));
    assert.match(check.stdout, new RegExp(`check: 3 files out of date in .+ \\(${count - 3} unchanged\\) in \\d+\\.\\d\\d s; run \`npm run generate\``));
    assert.deepStrictEqual(await snapshotDir(out), before, "--check writes nothing");

    const regenerate = await runGenerator(args);
    assert.match(regenerate.stdout, new RegExp(`: 3 written, ${count - 3} unchanged, 0 removed in `));
    const types = await readFile(path.join(out, "types.ts"), "utf8");
    assert.match(types, /export interface UpsertCompanyRequestBody \{[^}]*updateExistingOnly\?: boolean \| null;/);
    assert.doesNotMatch(types, /export interface UpsertCompanyRequestBody \{[^}]*updateOnly/);
    assert.match(await readFile(path.join(out, "reference.md"), "utf8"), /^- `updateExistingOnly` \(`update_existing_only`, body, /m);
    assert.equal((await runGenerator([...args, "--check"])).code, 0);
  });

  it("removes generated files the manifest no longer produces; with --allow-foreign-files, leaves other files alone", T, async () => {
    const dir = path.join(work, "stale");
    const manifest = path.join(dir, "manifest.yaml");
    const out = path.join(dir, "generated");
    const args = ["--manifest", manifest, "--out", out, "--runtime", runtimeDir];
    const withShelter = [...minimalLines, "  shelters:", "    operations:", "      listShelters:", "        method: GET", "        path: /shelters", "        response: { status: 200 }", ""].join("\n");
    await cp(path.join(repoRoot, "test/fixtures/minimal/manifest.yaml"), manifest);
    await writeFile(manifest, withShelter);
    assert.equal((await runGenerator(args)).code, 0);
    await readFile(path.join(out, "resources/shelters.ts"), "utf8");
    await writeFile(path.join(out, "NOTES.txt"), "kept by hand");

    await writeFile(manifest, minimalLines.join("\n"));
    const check = await runGenerator([...args, "--check", "--allow-foreign-files"]);
    assert.equal(check.code, 1);
    assert.ok(check.stdout.includes(`would remove ${path.join(out, "resources/shelters.ts")}`));
    const refused = await runGenerator(args);
    assert.equal(refused.code, 73, "a folder holding a file the generator did not write is refused");
    assert.match(refused.stderr, /NOTES\.txt/);
    await readFile(path.join(out, "resources/shelters.ts"), "utf8");
    const result = await runGenerator([...args, "--allow-foreign-files"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, / 2 removed in /);
    assert.match(result.stderr, /NOTES\.txt was not written by the generator; left alone/);
    await assert.rejects(readFile(path.join(out, "resources/shelters.ts")), { code: "ENOENT" });
    await assert.rejects(readFile(path.join(out, "operations/shelters.ts")), { code: "ENOENT" });
    assert.equal(await readFile(path.join(out, "NOTES.txt"), "utf8"), "kept by hand");
  });

  it("rejects an unknown flag with the usage text", T, async () => {
    const result = await runGenerator(["--chek"]);
    assert.equal(result.code, 64);
    assert.match(result.stderr, /Unknown option '--chek'[\s\S]*Usage: npm run generate/);
  });

  const badManifests: [string, string, RegExp][] = [
    ["broken YAML", minimalWith("required: [pet_id, name]", "    required: [pet_id, name"), /manifest\.yaml:\d+:\d+: invalid YAML: /],
    ["a wrong type", minimalWith("status: 404", "    status: [404]"), /manifest\.yaml:\d+:13: errors\.NotFoundError\.status: expected integer, got a list/],
    ["an unknown reference", minimalWith("type: Pet }", "        response: { status: 200, type: Dog }"), /manifest\.yaml:\d+:40: .*unknown type "Dog"/],
    ["a missing path parameter", minimalWith("path: /pets/{pet_id}", "        path: /pets/{pet_id}/{size}"), /manifest\.yaml:\d+:15: .*"\{size\}" is not declared in pathParams/],
  ];
  for (const [name, text, expected] of badManifests) {
    it(`${name}: exits non-zero with file:line:column and leaves the output untouched`, T, async () => {
      const dir = path.join(work, name.replace(/\W+/g, "-"));
      const manifest = path.join(dir, "manifest.yaml");
      const out = path.join(dir, "generated");
      const args = ["--manifest", manifest, "--out", out, "--runtime", runtimeDir];
      await cp(path.join(repoRoot, "test/fixtures/minimal/manifest.yaml"), manifest);
      assert.equal((await runGenerator(args)).code, 0);
      const before = await snapshotDir(out);

      await writeFile(manifest, text);
      for (const extra of [[], ["--check"]]) {
        const result = await runGenerator([...args, ...extra]);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, expected);
        assert.ok(result.stderr.includes(manifest), "names the file");
        assert.match(result.stderr, /problems? in .*; .* was not changed\n$/);
      }
      assert.deepStrictEqual(await snapshotDir(out), before);
    });
  }
});
