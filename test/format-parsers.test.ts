import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { format } from "prettier";
import { emitSources } from "../generator/emit/index.js";
import { OPTIONS, formatFile } from "../generator/format.js";
import { loadManifest } from "../generator/load.js";
import { normalizeManifest } from "../generator/normalize.js";
import { renderHeader } from "../generator/render.js";
import { validateManifest } from "../generator/validate.js";
import { repoRoot } from "./helpers/cli.js";

// Generated TypeScript is formatted with prettier's babel-ts parser, faster than its typescript parser. The choice is
// only safe while both print every generated file alike: this checks it on representative packages.
describe("the TypeScript parser of the formatter", () => {
  for (const manifest of ["test/fixtures/kitchen-sink/manifest.yaml", "test/fixtures/wire-shapes/manifest.yaml", "manifest.yaml"]) {
    it(`formats every file generated from ${manifest} as the typescript parser does`, { timeout: 90_000 }, async () => {
      const api = normalizeManifest(validateManifest(await loadManifest(path.join(repoRoot, manifest))), "manifest.yaml");
      const header = renderHeader(api, "line");
      const sources = emitSources(api, { runtimeEntry: "../runtime/index.ts" });
      assert.ok(sources.length > 3);
      for (const source of sources) {
        const text = `${header}\n\n${source.text}`;
        const ours = await formatFile(source.path, text);
        const reference = await format(text, { ...OPTIONS, parser: "typescript", filepath: source.path });
        assert.equal(ours, reference, `${manifest}: ${source.path}`);
      }
    });
  }
});
