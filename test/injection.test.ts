// No manifest text becomes code: whatever a description, path, URL, example, default, enum value or title holds, the
// generated files declare the same things as with plain text, parse, type-check, and run no payload when imported.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import ts from "typescript";
import { parse, stringify } from "yaml";
import { emitSources } from "../generator/emit/index.js";
import { formatFile } from "../generator/format.js";
import {
  jsDocText,
  lineCommentText,
  markdownCellCode,
  markdownCode,
  markdownFenced,
  markdownInline,
  markdownParagraph,
  stringLiteral,
  valueLiteral,
} from "../generator/escape.js";
import { parseManifest } from "../generator/load.js";
import { camelCase } from "../generator/naming.js";
import { normalizeManifest } from "../generator/normalize.js";
import { generate } from "../generator/pipeline.js";
import { renderDocs, renderHeader } from "../generator/render.js";
import { validateManifest } from "../generator/validate.js";
import { repoRoot } from "./helpers/cli.js";

/** Runs of the property test: 25 in `npm test`; INJECTION_RUNS=1000 for a longer search. */
const RUNS = Number(process.env.INJECTION_RUNS ?? 25);
/** How many of those runs are also type-checked in full (one TypeScript program for all of them). */
const TYPE_CHECKED_RUNS = 3;
const runtimeDir = path.join(repoRoot, "runtime");

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Manifest = { [key: string]: Json };
interface GeneratedFile {
  path: string;
  text: string;
}

const kitchenSink = parse(await readFile(path.join(repoRoot, "test/fixtures/kitchen-sink/manifest.yaml"), "utf8")) as Manifest;

/**
 * The kitchen-sink manifest with every free-text position filled by `next()`: every description, the title, version,
 * server URLs, operation paths, examples, enum values, event types, and the keys and values of option defaults.
 */
function filled(next: () => string): Manifest {
  const manifest = structuredClone(kitchenSink);
  const descriptions = (node: Json) => {
    if (Array.isArray(node)) return node.forEach(descriptions);
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "description" && typeof value === "string") node[key] = next();
      else descriptions(value);
    }
  };
  descriptions(manifest);
  const at = (...keys: string[]) => keys.reduce((node, key) => (node as Record<string, Json>)[key]!, manifest as Json) as Record<string, Json>;
  manifest.title = `t${next()}`;
  manifest.version = `v${next()}`;
  manifest.description = next();
  for (const server of Object.values(at("servers"))) (server as Record<string, Json>).url = `https://h.test/${next().replace(/\s/g, "")}`;
  for (const resource of Object.values(at("resources"))) {
    for (const op of Object.values((resource as Record<string, Record<string, Json>>).operations!) as Record<string, Json>[]) {
      op.path = `${op.path as string}/${next().replace(/[{}]/g, "")}`;
      // An example's top-level keys must be argument names: free text goes in a value, and in a key one level down.
      const params = Object.entries({ ...(op.pathParams as Record<string, Json>), ...(op.query as Record<string, Json>) });
      const argument = params.map(([wireName, raw]) => ((raw as Record<string, Json>)?.name as string | undefined) ?? camelCase(wireName))[0];
      if (argument !== undefined) op.example = { ...((op.example as Record<string, Json> | undefined) ?? {}), [argument]: { [next()]: next() } };
    }
  }
  for (const type of Object.values(at("types")) as Record<string, Json>[]) {
    if (Array.isArray(type.enum)) type.enum = type.enum.map((_, index) => `${next()}~${index}`);
  }
  for (const kind of Object.values(at("events", "kinds")) as Record<string, Json>[]) kind.type = `k${next()}`;
  at("options", "headers").default = { [next()]: next() };
  at("options", "flagDefaults").default = { [next()]: true };
  return manifest;
}

/** Generates in memory, stage by stage as the pipeline does, without formatting (prettier adds no code). */
function generateUnformatted(manifest: Manifest, runtimeEntry = "../runtime/index.ts"): GeneratedFile[] {
  const api = normalizeManifest(validateManifest(parseManifest(stringify(manifest), "manifest.yaml")), "manifest.yaml");
  const header = renderHeader(api, "line");
  return [
    ...emitSources(api, { runtimeEntry }).map((source) => ({ path: source.path, text: `${header}\n\n${source.text}` })),
    ...renderDocs(api),
  ];
}

/** The Markdown files as they ship: formatted, as the pipeline does (prettier rewrites escapes and table rows). */
async function markdownFormatted(files: GeneratedFile[]): Promise<GeneratedFile[]> {
  return Promise.all(files.map(async (file) => (file.path.endsWith(".md") ? { ...file, text: await formatFile(file.path, file.text) } : file)));
}

/**
 * The whole syntax tree of a file, node by node: each node's kind, and an identifier's name. The text of string,
 * template and other literals is left out (comments are not nodes), so manifest text can change only that text:
 * any code it injected, in a declaration or deep in an initializer, adds nodes.
 */
function syntaxShape(file: ts.SourceFile): string[] {
  const shape: string[] = [];
  const walk = (node: ts.Node, depth: number) => {
    shape.push(`${depth} ${ts.SyntaxKind[node.kind]}${ts.isIdentifier(node) || ts.isPrivateIdentifier(node) ? ` ${node.text}` : ""}`);
    ts.forEachChild(node, (child) => walk(child, depth + 1));
  };
  walk(file, 0);
  return shape;
}

/**
 * A line that opens or closes a fenced code block. A backtick fence's info string has no backtick (CommonMark), so a
 * line such as "```` a ``` b ````" is a code span.
 */
const FENCE = /^ {0,3}(`{3,}[^`]*|~{3,}.*)$/;

/**
 * The cells of a table row as GFM parsers split them: a pipe ends a cell unless escaped, and a backslash escapes a
 * backslash too ("\\\\|" is a backslash, then a pipe that ends the cell), even inside a code span.
 */
function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cell = "";
  for (let i = 0; i < row.length; i++) {
    if (row[i] === "\\" && (row[i + 1] === "\\" || row[i + 1] === "|")) cell += row[i]! + row[++i]!;
    else if (row[i] === "|") (cells.push(cell), (cell = ""));
    else cell += row[i];
  }
  return [...cells, cell];
}

/** The shape of a generated Markdown file: its header comment, headings, fences, table rows and list items. */
function markdownShape(text: string): string[] {
  let inFence = false;
  return text.split("\n").flatMap((line) => {
    if (FENCE.test(line)) return ((inFence = !inFence), [`fence ${line.trim().slice(0, 3)}`]);
    if (/^#+ /.test(line)) return [`heading ${line.split(" ")[0]}`];
    if (line.startsWith("|")) return [`row of ${tableCells(line).length} cells`];
    const item = /^( *)([-*+]|\d+[.)]) /.exec(line);
    if (item && !inFence) return [`list item at ${item[1]!.length}`];
    if (line === "<!--" || line === "-->") return [`comment ${line}`];
    return [];
  });
}

/** HTML tags and comments outside code: none but the header comment (code blocks and spans are shown as text). */
function htmlInProse(text: string): string[] {
  let inFence = false;
  const prose = text
    .replace(/^<!--\n[^]*?\n-->\n/, "")
    .split("\n")
    .filter((line) => (FENCE.test(line) ? ((inFence = !inFence), false) : !inFence))
    .join("\n")
    .replace(/(?<![`\\])(`+)(?!`)[^]*?(?<!`)\1(?!`)/g, "");
  return prose.match(/<[A-Za-z/!?][^\n]{0,20}/g) ?? [];
}

interface Shape {
  code: Record<string, string[]>;
  markdown: Record<string, string[]>;
}

/** Parses every TypeScript file (syntax errors fail the test) and returns what the files declare. */
function shapeOf(files: GeneratedFile[]): Shape {
  const host = ts.createCompilerHost({});
  const sources = new Map(files.filter((f) => f.path.endsWith(".ts")).map((f) => [`/out/${f.path}`, f.text]));
  const parsed = new Map<string, ts.SourceFile>();
  host.getSourceFile = (name, version) => {
    const text = sources.get(name);
    if (text === undefined) return undefined;
    const file = ts.createSourceFile(name, text, version, true);
    parsed.set(name, file);
    return file;
  };
  const program = ts.createProgram([...sources.keys()], { noLib: true, noResolve: true, types: [] }, host);
  const shape: Shape = { code: {}, markdown: {} };
  for (const [name, file] of parsed) {
    const problems = program.getSyntacticDiagnostics(file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.deepEqual(problems, [], `syntax errors in ${name}`);
    shape.code[name] = syntaxShape(file);
  }
  for (const file of files.filter((f) => f.path.endsWith(".md"))) {
    assert.deepEqual(htmlInProse(file.text), [], `${file.path} holds HTML from the manifest`);
    shape.markdown[file.path] = markdownShape(file.text);
  }
  return shape;
}

/** Type-checks several generated outputs, each in its own folder, in one TypeScript program. */
function typeErrors(folders: string[]): string[] {
  const config = ts.readConfigFile(path.join(repoRoot, "tsconfig.json"), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot);
  const roots = folders.flatMap((folder) => ["index.ts", "client.ts", "types.ts", "errors.ts", "codecs.ts"].map((f) => path.join(folder, f)));
  const program = ts.createProgram(roots, { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && folders.some((folder) => d.file!.fileName.startsWith(folder)))
    .map((d) => `${d.file!.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

const plain = (() => {
  let count = 0;
  return () => `plain text ${++count}`;
})();

/** Strings that end comments, strings, template literals, Markdown code and HTML, mixed with arbitrary text. */
const hostileText = fc
  .array(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          ...["*/", "/*", "\u2028", "\u2029", "\r", "\n", "\r\n", "`", "```", "${", "}", '"', "'", "\\", "|", "@", " "],
          ...["</script>", "<!--", "-->", "globalThis.pwned = 1;"],
        ),
      },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(""));

describe("the escaping functions (generator/escape.ts)", () => {
  const evaluate = (expression: string): unknown => new Function(`"use strict"; return (${expression});`)();
  const runs = { seed: 1109, numRuns: 200 };

  it("string literals evaluate back to the text, whatever it holds", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        assert.equal(evaluate(stringLiteral(text)), text);
        assert.ok(!/[\u2028\u2029]/.test(stringLiteral(text)));
      }),
      runs,
    );
  });

  it("value literals evaluate back to the value, a __proto__ key as an own property", () => {
    const value = fc.jsonValue().map((v) => ({ __proto__: v, list: [v, { ["__proto__"]: "x" }] }));
    fc.assert(
      fc.property(value, (input) => {
        const parsed = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
        assert.deepStrictEqual(evaluate(valueLiteral(parsed)), parsed);
      }),
      runs,
    );
    const own = evaluate(valueLiteral(JSON.parse('{"__proto__":{"polluted":true}}'))) as object;
    assert.ok(Object.hasOwn(own, "__proto__") && !("polluted" in own));
  });

  it("comment text cannot end its comment or line", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        assert.ok(!jsDocText(text).includes("*/") && !/[\r\u2028\u2029]/.test(jsDocText(text)));
        assert.ok(!/[\n\r\u2028\u2029]/.test(lineCommentText(text)));
        assert.ok(!/^\s*@/m.test(jsDocText(text)), "no line of a JSDoc text starts a tag");
      }),
      runs,
    );
  });

  it("Markdown code spans are delimited by a longer backtick run than they hold; fenced code and paragraphs open no block", () => {
    assert.equal(markdownCode("GET /a"), "`GET /a`");
    assert.equal(markdownCode("a `b` c"), "``a `b` c``");
    assert.equal(markdownCode("`x"), "`` `x ``");
    assert.equal(markdownCellCode("A | B"), "`A \\| B`");
    assert.equal(markdownFenced("a();\n```\n  ~~~ b"), "a();\n    ```\n    ~~~ b");
    assert.equal(markdownParagraph("# Title\n- item </script>"), "\\# Title - item &lt;/script>");
    assert.equal(markdownParagraph("an `unclosed code span"), "an \\`unclosed code span");
    assert.equal(markdownParagraph("a `closed` code span"), "a `closed` code span");
  });

  it("Markdown prose is read as CommonMark reads it: escaped backslashes, code spans kept as code, pipes in cells", () => {
    // An escaped pipe stays one escaped pipe ("\\\\|" would be a backslash and a pipe that ends the cell).
    assert.equal(markdownInline("a \\| b"), "a \\| b");
    assert.equal(markdownInline("a | b"), "a \\| b");
    // "\\\\" is a backslash, so the backtick after it opens a code span that nothing closes: it is escaped.
    assert.equal(markdownInline("x \\\\` y"), "x \\\\\\` y");
    assert.equal(markdownInline("x \\` y"), "x \\` y");
    // "<" stays "<" in code that is kept, and is an entity everywhere else (escaped or not).
    assert.equal(markdownInline("Returns `list<string>` or <b>"), "Returns `list<string>` or &lt;b>");
    assert.equal(markdownInline("\\<!-- x"), "&lt;!-- x");
    // A code span holding a backslash before a pipe cannot be kept in a cell; a code cell holding one is literal prose.
    assert.equal(markdownInline("`a\\|b`"), "\\`a\\|b\\`");
    assert.equal(markdownCellCode("a\\|b"), "a\\\\\\|b");
  });
});

let work: string;
/** A temporary folder of its own for each suite that generates to disk. */
function withWorkFolder() {
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "sdk-injection-"));
    // Generated code is ESM, as in the repository.
    await writeFile(path.join(work, "package.json"), '{ "type": "module" }\n');
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });
}

describe("manifest text never becomes code", () => {
  withWorkFolder();
  it("arbitrary text in every free-text position: same declarations as plain text, valid syntax, and it type-checks", { timeout: 120_000 }, async () => {
    const baseline = shapeOf(await markdownFormatted(generateUnformatted(filled(plain))));
    const typeChecked: string[] = [];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostileText, { minLength: 64, maxLength: 64 }), async (texts) => {
        let index = 0;
        const manifest = filled(() => texts[index++ % texts.length]!);
        const files = await markdownFormatted(generateUnformatted(manifest));
        assert.deepStrictEqual(shapeOf(files), baseline);
        if (run++ < TYPE_CHECKED_RUNS) typeChecked.push(stringify(manifest));
      }),
      { seed: 1109, numRuns: RUNS, includeErrorInReport: true },
    );
    const folders = await Promise.all(
      typeChecked.map(async (manifest, index) => {
        const folder = path.join(work, `typed-${index}`);
        const runtimeEntry = path.relative(folder, path.join(runtimeDir, "index.ts")).split(path.sep).join("/");
        for (const file of generateUnformatted(parse(manifest) as Manifest, runtimeEntry)) {
          await mkdir(path.dirname(path.join(folder, file.path)), { recursive: true });
          await writeFile(path.join(folder, file.path), file.text);
        }
        return folder;
      }),
    );
    assert.deepEqual(typeErrors(folders), []);
  });
});

const minimal = parse(await readFile(path.join(repoRoot, "test/fixtures/minimal/manifest.yaml"), "utf8")) as Manifest;
const PAYLOAD = "*/ globalThis.pwned = 1; /*";

/** Each attack on the minimal manifest: where the issue found text that became code. */
const vectors: Record<string, (m: Manifest & Record<string, any>) => void> = {
  "error description": (m) => (m.errors.NotFoundError.description = PAYLOAD),
  "resource description": (m) => (m.resources.pets.description = PAYLOAD),
  "operation description": (m) => (m.resources.pets.operations.getPet.description = PAYLOAD),
  "option description": (m) => (m.options.timeoutMs.description = PAYLOAD),
  "type and field descriptions": (m) => {
    m.types.Pet.description = PAYLOAD;
    m.types.Pet.properties.name = { type: "string", description: PAYLOAD };
  },
  "operation path": (m) => (m.resources.pets.operations.getPet.path = `/pets/{pet_id}${PAYLOAD.replace(/ /g, "")}`),
  "example value": (m) => (m.resources.pets.operations.getPet.example = { petId: { [PAYLOAD]: "`${globalThis.pwned = 1}`", text: PAYLOAD } }),
  "server url": (m) => (m.servers.main.url = "https://pets.example.com/*/globalThis.pwned=1;/*"),
  "option default": (m) => (m.options = { ...m.options, headers: { default: { "x-a": PAYLOAD, [PAYLOAD]: '"; globalThis.pwned = 1; "' } } }),
  "CR in the title": (m) => (m.title = "Pets\rglobalThis.pwned = 1; //"),
  "U+2028 in the title": (m) => (m.title = "Pets\u2028globalThis.pwned = 1; //"),
  "U+2029 in the version": (m) => (m.version = "2\u2029globalThis.pwned = 1; //"),
  "CRLF in the version": (m) => (m.version = "2\r\nglobalThis.pwned = 1; //"),
};

/** Imports each generated package in a fresh Node process; reports for each whether it loaded and whether a payload ran. */
function importEach(folders: string[]): Promise<Record<string, string>> {
  const script = `
    const result = {};
    for (const folder of ${JSON.stringify(folders)}) {
      try {
        const sdk = await import(${JSON.stringify(pathToFileURL(work).href)} + "/" + folder + "/index.ts");
        result[folder] = globalThis.pwned !== undefined ? "payload ran"
          : typeof sdk.PetstoreClient === "function" ? "imported, no payload ran"
          : "no client exported: " + Object.keys(sdk).join();
      } catch (error) {
        result[folder] = "import failed: " + error.message;
      }
      delete globalThis.pwned;
    }
    console.log(JSON.stringify(result));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: repoRoot, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe("the issue's injection vectors", () => {
  withWorkFolder();
  it("each is generated and imported in a child process without running its payload", { timeout: 120_000 }, async () => {
    const folders = Object.keys(vectors).map((name) => name.replace(/\W+/g, "-"));
    await Promise.all(
      Object.entries(vectors).map(async ([name, apply], index) => {
        const manifest = structuredClone(minimal) as Manifest & Record<string, any>;
        apply(manifest);
        const folder = path.join(work, folders[index]!);
        await mkdir(folder, { recursive: true });
        await writeFile(path.join(folder, "manifest.yaml"), stringify(manifest));
        const { files } = await generate({ manifestPath: path.join(folder, "manifest.yaml"), outDir: folder, runtimeDir });
        for (const file of files) {
          await mkdir(path.dirname(path.join(folder, file.path)), { recursive: true });
          await writeFile(path.join(folder, file.path), file.text);
        }
        assert.ok(files.some((f) => f.text.includes("globalThis.pwned")), `${name}: the payload is in the output, as text`);
      }),
    );
    const results = await importEach(folders);
    assert.deepStrictEqual(results, Object.fromEntries(folders.map((f) => [f, "imported, no payload ran"])));
  });
});
