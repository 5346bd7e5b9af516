// Runs a command of the generator (`npm run generate`, `npm run import-openapi`) from one JavaScript file: its
// TypeScript sources bundled by esbuild (packages left external) into node_modules/.cache/sdk-generator, and bundled
// again whenever a source changes. Loading ~70 modules through a TypeScript loader costs a run about 0.35 s more.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const COMMANDS = { generate: "cli.ts", "import-openapi": "import-cli.ts" };
const generatorDir = import.meta.dirname;
const cacheDir = path.join(generatorDir, "..", "node_modules", ".cache", "sdk-generator");
const STALE_PARTIAL_MS = 3_600_000;

/** A digest of what the bundle is built from: every source, and this file, which says how. */
function sourcesDigest() {
  const hash = createHash("sha256").update(readFileSync(fileURLToPath(import.meta.url)));
  const sources = readdirSync(generatorDir, { recursive: true }).filter((file) => file.endsWith(".ts"));
  for (const file of sources.sort()) hash.update(`\0${file}\0`).update(readFileSync(path.join(generatorDir, file)));
  return hash.digest("hex").slice(0, 16);
}

/**
 * Each module keeps its own `import.meta.url` and `dirname`, those of its source file (esbuild's define replaces them in
 * code only, not in strings), so templates, schemas and the runtime are found beside the sources as without a bundle.
 */
const ownLocation = (transform) => ({
  name: "own-location",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path: file }) => {
      const define = { "import.meta.url": JSON.stringify(pathToFileURL(file).href), "import.meta.dirname": JSON.stringify(path.dirname(file)) };
      const { code } = await transform(readFileSync(file, "utf8"), { loader: "ts", format: "esm", define, sourcefile: file });
      return { contents: code, loader: "js" };
    });
  },
});

/** The bundle of `entry` for the sources as they are now, built if there is none. */
async function bundleOf(command, entry) {
  const bundle = path.join(cacheDir, `${command}-${sourcesDigest()}.mjs`);
  if (existsSync(bundle)) return bundle;
  const { build, transform } = await import("esbuild");
  mkdirSync(cacheDir, { recursive: true });
  // Written aside and renamed: another run building the same bundle never reads half a file.
  const partial = `${bundle}.${process.pid}.partial`;
  await build({
    entryPoints: [path.join(generatorDir, entry)],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: partial,
    plugins: [ownLocation(transform)],
    logLevel: "warning",
  });
  renameSync(partial, bundle);
  // Older bundles of the command, and what a build stopped before its rename left (an hour old: not one under way).
  for (const old of readdirSync(cacheDir)) {
    const file = path.join(cacheDir, old);
    const stale = old.endsWith(".mjs") ? old !== path.basename(bundle) : Date.now() - statSync(file).mtimeMs > STALE_PARTIAL_MS;
    if (old.startsWith(`${command}-`) && stale) rmSync(file, { force: true });
  }
  return bundle;
}

const command = process.argv[2];
const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
if (entry === undefined) {
  console.error(`launch: unknown command ${JSON.stringify(command)}; one of ${Object.keys(COMMANDS).join(", ")}`);
  process.exit(64);
}
// The command reads its own arguments from process.argv.slice(2), as when run alone.
process.argv.splice(2, 1);
await import(pathToFileURL(await bundleOf(command, entry)).href);
