// Hostile sizes: an alias bomb is a manifest problem, a flood of problems is reported capped and quickly, and a
// large manifest generates in time that grows about linearly.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { after, before, describe, it } from "node:test";
import { MAX_PROBLEMS_LISTED } from "../generator/load.js";
import { generate } from "../generator/pipeline.js";
import { timeGeneration } from "../bench/generator-growth.js";
import { repoRoot, runGenerator } from "./helpers/cli.js";
import { minimalLines, minimalWith } from "./helpers/manifests.js";

const runtimeDir = path.join(repoRoot, "runtime");
let work: string;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sdk-hostile-sizes-"));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function manifestFile(name: string, text: string): Promise<string[]> {
  const manifest = path.join(work, `${name}.yaml`);
  await writeFile(manifest, text);
  return ["--manifest", manifest, "--out", path.join(work, `${name}-out`), "--runtime", runtimeDir];
}

describe("hostile sizes", () => {
  it("an alias bomb is a manifest problem at its line and column (exit 2), not a crash", { timeout: 60_000 }, async () => {
    const bomb = [
      'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
    ];
    const args = await manifestFile("bomb", [...minimalLines.slice(0, 2), ...bomb, ...minimalLines.slice(2)].join("\n"));
    const result = await runGenerator(args, 30_000);
    assert.equal(result.code, 2, result.stderr);
    // The first alias whose anchor holds aliases: *b on the line of c.
    assert.match(result.stderr, /bomb\.yaml:5:8: invalid YAML: aliases expand to more than 100 copies of their anchors \(an alias bomb\?\)/);
    assert.doesNotMatch(result.stderr, /ReferenceError|\n\s+at /);
    assert.match(result.stderr, /1 problem in .*; .* was not changed\n$/);
  });

  it("a 200 KB manifest of many aliases to one large anchor is reported in bounded time", { timeout: 60_000 }, async () => {
    const count = 12_000;
    const anchor = `base: &base {${Array.from({ length: count }, (_, i) => `k${i}: v`).join(", ")}}`;
    const aliases = `many: [${Array.from({ length: count }, () => "*base").join(", ")}]`;
    const text = [...minimalLines.slice(0, 2), anchor, aliases, ...minimalLines.slice(2)].join("\n");
    assert.ok(text.length > 200_000, `${text.length} bytes`);
    const args = await manifestFile("many-aliases", text);
    const started = performance.now();
    const result = await runGenerator(args, 50_000);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /many-aliases\.yaml:4:8: invalid YAML: aliases expand to more than 100 copies/);
    // Each alias walked its anchor again before: about 35 s here; well under a second now, plus Node's start-up.
    assert.ok(seconds < 12, `took ${seconds.toFixed(1)} s`);
  });

  it("20 000 problems: the first 100 in file order, then a count, in bounded time", { timeout: 120_000 }, async () => {
    const count = 20_000;
    const badTypes = Array.from({ length: count }, (_, i) => `  bad_type_${i}: { properties: { id: Missing${i} } }`);
    const text = minimalWith("types:", ["types:", ...badTypes].join("\n"));
    const args = await manifestFile("many-problems", text);
    const started = performance.now();
    const result = await runGenerator(args, 110_000);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(result.code, 2, result.stderr.slice(-500));
    const lines = result.stderr.trimEnd().split("\n");
    const problems = lines.filter((line) => /many-problems\.yaml:\d+:\d+: /.test(line));
    assert.equal(problems.length, MAX_PROBLEMS_LISTED);
    assert.match(problems[0]!, /:\d+:3: types\.bad_type_0: name "bad_type_0" must be a PascalCase name/);
    assert.equal(lines.at(-2), `... and ${count - MAX_PROBLEMS_LISTED} more problems`);
    assert.match(lines.at(-1)!, new RegExp(`^generate: ${count} problems in `));
    // It took 110 s before (quadratic key lookups); about 5 s of CPU now. The bound leaves room for a busy machine.
    assert.ok(seconds < 60, `took ${seconds.toFixed(1)} s`);
  });

  it("a moderately large manifest (a description of 30 000 lines) generates within a bound", { timeout: 120_000 }, async () => {
    // Without a file name prettier scanned from every line start of a file without quotes: about 14 s here, 1 s now.
    const longDescription = ["    description: |", ...Array.from({ length: 30_000 }, (_, i) => `      Line ${i} of a long description.`)].join("\n");
    const text = minimalWith("required: [pet_id, name]", `${longDescription}\n    required: [pet_id, name]`);
    const manifestPath = path.join(work, "long-description.yaml");
    await writeFile(manifestPath, text);
    const started = performance.now();
    const { files } = await generate({ manifestPath, outDir: path.join(work, "long-description-out"), runtimeDir });
    const seconds = (performance.now() - started) / 1000;
    assert.ok(files.find((file) => file.path === "types.ts")!.text.includes("Line 29999 of a long description."));
    assert.ok(seconds < 8, `took ${seconds.toFixed(1)} s`);
  });

  it("the growth benchmark's synthetic manifest is one the generator accepts", { timeout: 60_000 }, async () => {
    // npm run bench generates it at 1k-8k types; a manifest rule that refuses it should fail here, not in the bench.
    const { ms } = await timeGeneration(work, 20);
    assert.ok(ms > 0);
  });
});
