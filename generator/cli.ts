import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { ManifestError } from "./load.js";
import { generate } from "./pipeline.js";
import { OutputFolderError, RECORD_FILE, applyWrite, planWrite } from "./write.js";

const USAGE = `Usage: npm run generate [-- --check] [--manifest FILE] [--out DIR] [--runtime DIR]

Generates the SDK from the manifest into the output folder, rewriting only files that change
and removing files it wrote that the manifest no longer produces (listed in DIR/${RECORD_FILE}).

With --out and without --runtime, DIR becomes a self-contained npm package: package.json, tsconfig.json,
README.md, reference.md, and src/ with the generated code and a copy of the runtime modules it needs.
With --runtime (or with neither option: generated/ beside runtime/), the generated code imports that runtime.

  --check                write nothing; exit 1 and list the files that would change (drift)
  --manifest FILE        manifest to read (default: manifest.yaml in the package root)
  --out DIR              output folder (default: generated in the package root)
  --runtime DIR          folder of the runtime the generated code imports instead of a copy (linked mode)

Paths given are relative to the folder the command was typed in (npm's INIT_CWD), as generated file headers say.
  --allow-foreign-files  write into a folder that holds files the generator did not write (left alone)
  --timings              print the time of each stage

Exit status: 0 done, 1 drift (--check), 2 manifest problems, 64 usage, 73 output folder refused.`;

/** Warnings about files left alone: the first few by name, then a count. */
const MAX_FILES_NAMED = 10;

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      check: { type: "boolean", default: false },
      manifest: { type: "string" },
      out: { type: "string" },
      runtime: { type: "string" },
      "allow-foreign-files": { type: "boolean", default: false },
      timings: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  }).values;
}

async function main(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parseOptions>;
  try {
    values = parseOptions(argv);
  } catch (error) {
    console.error(`generate: ${(error as Error).message}\n\n${USAGE}`);
    return 64;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // A path the user typed is relative to where they typed it (npm runs scripts from the package root but says where
  // it was invoked in INIT_CWD); a default is relative to the package root.
  const typedIn = process.env.INIT_CWD ?? process.cwd();
  const resolved = (given: string | undefined, fallback: string) => (given === undefined ? path.resolve(fallback) : path.resolve(typedIn, given));
  const manifestName = values.manifest ?? "manifest.yaml";
  const manifestPath = resolved(values.manifest, "manifest.yaml");
  // Resolved once: every check, listing and write uses this one path ("x/.." cannot name two folders).
  const outDir = resolved(values.out, "generated");
  let result;
  try {
    // --out alone makes a self-contained package; --runtime, or no --out (this repository's generated/), links the runtime.
    const runtimeDir = values.runtime === undefined && values.out !== undefined ? undefined : resolved(values.runtime, "runtime");
    result = await generate({ manifestPath, outDir, runtimeDir });
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    console.error(error.message); // lists the first problems, then how many more
    const count = error.problems.length;
    console.error(`generate: ${count} problem${count === 1 ? "" : "s"} in ${manifestName}; ${outDir}/ was not changed`);
    return 2;
  }
  let plan;
  try {
    plan = await planWrite(outDir, result.files, { allowForeignFiles: values["allow-foreign-files"] });
  } catch (error) {
    if (!(error instanceof OutputFolderError)) throw error;
    console.error(`generate: ${error.message}; nothing was written`);
    return 73;
  }
  // performance.now() counts from process start, so the figure includes Node and loader start-up.
  const seconds = (performance.now() / 1000).toFixed(2);
  if (values.timings) {
    console.log(Object.entries(result.timings).map(([stage, ms]) => `${stage} ${ms.toFixed(0)} ms`).join(", "));
  }
  warnEach(outDir, plan.foreign, "was not written by the generator; left alone", "were not written by the generator; left alone");
  warnEach(
    outDir,
    plan.edited,
    "was changed by hand since the generator wrote it; no longer generated, so left alone",
    "were changed by hand since the generator wrote them; no longer generated, so left alone",
  );
  warnEach(outDir, plan.skipped, "is a symbolic link or special file; not followed, left alone", "are symbolic links or special files; not followed, left alone");
  // A missing or out-of-date record is drift too (without it the next run could not remove what it wrote); named only
  // when no file changes, since writing changed files rewrites the record anyway.
  const files = [...plan.changed, ...plan.stale];
  const recordOnly = files.length === 0 && plan.recordChanged;
  const drift = recordOnly ? [RECORD_FILE] : files;
  if (values.check) {
    if (drift.length === 0) {
      console.log(`check: ${outDir}/ matches ${manifestName} (${result.files.length} files unchanged) in ${seconds} s`);
      return 0;
    }
    for (const file of plan.changed) console.log(`would write  ${path.join(outDir, file)}`);
    for (const file of plan.stale) console.log(`would remove ${path.join(outDir, file)}`);
    if (recordOnly) console.log(`would write  ${path.join(outDir, RECORD_FILE)}`);
    console.log(
      `check: ${drift.length} file${drift.length === 1 ? "" : "s"} out of date in ${outDir}/ (${plan.unchanged.length} unchanged) in ${seconds} s; run \`npm run generate\``,
    );
    return 1;
  }
  await applyWrite(outDir, result.files, plan);
  const total = (performance.now() / 1000).toFixed(2);
  console.log(
    `generate: ${result.files.length} files in ${outDir}/: ${plan.changed.length} written, ${plan.unchanged.length} unchanged, ${plan.stale.length} removed in ${total} s`,
  );
  return 0;
}

/** `why` says it of one file; `whyMany` of the files beyond the ones named. */
function warnEach(outDir: string, files: string[], why: string, whyMany: string): void {
  for (const file of files.slice(0, MAX_FILES_NAMED)) console.warn(`generate: ${path.join(outDir, file)} ${why}`);
  const more = files.length - MAX_FILES_NAMED;
  if (more > 0) console.warn(`generate: and ${more} more file${more === 1 ? "" : "s"} that ${more === 1 ? why : whyMany}`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 70;
  },
);
