import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { emitSources } from "../generator/emit/index.js";
import { FormatPool, Formatter, formatFile, formatKey, type Unformatted } from "../generator/format.js";
import { loadManifest } from "../generator/load.js";
import { normalizeManifest } from "../generator/normalize.js";
import { renderDocs, renderHeader } from "../generator/render.js";
import { validateManifest } from "../generator/validate.js";
import { repoRoot } from "./helpers/cli.js";

const T = { timeout: 60_000 };
const threads = availableParallelism() > 1;

/** The unformatted files of the kitchen-sink fixture (every kind of declaration and doc), as the pipeline hands them over. */
async function kitchenSink(): Promise<Unformatted[]> {
  const manifest = path.join(repoRoot, "test/fixtures/kitchen-sink/manifest.yaml");
  const api = normalizeManifest(validateManifest(await loadManifest(manifest)), "manifest.yaml");
  const header = renderHeader(api, "line");
  const sources = emitSources(api, { runtimeEntry: "../runtime/index.ts" }).map((s) => ({ path: s.path, text: `${header}\n\n${s.text}` }));
  return [...renderDocs(api), ...sources];
}

describe("formatting pool", () => {
  it("gives every file, in the order handed over, the text formatting it in this thread gives", T, async () => {
    const files = await kitchenSink();
    const formatter = new Formatter(undefined, new FormatPool());
    for (const file of files) formatter.add(file);
    const { files: formatted, cached } = await formatter.finish();
    assert.equal(cached, 0);
    assert.deepEqual(
      formatted.map((f) => f.path),
      files.map((f) => f.path),
    );
    for (const [index, file] of files.entries()) {
      assert.equal(formatted[index]!.text, await formatFile(file.path, file.text), `${file.path} differs`);
      assert.equal(formatted[index]!.source, formatKey(file.path, file.text, file.codeBlocksOnly));
    }
  });

  it("formats the TypeScript blocks of Markdown together into the text prettier gives each alone", T, async () => {
    const docs = (await kitchenSink()).filter((f) => f.path.endsWith(".md"));
    const block = (code: string) => "```ts\n" + code + "\n```\n";
    const long = `const result = await client.pets.list({ ${Array.from({ length: 12 }, (_, i) => `field${i}: "value ${i}"`).join(", ")} });`;
    // Exactly 120 columns: fits alone, would be broken with 2 columns fewer.
    const full = `const v = f(${"a".repeat(50)}, ${"b".repeat(120 - "const v = f(".length - 50 - 2 - ");".length)});`;
    assert.equal(full.length, 120);
    const cases = [
      ...docs,
      // Lines that only fit at full width, comments and blank lines, an object printed expanded.
      { path: "a.md", text: `# a\n\n${block(long)}\n${block(full)}\n${block("// a comment\n\n\nconst a = {\n  b: 1 };\nconst c = a; // trailing")}` },
      // Blocks the braces cannot hold (an import) or whose indentation could not move (a template literal): whole.
      { path: "b.md", text: `# b\n\n${block('import { a } from "a";\nconst b = a( 1 );')}\n${block("const c = 1;")}` },
      { path: "c.md", text: `# c\n\n${block("const a = `x\n  y`;")}\n${block("const   c = 1;")}` },
    ];
    const formatter = new Formatter(undefined, new FormatPool());
    for (const file of cases) formatter.add(file);
    const { files } = await formatter.finish();
    for (const [index, file] of cases.entries()) assert.equal(files[index]!.text, await formatFile(file.path, file.text), file.path);
    assert.match(files[cases.length - 3]!.text, /^ {2}field11: "value 11",$/m, "expanded at 120 columns, as alone");
    assert.ok(files[cases.length - 3]!.text.includes(`\n${full}\n`), "a line of 120 columns is kept whole, as alone");
  });

  it("names the file when prettier cannot format it", T, async () => {
    const formatter = new Formatter(undefined, new FormatPool());
    formatter.add({ path: "fine.ts", text: "export const a = 1;\n" });
    formatter.add({ path: "broken.ts", text: "export const = ;\n" });
    await assert.rejects(formatter.finish(), /formatting broken\.ts (in a worker thread )?failed: .*SyntaxError/);
  });

  it("rejects the files still waiting when the pool is closed", { ...T, skip: threads ? false : "one core: formatted in this thread" }, async () => {
    const pool = new FormatPool();
    const pending = pool.format("a.ts", "export const a = 1;\n".repeat(2_000));
    pool.close();
    await assert.rejects(pending, /the formatting pool was closed before the file was formatted/);
  });

  it("starts no thread when the cache has every file, and starts them on the first miss", T, async () => {
    const file = { path: "a.ts", text: "export const a = 1;\n" };
    const hits = new Formatter(async () => "cached\n");
    hits.add(file);
    assert.deepEqual(await hits.finish(), { files: [{ path: "a.ts", text: "cached\n", source: formatKey(file.path, file.text) }], cached: 1 });
    assert.equal(hits.poolStarted, false);

    const misses = new Formatter(async () => undefined);
    misses.add(file);
    assert.equal((await misses.finish()).files[0]!.text, "export const a = 1;\n");
    assert.equal(misses.poolStarted, true);
  });

  it("lets the process exit by itself when a pool is left open", T, async () => {
    // Without unref'd idle workers this child would never exit, and the test would time out.
    const script = `
      import { FormatPool } from ${JSON.stringify(path.join(repoRoot, "generator/format.ts"))};
      const pool = new FormatPool();
      console.log(JSON.stringify(await pool.format("a.ts", "export const a  =  1")));
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", script], { cwd: repoRoot, timeout: 30_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
    assert.deepEqual({ code, signal, stdout }, { code: 0, signal: null, stdout: '"export const a = 1;\\n"\n' }, stderr);
  });
});
