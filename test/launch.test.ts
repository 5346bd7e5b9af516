// generator/launch.mjs, what `npm run generate` and `npm run import-openapi` run: the generator's sources bundled once
// into node_modules/.cache/sdk-generator and bundled again when one changes, with the same output as the sources.
import assert from "node:assert/strict";
import { appendFile, cp, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot, runNode } from "./helpers/cli.js";

const T = { timeout: 120_000 };
/** The packages the generator and the launcher import (a copy of node_modules of its own: its cache must be its own). */
const PACKAGES = ["ajv", "esbuild", "handlebars", "prettier", "ts-morph", "yaml"];

/** Every file below a folder with its text. */
async function contents(dir: string): Promise<Record<string, string>> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  const entries = await Promise.all(files.map(async (entry) => {
    const file = path.join(entry.parentPath, entry.name);
    return [path.relative(dir, file), await readFile(file, "utf8")] as const;
  }));
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
}

const launch = (root: string, args: string[]) => runNode([path.join(root, "generator/launch.mjs"), ...args], { cwd: root, typedIn: root });

describe("generator/launch.mjs", () => {
  let work: string;
  let root: string;
  const bundles = async () => (await readdir(path.join(root, "node_modules/.cache/sdk-generator"))).sort();

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "sdk-launch-"));
    root = path.join(work, "repo");
    for (const part of ["generator", "templates", "runtime", "package.json"]) await cp(path.join(repoRoot, part), path.join(root, part), { recursive: true });
    await cp(path.join(repoRoot, "test/fixtures/minimal/manifest.yaml"), path.join(root, "manifest.yaml"));
    for (const name of PACKAGES) {
      await mkdir(path.join(root, "node_modules"), { recursive: true });
      await symlink(path.join(repoRoot, "node_modules", name), path.join(root, "node_modules", name), "dir");
    }
  });
  after(() => rm(work, { recursive: true, force: true }));

  it("gives what the sources give, from a bundle built once and built again when a source changes", T, async () => {
    const first = await launch(root, ["generate", "--manifest", "manifest.yaml", "--out", "out"]);
    assert.equal(first.code, 0, first.stderr);
    const [bundle, ...more] = await bundles();
    assert.match(bundle!, /^generate-[0-9a-f]{16}\.mjs$/);
    assert.deepEqual(more, []);

    // The same manifest through the TypeScript sources, into a folder of the same name (headers name it).
    const reference = path.join(work, "reference");
    await mkdir(reference);
    await cp(path.join(root, "manifest.yaml"), path.join(reference, "manifest.yaml"));
    const fromSources = await runNode(["--import", "tsx", path.join(repoRoot, "generator/cli.ts"), "--manifest", "manifest.yaml", "--out", "out"], { typedIn: reference });
    assert.equal(fromSources.code, 0, fromSources.stderr);
    const launched = await contents(path.join(root, "out"));
    assert.ok(Object.keys(launched).length > 10);
    assert.deepEqual(launched, await contents(path.join(reference, "out")));

    const builtAt = (await stat(path.join(root, "node_modules/.cache/sdk-generator", bundle!))).mtimeMs;
    const again = await launch(root, ["generate", "--manifest", "manifest.yaml", "--out", "out", "--check"]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await bundles(), [bundle]);
    assert.equal((await stat(path.join(root, "node_modules/.cache/sdk-generator", bundle!))).mtimeMs, builtAt, "not built again");

    // What builds stopped before their rename left: one long ago (removed), one maybe under way (kept).
    const cache = path.join(root, "node_modules/.cache/sdk-generator");
    await writeFile(path.join(cache, "generate-0000000000000000.mjs.1.partial"), "stopped");
    await utimes(path.join(cache, "generate-0000000000000000.mjs.1.partial"), new Date(Date.now() - 7_200_000), new Date(Date.now() - 7_200_000));
    await writeFile(path.join(cache, "generate-0000000000000000.mjs.2.partial"), "under way");
    await appendFile(path.join(root, "generator/render.ts"), "\n// changed by the test\n");
    const changed = await launch(root, ["generate", "--manifest", "manifest.yaml", "--out", "out", "--check"]);
    assert.equal(changed.code, 0, changed.stderr);
    const left = await bundles();
    const [rebuilt, ...others] = left.filter((name) => name.endsWith(".mjs"));
    assert.notEqual(rebuilt, bundle, "a changed source gives a new bundle");
    assert.deepEqual(others, [], "and the old one is removed");
    assert.deepEqual(left.filter((name) => name.endsWith(".partial")), ["generate-0000000000000000.mjs.2.partial"], "with the partial file of long ago");
  });

  it("runs import-openapi too, and refuses an unknown command", T, async () => {
    const imported = await launch(root, ["import-openapi", "--help"]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /Usage: npm run import-openapi/);
    const unknown = await launch(root, ["generat"]);
    assert.equal(unknown.code, 64);
    assert.match(unknown.stderr, /unknown command "generat"; one of generate, import-openapi/);
  });
});
