// The generic core speaks only of what a manifest declares: an API without flag checks, events or auth gets docs and
// code with no word of them, and every generated file's header names the manifest and the command that regenerates it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { generate } from "../generator/pipeline.js";
import type { OutputFile } from "../generator/write.js";
import { CAPABILITY_WORDS, capabilityLines } from "./helpers/capability-words.js";
import { repoRoot, runGenerator } from "./helpers/cli.js";

const T = { timeout: 60_000 };

/** No capability, no auth: servers, options, one type, one resource. */
const NEUTRAL_MANIFEST = `name: Bookshelf
title: Bookshelf API
version: "1"
package: bookshelf-sdk
defaultServer: main
servers:
  main:
    url: https://books.example.com
    option: baseUrl
options:
  timeoutMs:
    type: integer
    default: 30000
    description: Time allowed for each request, in milliseconds.
types:
  Book:
    required: [book_id, title]
    properties:
      book_id: string
      title: string
      tags: map<string>?
resources:
  books:
    operations:
      getBook:
        method: GET
        path: /books/{book_id}
        pathParams:
          book_id: string
        response:
          status: 200
          type: Book
        example: { bookId: "b1" }
`;

const BEARER_MANIFEST = NEUTRAL_MANIFEST.replace("options:\n", "auth:\n  scheme: bearer\n  option: token\noptions:\n");

/** A plain client speaks of its credentials in its own scheme's words: the one of an API key only with an API key. */
const API_KEY = /\bAPI[ -]?key\b/i;
const NEUTRAL_WORDS = [...CAPABILITY_WORDS, API_KEY];
const neutralLines = (files: OutputFile[]) => capabilityLines(files, NEUTRAL_WORDS);

const isDoc = (file: OutputFile) => file.path.endsWith(".md");

describe("output of an API without capabilities", () => {
  let work: string;
  let neutral: OutputFile[];
  let bearer: OutputFile[];

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "neutral-output-"));
    await writeFile(path.join(work, "manifest.yaml"), NEUTRAL_MANIFEST);
    await writeFile(path.join(work, "bearer.yaml"), BEARER_MANIFEST);
    const runtimeDir = path.join(repoRoot, "runtime");
    neutral = (await generate({ manifestPath: path.join(work, "manifest.yaml"), outDir: path.join(work, "generated"), runtimeDir })).files;
    bearer = (await generate({ manifestPath: path.join(work, "bearer.yaml"), outDir: path.join(work, "bearer"), runtimeDir })).files;
  });
  after(() => rm(work, { recursive: true, force: true }));

  it("README.md and reference.md name no word of flag checks, events, offline mode or an API key", T, () => {
    assert.deepStrictEqual(neutral.filter(isDoc).map((f) => f.path), ["README.md", "reference.md"]);
    assert.deepStrictEqual(neutralLines(neutral.filter(isDoc)), []);
  });

  it(
    "the TypeScript files name no word of flag checks, events, offline mode or an API key",
    T,
    () => {
      assert.ok(neutral.some((f) => f.path === "client.ts"));
      assert.deepStrictEqual(neutralLines(neutral.filter((f) => !isDoc(f))), []);
    },
  );

  it("with bearer auth, the docs speak of the token option and never of an API key", T, () => {
    const readme = bearer.find((f) => f.path === "README.md")!.text;
    assert.match(readme, /\| `token` +\| `string` +\| required +\|/, "the option table lists the token, required, with no offline exception");
    assert.match(readme, /Authorization: Bearer <token>/);
    assert.match(readme, /token: process\.env\.API_TOKEN!/);
    assert.deepStrictEqual(bearer.filter((f) => API_KEY.test(f.text)).map((f) => f.path), []);
  });

  it(
    "with bearer auth, the docs name no other word of the capabilities",
    T,
    () => {
      assert.deepStrictEqual(neutralLines(bearer.filter(isDoc)), []);
    },
  );
});

describe("header of generated files", () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "neutral-header-"));
  });
  after(() => rm(work, { recursive: true, force: true }));

  /** A layout under `root`: the manifest at specs/bookshelf.yaml, the output in sdk/, the runtime in lib/runtime/. */
  async function layout(root: string) {
    await mkdir(path.join(root, "specs"), { recursive: true });
    await writeFile(path.join(root, "specs/bookshelf.yaml"), NEUTRAL_MANIFEST);
    await writeFile(path.join(root, "manifest.yaml"), NEUTRAL_MANIFEST);
    return { manifestPath: path.join(root, "specs/bookshelf.yaml"), outDir: path.join(root, "sdk"), runtimeDir: path.join(root, "lib/runtime") };
  }
  const firstLines = (files: OutputFile[], name: string, count: number) => files.find((f) => f.path === name)!.text.split("\n").slice(0, count);

  it("names the manifest and the npm run generate options relative to the folder holding the output", T, async () => {
    const { files } = await generate(await layout(path.join(work, "a")));
    const command = "`npm run generate -- --manifest specs/bookshelf.yaml --out sdk --runtime lib/runtime` (paths relative to the folder that holds sdk/).";
    assert.deepStrictEqual(firstLines(files, "client.ts", 2), [
      "// Generated by the SDK generator from specs/bookshelf.yaml (Bookshelf API 1). Do not edit by hand: change",
      `// specs/bookshelf.yaml or the generator, then run ${command}`,
    ]);
    assert.deepStrictEqual(firstLines(files, "README.md", 4), [
      "<!--",
      "Generated by the SDK generator from specs/bookshelf.yaml (Bookshelf API 1). Do not edit by hand: change",
      `specs/bookshelf.yaml or the generator, then run ${command}`,
      "-->",
    ]);
    const headed = files.filter((f) => f.text.split("\n").slice(0, 3).some((line) => line.endsWith(command)));
    assert.deepStrictEqual(headed.map((f) => f.path), files.map((f) => f.path), "every file has the header");
  });

  it("is the same wherever the tree lives and whatever paths name it (absolute or relative)", T, async () => {
    const absolute = await generate(await layout(path.join(work, "b")));
    const elsewhere = await generate(await layout(path.join(work, "c", "deeper")));
    const relativeInput = await layout(path.join(work, "d"));
    const relative = await generate({
      manifestPath: path.relative(process.cwd(), relativeInput.manifestPath),
      outDir: path.relative(process.cwd(), relativeInput.outDir),
      runtimeDir: path.relative(process.cwd(), relativeInput.runtimeDir),
    });
    assert.deepStrictEqual(elsewhere.files, absolute.files);
    assert.deepStrictEqual(relative.files, absolute.files);
  });

  it("says `npm run generate` alone for manifest.yaml and runtime/ beside generated/", T, async () => {
    const root = path.join(work, "e");
    await layout(root);
    const { files } = await generate({ manifestPath: path.join(root, "manifest.yaml"), outDir: path.join(root, "generated"), runtimeDir: path.join(root, "runtime") });
    assert.deepStrictEqual(firstLines(files, "client.ts", 2), [
      "// Generated by the SDK generator from manifest.yaml (Bookshelf API 1). Do not edit by hand: change",
      "// manifest.yaml or the generator, then run `npm run generate`.",
    ]);
  });

  it("written by the CLI, is the header generate() gives for the same paths", T, async () => {
    const paths = await layout(path.join(work, "f"));
    const cli = await runGenerator(["--manifest", paths.manifestPath, "--out", paths.outDir, "--runtime", paths.runtimeDir]);
    assert.equal(cli.code, 0, cli.stderr);
    const written = await readFile(path.join(paths.outDir, "client.ts"), "utf8");
    const { files } = await generate(paths);
    assert.deepStrictEqual(written.split("\n").slice(0, 2), firstLines(files, "client.ts", 2));
    assert.match(written, /^\/\/ specs\/bookshelf\.yaml or the generator, then run `npm run generate -- --manifest specs\/bookshelf\.yaml --out sdk/m);
  });
});

describe("the command a header names", () => {
  it("regenerates the output when typed in the folder the header names (checked with --check)", { timeout: 120_000 }, async () => {
    const fixture = path.join(repoRoot, "test/fixtures/kitchen-sink");
    const header = (await readFile(path.join(fixture, "expected/client.ts"), "utf8")).split("\n").slice(0, 2).join(" ");
    const command = /`npm run generate -- (.+?)`/.exec(header)?.[1];
    assert.ok(command !== undefined && header.includes("relative to the folder that holds expected/"), header);
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const { INIT_CWD: _typedElsewhere, ...env } = process.env;
    const { stdout } = await promisify(execFile)(npm, ["run", "--silent", "generate", "--", "--check", ...command.split(" ")], { cwd: fixture, env, timeout: 100_000 });
    assert.match(stdout, new RegExp(`check: ${path.join(fixture, "expected").replaceAll("/", "\\/")}\\/ matches manifest\\.yaml`));
  });
});
