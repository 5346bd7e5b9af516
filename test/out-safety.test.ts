// --out: the generator removes only files it wrote itself, refuses folders that are not its own, never follows a
// symbolic link or opens a special file, and refuses a file-system root, the home folder and a repository's root.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GENERATED_MARK, RECORD_FILE } from "../generator/write.js";
import { repoRoot, runGenerator } from "./helpers/cli.js";
import { minimalLines } from "./helpers/manifests.js";

const T = { timeout: 90_000 };
const runtimeDir = path.join(repoRoot, "runtime");
/** The minimal manifest with a second resource, so that removing it leaves a stale generated file. */
const withShelters = [...minimalLines, "  shelters:", "    operations:", "      listShelters:", "        method: GET", "        path: /shelters", "        response: { status: 200 }", ""].join("\n");
/** Text that looks generated (it carries the header) but was written by somebody else. */
const lookalike = `// ${GENERATED_MARK} from manifest.yaml (a copy kept by hand).\nexport const notes = 1;\n`;
let work: string;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sdk-out-safety-"));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A fresh folder with a manifest (the minimal one unless given) and the generator's arguments for it. */
async function setUp(name: string, manifestText = minimalLines.join("\n")) {
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  const manifest = path.join(dir, "manifest.yaml");
  const out = path.join(dir, "generated");
  await writeFile(manifest, manifestText);
  return { dir, manifest, out, args: ["--manifest", manifest, "--out", out, "--runtime", runtimeDir] };
}

const exists = (file: string) => lstat(file).then(() => true, () => false);

describe("--out removes only what the generator wrote", () => {
  it("removes a recorded stale file, not a file that merely carries the generated header", T, async () => {
    const { manifest, out, args } = await setUp("stale", withShelters);
    assert.equal((await runGenerator(args)).code, 0);
    const record = JSON.parse(await readFile(path.join(out, RECORD_FILE), "utf8"));
    assert.ok(record.files["resources/shelters.ts"].sha256, "the record lists what was written, with its hash");
    await writeFile(path.join(out, "resources/kept.ts"), lookalike);

    await writeFile(manifest, minimalLines.join("\n"));
    assert.equal((await runGenerator(args)).code, 73, "the lookalike is a file the generator did not write");
    const result = await runGenerator([...args, "--allow-foreign-files"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, / 2 removed in /);
    assert.equal(await exists(path.join(out, "resources/shelters.ts")), false);
    assert.equal(await exists(path.join(out, "operations/shelters.ts")), false, "its operations module goes with it");
    assert.equal(await readFile(path.join(out, "resources/kept.ts"), "utf8"), lookalike);
    assert.match(result.stderr, /resources\/kept\.ts was not written by the generator; left alone/);
    const after = JSON.parse(await readFile(path.join(out, RECORD_FILE), "utf8"));
    assert.equal(after.files["resources/shelters.ts"], undefined, "the removed file leaves the record");
  });

  it("believes a record's mark of a file written without a header only for package files", T, async () => {
    const { out, args } = await setUp("unmarked");
    assert.equal((await runGenerator(args)).code, 0);
    // A hostile record claims two files of the user's as header-less output, with their true size and hash.
    const notes = "my notes\n";
    const stamp = { bytes: Buffer.byteLength(notes), sha256: createHash("sha256").update(notes).digest("hex"), unmarked: true };
    await mkdir(path.join(out, "src/runtime"), { recursive: true });
    await writeFile(path.join(out, "notes.md"), notes);
    await writeFile(path.join(out, "src/runtime/extra.ts"), notes);
    const recordPath = path.join(out, RECORD_FILE);
    const record = JSON.parse(await readFile(recordPath, "utf8"));
    record.files["notes.md"] = stamp;
    record.files["src/runtime/extra.ts"] = stamp;
    await writeFile(recordPath, JSON.stringify(record));

    const result = await runGenerator(args);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(path.join(out, "notes.md"), "utf8"), notes, "not a package file: kept");
    assert.match(result.stderr, /notes\.md was changed by hand since the generator wrote it; no longer generated, so left alone/);
    assert.equal(await exists(path.join(out, "src/runtime/extra.ts")), false, "a runtime copy the output no longer needs: removed");
  });

  it("leaves a recorded file that was changed by hand, with a warning", T, async () => {
    const { manifest, out, args } = await setUp("edited", withShelters);
    assert.equal((await runGenerator(args)).code, 0);
    const shelters = path.join(out, "resources/shelters.ts");
    const edited = `${await readFile(shelters, "utf8")}// a note added by hand\n`;
    await writeFile(shelters, edited);

    await writeFile(manifest, minimalLines.join("\n"));
    const check = await runGenerator([...args, "--check"]);
    const removals = check.stdout.split("\n").filter((line) => line.startsWith("would remove"));
    assert.deepStrictEqual(removals, [`would remove ${path.join(out, "operations/shelters.ts")}`], "a hand-changed file would not be removed; the untouched one would");
    const result = await runGenerator(args);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, / 1 removed in /);
    assert.equal(await readFile(shelters, "utf8"), edited);
    assert.match(result.stderr, /resources\/shelters\.ts was changed by hand since the generator wrote it; no longer generated, so left alone/);
  });

  it("refuses a folder holding files it did not write; --allow-foreign-files writes beside them and removes none", T, async () => {
    const { out, args } = await setUp("foreign");
    await mkdir(path.join(out, "docs"), { recursive: true });
    await writeFile(path.join(out, "NOTES.md"), "kept by hand\n");
    await writeFile(path.join(out, "docs/old.ts"), lookalike);

    const refused = await runGenerator(args);
    assert.equal(refused.code, 73, refused.stderr);
    assert.match(refused.stderr, /refusing to generate into .*generated: it holds files the generator did not write \(.*NOTES\.md.*\).*--allow-foreign-files/);
    assert.equal(await exists(path.join(out, "types.ts")), false, "nothing was written");
    assert.equal((await runGenerator([...args, "--check"])).code, 73, "--check refuses the folder too");

    const allowed = await runGenerator([...args, "--allow-foreign-files"]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, / 0 removed in /);
    assert.match(allowed.stderr, /docs\/old\.ts was not written by the generator; left alone/);
    assert.equal(await readFile(path.join(out, "docs/old.ts"), "utf8"), lookalike);
    assert.equal(await readFile(path.join(out, "NOTES.md"), "utf8"), "kept by hand\n");
    await readFile(path.join(out, "types.ts"), "utf8");
  });

  it("never replaces a file it did not write where it would write one, even when allowed", T, async () => {
    const { out, args } = await setUp("in-the-way");
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, "types.ts"), "export type Mine = 1;\n");
    const result = await runGenerator([...args, "--allow-foreign-files"]);
    assert.equal(result.code, 73, result.stderr);
    assert.match(result.stderr, /refusing to replace what the generator did not write: .*types\.ts/);
    assert.equal(await readFile(path.join(out, "types.ts"), "utf8"), "export type Mine = 1;\n");
    assert.equal(await exists(path.join(out, "client.ts")), false);
  });

  it("refuses a record that names a file outside the folder", T, async () => {
    const { dir, out, args } = await setUp("hostile-record");
    assert.equal((await runGenerator(args)).code, 0);
    const outside = path.join(dir, "outside.ts");
    await writeFile(outside, lookalike);
    const record = JSON.parse(await readFile(path.join(out, RECORD_FILE), "utf8"));
    record.files["../outside.ts"] = { bytes: Buffer.byteLength(lookalike), sha256: createHash("sha256").update(lookalike).digest("hex") };
    await writeFile(path.join(out, RECORD_FILE), JSON.stringify(record));
    const result = await runGenerator(args);
    assert.equal(result.code, 73, result.stderr);
    assert.match(result.stderr, /is not a record the generator wrote/);
    assert.equal(await readFile(outside, "utf8"), lookalike);
  });

  it("--check reports an out-of-date record as drift", T, async () => {
    const { out, args } = await setUp("stale-record");
    assert.equal((await runGenerator(args)).code, 0);
    assert.equal((await runGenerator([...args, "--check"])).code, 0);
    const recordPath = path.join(out, RECORD_FILE);
    const record = JSON.parse(await readFile(recordPath, "utf8"));
    record.files["types.ts"].sha256 = createHash("sha256").update("something else").digest("hex");
    await writeFile(recordPath, JSON.stringify(record));
    const check = await runGenerator([...args, "--check"]);
    assert.equal(check.code, 1, check.stdout + check.stderr);
    assert.deepStrictEqual(check.stdout.split("\n").filter((line) => line.startsWith("would ")), [`would write  ${recordPath}`]);
    assert.equal((await runGenerator(args)).code, 0);
    assert.equal((await runGenerator([...args, "--check"])).code, 0, "the record was rewritten");
  });

  it("adopts a folder generated before records were kept; --check reports the missing record as drift", T, async () => {
    const { out, args } = await setUp("adopt");
    assert.equal((await runGenerator(args)).code, 0);
    const recordPath = path.join(out, RECORD_FILE);
    await rm(recordPath);
    const check = await runGenerator([...args, "--check"]);
    assert.equal(check.code, 1, check.stdout + check.stderr);
    assert.deepStrictEqual(check.stdout.split("\n").filter((line) => line.startsWith("would ")), [`would write  ${recordPath}`]);
    assert.equal(await exists(recordPath), false, "--check writes no record");

    // A generated file out of date (its header intact) is drift, and is rewritten, as before.
    const types = path.join(out, "types.ts");
    await writeFile(types, (await readFile(types, "utf8")).replace("name: string", "nickname: string"));
    const drift = await runGenerator([...args, "--check"]);
    assert.equal(drift.code, 1);
    assert.deepStrictEqual(drift.stdout.split("\n").filter((line) => line.startsWith("would ")), [`would write  ${types}`], "the record is rewritten with the files");
    const adopted = await runGenerator(args);
    assert.equal(adopted.code, 0, adopted.stderr);
    assert.match(adopted.stdout, /: 1 written, 8 unchanged, 0 removed in /);
    const record = JSON.parse(await readFile(path.join(out, RECORD_FILE), "utf8"));
    const files = ["README.md", "client.ts", "codecs.ts", "errors.ts", "index.ts", "operations/pets.ts", "reference.md", "resources/pets.ts", "types.ts"];
    assert.deepStrictEqual(Object.keys(record.files).sort(), files);
  });
});

describe("--out never follows a symbolic link or opens a special file", () => {
  it("skips a FIFO, a link to /dev/zero and a link to a folder, with warnings, and touches none of them", T, async () => {
    const { dir, out, args } = await setUp("special");
    assert.equal((await runGenerator(args)).code, 0);
    const elsewhere = path.join(dir, "elsewhere");
    await mkdir(elsewhere);
    await writeFile(path.join(elsewhere, "old.ts"), lookalike);
    execFileSync("mkfifo", [path.join(out, "pipe")]);
    await symlink("/dev/zero", path.join(out, "zero.ts"));
    await symlink(elsewhere, path.join(out, "linked"));

    const refused = await runGenerator(args, 30_000);
    assert.equal(refused.code, 73, `special files the generator did not make are foreign: ${refused.stderr}`);
    for (const extra of [["--check"], []]) {
      const result = await runGenerator([...args, "--allow-foreign-files", ...extra], 30_000);
      assert.equal(result.code, 0, `${extra.join(" ")}: ${result.stderr}`);
      for (const name of ["pipe", "zero.ts", "linked"]) {
        assert.ok(result.stderr.includes(`${path.join(out, name)} is a symbolic link or special file; not followed, left alone`), result.stderr);
      }
    }
    assert.ok((await lstat(path.join(out, "pipe"))).isFIFO());
    assert.equal(await readlink(path.join(out, "zero.ts")), "/dev/zero");
    assert.equal(await readFile(path.join(elsewhere, "old.ts"), "utf8"), lookalike);
  });

  it("names the first 10 links it leaves alone, then counts the rest in the plural", T, async () => {
    const { out, args } = await setUp("many-links");
    assert.equal((await runGenerator(args)).code, 0);
    for (let i = 0; i < 12; i++) await symlink("/dev/null", path.join(out, `link-${String(i).padStart(2, "0")}`));
    const result = await runGenerator([...args, "--allow-foreign-files", "--check"], 30_000);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr.split("\n").filter((line) => line.endsWith("is a symbolic link or special file; not followed, left alone")).length, 10);
    assert.match(result.stderr, /generate: and 2 more files that are symbolic links or special files; not followed, left alone\n/);
  });

  it("refuses to write through a link where a generated folder or file goes", T, async () => {
    const { dir, out, args } = await setUp("linked-resources");
    assert.equal((await runGenerator(args)).code, 0);
    const elsewhere = path.join(dir, "elsewhere");
    await cp(path.join(out, "resources"), elsewhere, { recursive: true });
    await rm(path.join(out, "resources"), { recursive: true });
    await symlink(elsewhere, path.join(out, "resources"));
    await rm(path.join(out, "index.ts"));
    await symlink(path.join(elsewhere, "pets.ts"), path.join(out, "index.ts"));
    const before = await readFile(path.join(elsewhere, "pets.ts"), "utf8");

    const result = await runGenerator(args, 30_000);
    assert.equal(result.code, 73, result.stderr);
    assert.match(result.stderr, /refusing to replace what the generator did not write: .*index\.ts.*resources\/pets\.ts/);
    assert.equal(await readFile(path.join(elsewhere, "pets.ts"), "utf8"), before);
  });
});

describe("--out names one folder, however it is spelled", () => {
  it("`<folder>/missing/..` is the folder: its foreign files refuse it and stay untouched, even when allowed", T, async () => {
    const { dir, manifest } = await setUp("dot-dot");
    const victim = path.join(dir, "victim");
    await mkdir(victim);
    await writeFile(path.join(victim, "README.md"), "mine\n");
    await writeFile(path.join(victim, "notes.txt"), "mine too\n");
    const out = `${victim}/missing/..`;
    const refused = await runGenerator(["--manifest", manifest, "--out", out, "--runtime", runtimeDir]);
    assert.equal(refused.code, 73, refused.stderr);
    assert.match(refused.stderr, /refusing to replace what the generator did not write: .*victim\/README\.md/);
    const allowed = await runGenerator(["--manifest", manifest, "--out", out, "--runtime", runtimeDir, "--allow-foreign-files"]);
    assert.equal(allowed.code, 73, allowed.stderr);
    assert.match(allowed.stderr, /refusing to replace what the generator did not write: .*victim\/README\.md/);
    assert.equal(await readFile(path.join(victim, "README.md"), "utf8"), "mine\n");
    assert.equal(await exists(path.join(victim, "types.ts")), false, "nothing was written");
    assert.equal(await exists(path.join(victim, RECORD_FILE)), false);
  });

  it("a link to the home folder, also spelled `<link>/missing/..`, is the home folder (without --check)", T, async () => {
    const { dir, manifest } = await setUp("home-link");
    const home = path.join(dir, "home", "someone");
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, ".profile"), "mine\n");
    const link = path.join(dir, "link");
    await symlink(home, link);
    for (const out of [link, `${link}/missing/..`, `${link}/missing/../`]) {
      const result = await runGenerator(["--manifest", manifest, "--out", out, "--runtime", runtimeDir, "--allow-foreign-files"], 60_000, { ...process.env, HOME: home });
      assert.equal(result.code, 73, `${out}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /refusing to generate into .*someone: it is \(or holds\) the home folder/);
    }
    assert.equal(await exists(path.join(home, "README.md")), false, "nothing was written into the home folder");
    assert.equal(await exists(path.join(home, RECORD_FILE)), false);
  });
});

describe("--out refuses folders that cannot be an output folder", () => {
  it("the home folder, a folder holding it, and a repository's root, without --check", T, async () => {
    const { dir, manifest } = await setUp("refused-writing");
    const home = path.join(dir, "home", "someone");
    await mkdir(home, { recursive: true });
    const repo = path.join(dir, "repo");
    await mkdir(repo);
    execFileSync("git", ["init", "-q", repo]);
    const env = { ...process.env, HOME: home };
    const cases: [string, RegExp][] = [
      [home, /it is \(or holds\) the home folder/],
      [path.dirname(home), /it is \(or holds\) the home folder/],
      [`${repo}/missing/..`, /it is a repository's root/],
    ];
    for (const [out, expected] of cases) {
      const result = await runGenerator(["--manifest", manifest, "--out", out, "--runtime", runtimeDir, "--allow-foreign-files"], 60_000, env);
      assert.equal(result.code, 73, `${out}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, expected);
    }
    for (const folder of [home, path.dirname(home), repo]) assert.equal(await exists(path.join(folder, "README.md")), false, folder);
  });

  // With --check, so that even a regression could not write or remove anything there.
  it("a file-system root, the home folder or a folder holding it, and a repository's root", T, async () => {
    const { dir, manifest } = await setUp("refused");
    const home = path.join(dir, "home", "someone");
    await mkdir(home, { recursive: true });
    const env = { ...process.env, HOME: home };
    const cases: [string, RegExp][] = [
      ["/", /refusing to generate into \/: it is a file-system root/],
      [home, /refusing to generate into .*someone: it is \(or holds\) the home folder/],
      [path.dirname(home), /refusing to generate into .*home: it is \(or holds\) the home folder/],
      [repoRoot, /refusing to generate into .*: it is a repository's root; choose a folder inside it/],
    ];
    await Promise.all(
      cases.map(async ([out, expected]) => {
        // Even when foreign files are allowed.
        const result = await runGenerator(["--manifest", manifest, "--out", out, "--runtime", runtimeDir, "--check", "--allow-foreign-files"], 60_000, env);
        assert.equal(result.code, 73, `${out}: ${result.stdout}${result.stderr}`);
        assert.match(result.stderr, expected);
        assert.match(result.stderr, /nothing was written\n$/);
      }),
    );
  });
});
