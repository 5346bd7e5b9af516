import { existsSync } from "node:fs";
import { lstat, mkdir, readFile, realpath, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { ManifestError, loadManifest, parseManifest } from "./load.js";
import { OpenApiError } from "./openapi/document.js";
import { importOpenApi } from "./openapi/import.js";
import { type ManifestFile, manifestPartFiles, manifestText } from "./openapi/manifest-text.js";
import { formatChange, mergeImport, mergeImportFiles } from "./openapi/merge.js";
import { validateManifest } from "./validate.js";

const USAGE = `Usage: npm run import-openapi -- <document> --manifest <file> [--name <ApiName>] [--envelope <field>] [--parts] [--prune]

Reads an OpenAPI 3.0 or 3.1 document (YAML or JSON) and writes the manifest that describes it. When the manifest
exists, it is updated: wire facts (paths, parameters, bodies, responses, fields and their types) come from the
document, and what people wrote stays (TypeScript names, descriptions, examples, capability sections, comments, key
order). Operations and types the document no longer has are listed, and removed only with --prune. A manifest in
parts (include:) is updated file by file: only the files that change are written.

  --manifest FILE   the manifest to create or update
  --name NAME       PascalCase API name, the client being <NAME>Client (default: from the document's title)
  --envelope FIELD  a response property holding every answer (e.g. data for { data, params }): methods return it
  --parts           a new manifest is written in parts: the main file, types.yaml and resources/<name>.yaml each
  --prune           remove operations and types the document no longer has

Paths are relative to the folder the command was typed in. Exit status: 0 done, 1 the result has manifest problems
(written, and listed), 2 the document or manifest cannot be read, 64 usage, 73 a new part's file exists already.`;

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      manifest: { type: "string" },
      name: { type: "string" },
      envelope: { type: "string" },
      prune: { type: "boolean", default: false },
      parts: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    console.error(`import-openapi: ${(error as Error).message}\n\n${USAGE}`);
    return 64;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || values.manifest === undefined) {
    console.error(`import-openapi: give one document and --manifest\n\n${USAGE}`);
    return 64;
  }
  if (values.name !== undefined && !/^[A-Z][A-Za-z0-9]*$/.test(values.name)) {
    console.error(`import-openapi: --name must be a PascalCase name such as Bookshelf, got ${JSON.stringify(values.name)}`);
    return 64;
  }
  const typedIn = process.env.INIT_CWD ?? process.cwd();
  const documentPath = path.resolve(typedIn, positionals[0]!);
  const manifestPath = path.resolve(typedIn, values.manifest);
  const shown = (file: string) => path.relative(typedIn, file) || file;

  let result;
  try {
    result = await importOpenApi(documentPath, { name: values.name, envelope: values.envelope });
  } catch (error) {
    if (!(error instanceof OpenApiError)) throw error;
    console.error(`import-openapi: ${(error as Error).message}`);
    return 2;
  }
  const existing = await readFile(manifestPath, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  let files: ManifestFile[];
  let changes: string[] = [];
  try {
    if (existing === undefined) {
      const schema = path.relative(path.dirname(manifestPath), path.join(import.meta.dirname, "manifest.schema.json")).split(path.sep).join("/");
      const header = ` yaml-language-server: $schema=${schema}\n Imported from ${path.basename(documentPath)} by npm run import-openapi. Edit freely: importing again keeps\n names, descriptions, examples, capability sections and comments, and updates what the document says.`;
      files = values.parts ? manifestPartFiles(result.manifest, manifestPath, header) : [{ file: manifestPath, text: manifestText(result.manifest, header) }];
      const taken = files.find(({ file }) => existsSync(file));
      if (taken !== undefined) {
        console.error(`import-openapi: ${shown(taken.file)} exists but ${shown(manifestPath)} does not include it; nothing was written`);
        return 73;
      }
    } else {
      // A manifest in parts is read with its parts (as the generator reads it) and merged file by file.
      const loaded = parseManifest(existing, manifestPath);
      const main = loaded.data as { include?: unknown } | null;
      if (main !== null && typeof main === "object" && Array.isArray(main.include)) {
        const parts = [{ file: manifestPath, text: existing }];
        for (const file of loaded.files.slice(1)) parts.push({ file, text: await readFile(file, "utf8") });
        const merged = mergeImportFiles(parts, result.manifest, { prune: values.prune, exists: existsSync });
        const before = new Map(parts.map(({ file, text }) => [file, text]));
        files = merged.files.filter(({ file, text }) => before.get(file) !== text);
        changes = merged.changes.map((change) => formatChange({ ...change, file: change.file && shown(change.file) }));
      } else {
        if (values.parts) console.log(`import-openapi: ${shown(manifestPath)} is one file; it is updated as one (--parts applies to a new manifest)`);
        const merged = mergeImport(existing, result.manifest, { prune: values.prune, file: shown(manifestPath) });
        files = merged.text === existing ? [] : [{ file: manifestPath, text: merged.text }];
        changes = merged.changes.map(formatChange);
      }
    }
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    console.error(`${relativeTo(error, shown).message}\nimport-openapi: ${shown(manifestPath)} (or a part it includes) cannot be read as a manifest; nothing was changed`);
    return 2;
  }
  // Every file goes inside the manifest's folder, links followed, and never through a link: a part path or a folder
  // in it may come from someone else's document or checkout.
  const outside = await firstOutside(path.dirname(manifestPath), files.map(({ file }) => file));
  if (outside !== undefined) {
    console.error(`import-openapi: ${shown(outside)} would be written outside ${shown(path.dirname(manifestPath)) || "."} (through a symbolic link); nothing was written`);
    return 73;
  }
  for (const { file, text } of files) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  console.log(result.report.format(shown(documentPath)));
  if (existing !== undefined) {
    console.log(changes.length === 0 ? "no changes to the manifest" : `changes (${changes.length}):`);
    for (const change of changes) console.log(`  ${change}`);
  }
  try {
    validateManifest(await loadManifest(manifestPath));
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    console.error(relativeTo(error, shown).message);
    console.error(`import-openapi: ${shown(manifestPath)} was written but has the problems above; fix them, then run npm run generate`);
    return 1;
  }
  const written = files.map(({ file }) => shown(file));
  const what = existing === undefined ? "wrote" : "updated";
  console.log(`import-openapi: ${written.length === 0 ? `${shown(manifestPath)} is up to date` : `${what} ${written.length > 3 ? `${shown(manifestPath)} and ${written.length - 1} parts` : written.join(", ")}`}`);
  return 0;
}

/** The error with each position's file as the user typed it (files are read by absolute path). */
const relativeTo = (error: ManifestError, shown: (file: string) => string) =>
  new ManifestError(error.problems.map((problem) => ({ ...problem, position: { ...problem.position, file: shown(problem.position.file) } })));

/** The first file that would land outside `folder` once symbolic links are followed, or that is itself a link. */
async function firstOutside(folder: string, files: readonly string[]): Promise<string | undefined> {
  const root = await realPathSoFar(folder);
  for (const file of files) {
    const link = await lstat(file).then((stat) => stat.isSymbolicLink(), () => false);
    const real = await realPathSoFar(path.dirname(file));
    if (link || (real !== root && !real.startsWith(`${root}${path.sep}`))) return file;
  }
  return undefined;
}

/** A path with its deepest existing folder followed through links, and the folders still to be made after it. */
async function realPathSoFar(target: string): Promise<string> {
  let existing = target;
  while (!(await lstat(existing).then(() => true, () => false)) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  return path.join(await realpath(existing), path.relative(existing, target));
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
