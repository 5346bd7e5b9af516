import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { generate } from "../generator/pipeline.js";
import { applyWrite, planWrite } from "../generator/write.js";
import { repoRoot } from "./helpers/cli.js";

// Each folder of test/fixtures holds a manifest.yaml and, in expected/, the full output committed as real files.
// After an intended generator change, update them with `npm run snapshots:update` and review the diff.
const update = process.env.UPDATE_SNAPSHOTS === "1";
const fixturesDir = path.join(repoRoot, "test/fixtures");

describe("snapshots of generated output", async () => {
  const fixtures = (await readdir(fixturesDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  it("has fixtures", () => assert.ok(fixtures.length >= 2));
  for (const fixture of fixtures.sort()) {
    it(fixture, { timeout: 30_000 }, async () => {
      const outDir = path.join(fixturesDir, fixture, "expected");
      const { files } = await generate({
        manifestPath: path.join(fixturesDir, fixture, "manifest.yaml"),
        outDir,
        runtimeDir: path.join(repoRoot, "runtime"),
      });
      const plan = await planWrite(outDir, files);
      if (update) {
        await applyWrite(outDir, files, plan);
        return;
      }
      assert.deepStrictEqual(
        { changed: plan.changed, stale: plan.stale, foreign: plan.foreign },
        { changed: [], stale: [], foreign: [] },
        `output of ${fixture} differs from its snapshot; if intended, run npm run snapshots:update`,
      );
    });
  }
});
