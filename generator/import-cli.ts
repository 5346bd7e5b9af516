import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { ManifestError, parseManifest } from "./load.js";
import { OpenApiError } from "./openapi/document.js";
import { importOpenApi } from "./openapi/import.js";
import { manifestText } from "./openapi/manifest-text.js";
import { formatChange, mergeImport } from "./openapi/merge.js";
import { validateManifest } from "./validate.js";

const USAGE = `Usage: npm run import-openapi -- <document> --manifest <file> [--name <ApiName>] [--envelope <field>] [--prune]

Reads an OpenAPI 3.0 or 3.1 document (YAML or JSON) and writes the manifest that describes it. When the manifest
exists, it is updated: wire facts (paths, parameters, bodies, responses, fields and their types) come from the
document, and what people wrote stays (TypeScript names, descriptions, examples, capability sections, comments, key
order). Operations and types the document no longer has are listed, and removed only with --prune.

  --manifest FILE   the manifest to create or update
  --name NAME       PascalCase API name, the client being <NAME>Client (default: from the document's title)
  --envelope FIELD  a response property holding every answer (e.g. data for { data, params }): methods return it
  --prune           remove operations and types the document no longer has

Paths are relative to the folder the command was typed in. Exit status: 0 done, 1 the result has manifest problems
(written, and listed), 2 the document cannot be read, 64 usage.`;

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      manifest: { type: "string" },
      name: { type: "string" },
      envelope: { type: "string" },
      prune: { type: "boolean", default: false },
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
  let text: string;
  let changes: string[] = [];
  if (existing === undefined) {
    const schema = path.relative(path.dirname(manifestPath), path.join(import.meta.dirname, "manifest.schema.json")).split(path.sep).join("/");
    const header = ` yaml-language-server: $schema=${schema}\n Imported from ${path.basename(documentPath)} by npm run import-openapi. Edit freely: importing again keeps\n names, descriptions, examples, capability sections and comments, and updates what the document says.`;
    text = manifestText(result.manifest, header);
  } else {
    try {
      const merged = mergeImport(existing, result.manifest, { prune: values.prune, file: shown(manifestPath) });
      text = merged.text;
      changes = merged.changes.map(formatChange);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      console.error(`${error.message}\nimport-openapi: ${shown(manifestPath)} cannot be read as YAML; it was not changed`);
      return 2;
    }
  }
  await writeFile(manifestPath, text);
  console.log(result.report.format(shown(documentPath)));
  if (existing !== undefined) {
    console.log(changes.length === 0 ? "no changes to the manifest" : `changes (${changes.length}):`);
    for (const change of changes) console.log(`  ${change}`);
  }
  try {
    validateManifest(parseManifest(text, shown(manifestPath)));
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    console.error(error.message);
    console.error(`import-openapi: ${shown(manifestPath)} was written but has the problems above; fix them, then run npm run generate`);
    return 1;
  }
  console.log(`import-openapi: ${existing === undefined ? "wrote" : "updated"} ${shown(manifestPath)}`);
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
