// Package mode (`npm run generate -- --out DIR` without --runtime) makes a self-contained npm package: built with
// TypeScript, moved away from where it was generated, packed, installed into an app outside the repository, type-checked
// and run against a local server, with both the async and the sync client.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot, runGenerator } from "./helpers/cli.js";
import { TOKEN, bookshelf, childEnv, run } from "./helpers/bookshelf.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { capabilityLines } from "./helpers/capability-words.js";

const T = { timeout: 30_000 };
const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
/** The app's compiler options: strict NodeNext, Node's types from this repository (the app installs none). */
const APP_TSC_FLAGS = ["--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck"];
const appTypes = ["--typeRoots", path.join(repoRoot, "node_modules/@types"), "--types", "node"];

/** Every file below `dir`, as paths relative to it. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/")).sort();
}

/** Lines of the package's files (below `dir`) that name a capability the Bookshelf API does not have, and file names that do. */
async function foreignWordLines(dir: string, files: string[]): Promise<string[]> {
  const named = files.filter((file) => capabilityLines([{ path: file, text: file }]).length > 0);
  const texts = await Promise.all(files.map(async (file) => ({ path: file, text: await readFile(path.join(dir, file), "utf8") })));
  return [...named, ...capabilityLines(texts)];
}

// The app, in TypeScript: every call for one client, the answers as JSON lines. The NotFoundError lines make a wrong
// error body type fail the type check.
const APP = `import { ApiError, BookshelfClient, BookshelfSyncClient, NotFoundError, type Book } from "bookshelf-sdk";

const options = { token: ${JSON.stringify(TOKEN)}, baseUrl: process.env.BOOKSHELF_URL! };

function described(error: unknown) {
  if (error instanceof NotFoundError) {
    const code: string | undefined = typeof error.body === "object" ? error.body.code : undefined;
    return { class: "NotFoundError", isApiError: error instanceof ApiError, status: error.statusCode, code, message: error.message };
  }
  return { class: "other", name: (error as Error).name, message: (error as Error).message };
}

const client = new BookshelfClient(options);
const listed: Book[] = await client.books.listBooks({ page: 1, perPage: 2 });
const got = await client.books.getBook({ bookId: "bk_2" });
const created = await client.books.createBook({ title: "Middlemarch", author: "George Eliot", publishedOn: "1871-12-01" });
const updated = await client.books.updateBook({ bookId: created.bookId, pages: 880 });
const deleted: void = await client.books.deleteBook({ bookId: created.bookId });
const missing = await client.books.getBook({ bookId: created.bookId }).then(() => "no error", described);
console.log(JSON.stringify({ client: "async", listed, got, created, updated, deleted: deleted === undefined, missing }));

const sync = new BookshelfSyncClient(options);
const syncListed: Book[] = sync.books.listBooks({ page: 1, perPage: 2 });
const syncGot = sync.books.getBook({ bookId: "bk_2" });
const syncCreated = sync.books.createBook({ title: "Middlemarch", author: "George Eliot", publishedOn: "1871-12-01" });
const syncUpdated = sync.books.updateBook({ bookId: syncCreated.bookId, pages: 880 });
const syncDeleted: void = sync.books.deleteBook({ bookId: syncCreated.bookId });
let syncMissing;
try {
  sync.books.getBook({ bookId: syncCreated.bookId });
  syncMissing = "no error";
} catch (error) {
  syncMissing = described(error);
}
console.log(JSON.stringify({ client: "sync", listed: syncListed, got: syncGot, created: syncCreated, updated: syncUpdated, deleted: syncDeleted === undefined, missing: syncMissing }));
`;

/** What must not type-check: the error body's code is a string. */
const WRONG_APP = `import { NotFoundError } from "bookshelf-sdk";

export function codeOf(error: unknown): number {
  if (error instanceof NotFoundError && typeof error.body === "object") {
    const n: number = error.body.code;
    return n;
  }
  return 0;
}
`;

describe("npm run generate -- --out DIR (package mode): a self-contained npm package", () => {
  let work: string;
  let pkg: string;
  let app: string;
  let server: TestServer;
  let packaged: string[];

  before(
    async () => {
      work = await mkdtemp(path.join(tmpdir(), "sdk-standalone-"));
      const generatedAt = path.join(work, "generated-here", "bookshelf-sdk");
      const manifest = path.join(repoRoot, "examples/bookshelf/manifest.yaml");
      const generated = await runGenerator(["--manifest", manifest, "--out", generatedAt]);
      assert.equal(generated.code, 0, generated.stderr);
      assert.equal(generated.stderr, "");

      // Built with this repository's TypeScript and types, linked in for the build only.
      await symlink(path.join(repoRoot, "node_modules"), path.join(generatedAt, "node_modules"), "dir");
      const built = await run(process.execPath, [tsc, "-p", generatedAt], generatedAt);
      await rm(path.join(generatedAt, "node_modules"));
      assert.equal(built.code, 0, built.stdout + built.stderr);

      // Moved away from where it was generated: nothing in it may depend on that place.
      pkg = path.join(work, "moved", "bookshelf-sdk");
      await mkdir(path.dirname(pkg));
      await rename(generatedAt, pkg);
      const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], pkg);
      assert.equal(packed.code, 0, packed.stderr);
      const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
      packaged = files.map((file) => file.path).sort();

      app = path.join(work, "app");
      await mkdir(app);
      await writeFile(path.join(app, "package.json"), `${JSON.stringify({ name: "bookshelf-app", private: true, type: "module" }, null, 2)}\n`);
      // undici comes from the npm cache that `npm ci` filled when it is there, else from the registry.
      const installed = await run("npm", ["install", path.join(work, filename), "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], app);
      assert.equal(installed.code, 0, installed.stderr);

      server = await startServer();
      bookshelf(server);
    },
    { timeout: 90_000 },
  );
  after(async () => {
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("holds package.json, tsconfig.json, the docs, src/ and a copy of the runtime; its tarball holds dist/ and the docs", T, async () => {
    const files = await filesBelow(pkg);
    for (const file of ["package.json", "tsconfig.json", "README.md", "reference.md", "src/index.ts", "src/client.ts", "src/resources/books.ts", "src/runtime/errors.ts", "src/runtime/sync/worker.ts"]) {
      assert.ok(files.includes(file), `${file} is generated`);
    }
    const manifest = JSON.parse(await readFile(path.join(pkg, "package.json"), "utf8"));
    const repository = JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8"));
    assert.equal(manifest.name, "bookshelf-sdk");
    assert.equal(manifest.version, "0.1.0");
    assert.equal(manifest.license, "MIT");
    assert.deepEqual(manifest.dependencies, { undici: repository.dependencies.undici });
    assert.deepEqual(manifest.devDependencies, { "@types/node": repository.devDependencies["@types/node"], typescript: repository.devDependencies.typescript });
    assert.ok(packaged.includes("package.json") && packaged.includes("README.md") && packaged.includes("reference.md"), packaged.join(", "));
    assert.ok(packaged.includes("dist/index.js") && packaged.includes("dist/index.d.ts") && packaged.includes("dist/runtime/sync/worker.js"), packaged.join(", "));
    assert.deepEqual(packaged.filter((file) => file.startsWith("src/") || file.endsWith(".ts") && !file.endsWith(".d.ts")), [], "sources stay out of the tarball");
    const header = (await readFile(path.join(pkg, "src/client.ts"), "utf8")).split("\n").slice(0, 3).join("\n");
    assert.match(header, /npm run generate -- --manifest \S*examples\/bookshelf\/manifest\.yaml --out bookshelf-sdk/);
    assert.doesNotMatch(header, /--runtime/);
  });

  it("type-checks an app against its types, and a wrong error body type fails the check", T, async () => {
    await writeFile(path.join(app, "main.ts"), APP);
    await writeFile(path.join(app, "wrong.ts"), WRONG_APP);
    const checked = await run(process.execPath, [tsc, ...APP_TSC_FLAGS, ...appTypes, "--noEmit", "main.ts"], app);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    const wrong = await run(process.execPath, [tsc, ...APP_TSC_FLAGS, ...appTypes, "--noEmit", "wrong.ts"], app);
    assert.notEqual(wrong.code, 0, "a number from error.body.code must not type-check");
    assert.match(wrong.stdout, /wrong\.ts\(5,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
  });

  it("works against a server, with the async and the sync client alike, errors included", T, async () => {
    await writeFile(path.join(app, "main.ts"), APP);
    const compiled = await run(process.execPath, [tsc, ...APP_TSC_FLAGS, ...appTypes, "--outDir", "out", "main.ts"], app);
    assert.equal(compiled.code, 0, compiled.stdout + compiled.stderr);
    const ran = await run(process.execPath, ["out/main.js"], app, childEnv({ BOOKSHELF_URL: server.url }), 20_000);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stderr, "", "nothing noisy");
    const results = ran.stdout.trim().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(results.map((result) => result.client), ["async", "sync"]);
    const newIds = ["bk_4", "bk_5"];
    results.forEach((result, index) => {
      assert.deepEqual(result.listed, [
        { bookId: "bk_1", title: "Emma", author: "Jane Austen", publishedOn: "1815-12-23" },
        { bookId: "bk_2", title: "Persuasion", author: "Jane Austen", publishedOn: null, pages: 249 },
      ]);
      assert.deepEqual(result.got, { bookId: "bk_2", title: "Persuasion", author: "Jane Austen", publishedOn: null, pages: 249 });
      const created = { bookId: newIds[index], title: "Middlemarch", author: "George Eliot", publishedOn: "1871-12-01" };
      assert.deepEqual(result.created, created, result.client);
      assert.deepEqual(result.updated, { ...created, pages: 880 }, result.client);
      assert.equal(result.deleted, true);
      assert.deepEqual(
        result.missing,
        { class: "NotFoundError", isApiError: true, status: 404, code: "book_not_found", message: `GET /books/${newIds[index]} failed with 404 Not Found: no book ${newIds[index]}` },
        `${result.client}: the package's own NotFoundError, with the server's body and message`,
      );
    });
    const calls = server.requests.map((request) => `${request.method} ${request.url}`);
    const round = (id: string) => ["GET /books?page=1&per_page=2", "GET /books/bk_2", "POST /books", `PATCH /books/${id}`, `DELETE /books/${id}`, `GET /books/${id}`];
    assert.deepEqual(calls, [...round("bk_4"), ...round("bk_5")]);
    assert.deepEqual(JSON.parse(server.requests[2]!.body), { title: "Middlemarch", author: "George Eliot", published_on: "1871-12-01" });
  });

  it("says nothing of capabilities the API lacks in its generated code, docs and package.json", T, async () => {
    // The runtime copy (and the record, which names its files) are the next test's.
    const files = (await filesBelow(pkg)).filter((file) => !/^(src|dist)\/runtime\//.test(file) && file !== ".generated-files.json");
    assert.ok(files.length >= 8, files.join(", "));
    assert.deepEqual(await foreignWordLines(pkg, files), []);
  });

  it("records its package files and runtime copy: drift is seen, and modules no longer needed are removed", T, async () => {
    const dir = path.join(work, "regenerated");
    await mkdir(dir);
    const manifest = path.join(dir, "manifest.yaml");
    await writeFile(manifest, await readFile(path.join(repoRoot, "examples/bookshelf/manifest.yaml"), "utf8"));
    const out = path.join(dir, "bookshelf-sdk");
    const args = ["--manifest", manifest, "--out", out];
    assert.equal((await runGenerator(args)).code, 0);
    const errorsCopy = path.join(out, "src/runtime/errors.ts");
    await writeFile(errorsCopy, `${await readFile(errorsCopy, "utf8")}// changed\n`);
    const drift = await runGenerator([...args, "--check"]);
    assert.equal(drift.code, 1, drift.stdout);
    assert.match(drift.stdout, /would write {2}\S+src\/runtime\/errors\.ts\n/);

    // Without the sync client the sync bridge and its worker are not needed: removed, though they have no header.
    await writeFile(manifest, `${await readFile(manifest, "utf8")}clients: [async]\n`);
    const regenerated = await runGenerator(args);
    assert.equal(regenerated.code, 0, regenerated.stderr);
    assert.equal(regenerated.stderr, "", "nothing left behind to warn about");
    const files = await filesBelow(out);
    assert.ok(files.includes("src/runtime/errors.ts") && files.includes("package.json"));
    assert.deepEqual(files.filter((file) => file.startsWith("src/runtime/sync/")), []);
    assert.equal((await runGenerator([...args, "--check"])).code, 0);
  });

  it("says nothing of them in its runtime copy either", T, async () => {
    const sources = (await filesBelow(pkg)).filter((file) => !file.startsWith("dist/"));
    assert.ok(sources.some((file) => file.startsWith("src/runtime/")));
    assert.deepEqual(await foreignWordLines(pkg, sources), []);
  });
});
