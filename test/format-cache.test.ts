import assert from "node:assert/strict";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { formatKey } from "../generator/format.js";
import { generate } from "../generator/pipeline.js";
import { RECORD_FILE, applyWrite, planWrite } from "../generator/write.js";
import { repoRoot } from "./helpers/cli.js";
import { minimalLines, minimalWith } from "./helpers/manifests.js";

const T = { timeout: 60_000 };
const runtimeDir = path.join(repoRoot, "runtime");
let work: string;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sdk-format-cache-"));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A manifest in `dir`, generated into dir/generated (so every folder gets the same headers); written unless `dryRun`. */
async function generateIn(dir: string, manifest: string, dryRun = false) {
  await mkdir(dir, { recursive: true });
  const manifestPath = path.join(dir, "manifest.yaml");
  await writeFile(manifestPath, manifest);
  const outDir = path.join(dir, "generated");
  const result = await generate({ manifestPath, outDir, runtimeDir });
  const plan = await planWrite(outDir, result.files);
  if (!dryRun) await applyWrite(outDir, result.files, plan);
  return { ...result, plan, outDir };
}

const texts = (files: { path: string; text: string }[]) => Object.fromEntries(files.map((f) => [f.path, f.text]));

async function editRecord(outDir: string, edit: (files: Record<string, Record<string, unknown>>) => void) {
  const where = path.join(outDir, RECORD_FILE);
  const record = JSON.parse(await readFile(where, "utf8")) as { files: Record<string, Record<string, unknown>> };
  edit(record.files);
  await writeFile(where, JSON.stringify(record, null, 2));
}

describe("format cache", () => {
  it("reuses a file's formatting only while its unformatted text, the file on disk and the record agree", T, async () => {
    const manifest = minimalLines.join("\n");
    const first = await generateIn(path.join(work, "a"), manifest);
    assert.equal(first.formatCached, 0, "nothing to reuse in a new folder");
    const formattedCount = first.files.length;

    const again = await generateIn(path.join(work, "a"), manifest);
    assert.equal(again.formatCached, formattedCount, "every file reused when nothing changed");
    assert.deepEqual(texts(again.files), texts(first.files));
    assert.deepEqual(again.plan.changed, []);

    // A file edited by hand no longer has its recorded hash: formatted again, and the output is the generator's.
    await appendFile(path.join(first.outDir, "types.ts"), "export const handEdit = 1;\n");
    const afterEdit = await generateIn(path.join(work, "a"), manifest);
    assert.equal(afterEdit.formatCached, formattedCount - 1);
    assert.equal(texts(afterEdit.files)["types.ts"], texts(first.files)["types.ts"]);
    assert.deepEqual(afterEdit.plan.changed, ["types.ts"]);

    // A record whose key does not match the unformatted text (edited, or from other input) is not believed.
    await editRecord(first.outDir, (files) => {
      files["client.ts"]!.source = formatKey("client.ts", "something else");
    });
    const afterRecordEdit = await generateIn(path.join(work, "a"), manifest);
    assert.equal(afterRecordEdit.formatCached, formattedCount - 1);
    assert.deepEqual(texts(afterRecordEdit.files), texts(first.files));

    // Changed input: what the cache gives equals what a folder without a cache gets, byte for byte.
    const changed = minimalWith("  Pet:", "  Pet:\n    description: A pet, described so that types.ts changes.");
    const cachedRun = await generateIn(path.join(work, "a"), changed, true);
    const freshRun = await generateIn(path.join(work, "b"), changed, true);
    assert.equal(freshRun.formatCached, 0);
    assert.ok(cachedRun.formatCached < formattedCount, "the changed files are formatted again");
    assert.ok(cachedRun.formatCached > 0, "the unchanged files are reused");
    assert.deepEqual(texts(cachedRun.files), texts(freshRun.files));
    assert.match(texts(cachedRun.files)["types.ts"]!, /A pet, described so that types\.ts changes\./);
  });

  it("reads a record written before the format cache (no keys) and keeps the keys from then on", T, async () => {
    const manifest = minimalLines.join("\n");
    const first = await generateIn(path.join(work, "old"), manifest);
    await editRecord(first.outDir, (files) => {
      for (const entry of Object.values(files)) delete entry.source;
    });
    const upgraded = await generateIn(path.join(work, "old"), manifest);
    assert.equal(upgraded.formatCached, 0);
    assert.deepEqual(upgraded.plan.changed, [], "no file differs; only the record is rewritten");
    assert.equal(upgraded.plan.recordChanged, true);
    const record = JSON.parse(await readFile(path.join(first.outDir, RECORD_FILE), "utf8")) as { files: Record<string, { source?: string }> };
    assert.ok(Object.values(record.files).every((entry) => typeof entry.source === "string" && entry.source.length === 64));
    const next = await generateIn(path.join(work, "old"), manifest);
    assert.equal(next.formatCached, first.files.length);
  });

  it("keys on the path as well as the text (the path picks the parser), and on what of it is formatted", () => {
    assert.notEqual(formatKey("a.ts", "x"), formatKey("a.md", "x"));
    assert.equal(formatKey("a.ts", "x"), formatKey("a.ts", "x"));
    assert.notEqual(formatKey("a.ts", "x"), formatKey("a.ts", "x "));
    assert.notEqual(formatKey("a.md", "x"), formatKey("a.md", "x", true), "only its code blocks: another formatting");
  });
});
