import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { ManifestError } from "./load.js";
import { generate } from "./pipeline.js";
import { applyWrite, planWrite } from "./write.js";

const USAGE = `Usage: npm run generate [-- --check] [--manifest FILE] [--out DIR] [--runtime DIR]

Generates the SDK from the manifest into the output folder, rewriting only files that change
and removing generated files the manifest no longer produces.

  --check          write nothing; exit 1 and list the files that would change (drift)
  --manifest FILE  manifest to read (default: manifest.yaml)
  --out DIR        output folder (default: generated)
  --runtime DIR    folder of the runtime the generated code imports (default: runtime)
  --timings        print the time of each stage`;

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      check: { type: "boolean", default: false },
      manifest: { type: "string", default: "manifest.yaml" },
      out: { type: "string", default: "generated" },
      runtime: { type: "string", default: "runtime" },
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
  const outDir = values.out;
  let result;
  try {
    result = await generate({ manifestPath: values.manifest, outDir, runtimeDir: values.runtime });
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    for (const problem of error.message.split("\n")) console.error(problem);
    const count = error.problems.length;
    console.error(`generate: ${count} problem${count === 1 ? "" : "s"} in ${values.manifest}; ${outDir}/ was not changed`);
    return 2;
  }
  const plan = await planWrite(outDir, result.files);
  // performance.now() counts from process start, so the figure includes Node and loader start-up.
  const seconds = (performance.now() / 1000).toFixed(2);
  if (values.timings) {
    console.log(Object.entries(result.timings).map(([stage, ms]) => `${stage} ${ms.toFixed(0)} ms`).join(", "));
  }
  for (const file of plan.foreign) console.warn(`generate: ${path.join(outDir, file)} was not written by the generator; left alone`);
  const drift = [...plan.changed, ...plan.stale];
  if (values.check) {
    if (drift.length === 0) {
      console.log(`check: ${outDir}/ matches ${values.manifest} (${result.files.length} files unchanged) in ${seconds} s`);
      return 0;
    }
    for (const file of plan.changed) console.log(`would write  ${path.join(outDir, file)}`);
    for (const file of plan.stale) console.log(`would remove ${path.join(outDir, file)}`);
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 70;
  },
);
