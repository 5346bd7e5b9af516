import { readFile } from "node:fs/promises";
import path from "node:path";
import { ts } from "ts-morph";
import type { IrApi } from "./ir.js";
import type { OutputFile } from "./write.js";

/**
 * The files that make package mode's output a self-contained npm package: package.json, tsconfig.json, and a copy of
 * the runtime modules the generated code needs. The runtime is copied rather than depended on: no runtime package is
 * published, and a copy keeps the generated code and the runtime of one generator version together.
 */

/** Where package mode puts the generated sources, and the runtime copy inside them (paths in the package). */
export const SOURCE_DIR = "src";
export const RUNTIME_COPY_DIR = `${SOURCE_DIR}/runtime`;

/**
 * Whether the generator may write `file` (a path in the output folder) without a header: only package mode's own
 * files. A record that marks any other file so is not believed (it could otherwise get a file of yours removed).
 */
export const mayBeUnmarked = (file: string) => file === "package.json" || file === "tsconfig.json" || file.startsWith(`${RUNTIME_COPY_DIR}/`);

/** The hand-written runtime this generator copies from. */
export const RUNTIME_SOURCE_DIR = new URL("../runtime/", import.meta.url);
const REPOSITORY_PACKAGE = new URL("../package.json", import.meta.url);

/**
 * Runtime modules loaded by URL rather than imported (so no import names them), by the module that loads them: the
 * sync bridge starts its worker thread from the file beside it.
 */
const LOADED_BY_URL: Record<string, readonly string[]> = { "sync/bridge.ts": ["sync/worker.ts", "sync/worker-source.mjs"] };

/** Node release the runtime needs (require of ES modules, Atomics.wait in workers, undici 7). */
const NODE_ENGINES = ">=20.19";

interface RepositoryPackage {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** package.json, tsconfig.json and the runtime copy for the generated sources `sources` (paths under src/). */
export async function packageFiles(api: IrApi, sources: readonly OutputFile[]): Promise<OutputFile[]> {
  const repository = JSON.parse(await readFile(REPOSITORY_PACKAGE, "utf8")) as RepositoryPackage;
  const files = [
    { path: "package.json", text: packageJsonText(api, repository) },
    { path: "tsconfig.json", text: jsonText(TSCONFIG) },
    ...(await runtimeCopy(sources)),
  ];
  return files.map((file) => ({ ...file, unmarked: true }));
}

const jsonText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A version range of this repository's package.json: the generated package uses what the runtime is tested with. */
function rangeOf(repository: RepositoryPackage, section: "dependencies" | "devDependencies", name: string): string {
  const range = repository[section]?.[name];
  if (typeof range !== "string") throw new Error(`the generator's package.json has no ${section} entry for ${name}`);
  return range;
}

export function packageJsonText(api: IrApi, repository: RepositoryPackage): string {
  const { name, version, description, license } = api.package;
  return jsonText({
    name,
    version,
    description,
    ...(license === undefined ? {} : { license }),
    type: "module",
    engines: { node: NODE_ENGINES },
    exports: {
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./package.json": "./package.json",
    },
    main: "./dist/index.js",
    types: "./dist/index.d.ts",
    files: ["dist", "README.md", "reference.md"],
    scripts: { build: "tsc -p tsconfig.json", prepack: "npm run build" },
    dependencies: { undici: rangeOf(repository, "dependencies", "undici") },
    devDependencies: {
      "@types/node": rangeOf(repository, "devDependencies", "@types/node"),
      typescript: rangeOf(repository, "devDependencies", "typescript"),
    },
  });
}

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    module: "NodeNext",
    moduleResolution: "NodeNext",
    target: "ES2022",
    rootDir: SOURCE_DIR,
    outDir: "dist",
    declaration: true,
    skipLibCheck: true,
    types: ["node"],
  },
  include: [SOURCE_DIR],
};

/** Relative module specifiers of a file: static imports and re-exports, `import type`, and dynamic imports. */
function relativeSpecifiers(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((file) => file.fileName)
    .filter((specifier) => specifier.startsWith("./") || specifier.startsWith("../"));
}

/** The module a relative ".js" specifier of `fromFile` names, as a ".ts" path relative to the same root. */
function resolvedTs(fromFile: string, specifier: string): string {
  if (!specifier.endsWith(".js")) throw new Error(`${fromFile}: cannot follow the import "${specifier}": runtime modules are imported as "./name.js"`);
  return path.posix.join(path.posix.dirname(fromFile), specifier).replace(/\.js$/, ".ts");
}

/**
 * The runtime modules the generated sources need, copied unchanged: the ones they import, and everything those
 * import in turn (followed generically, whatever entry the emitters use), plus the modules loaded by URL.
 */
export async function runtimeCopy(sources: readonly OutputFile[]): Promise<OutputFile[]> {
  const pending: string[] = [];
  const prefix = `${RUNTIME_COPY_DIR}/`;
  for (const source of sources) {
    if (!source.path.endsWith(".ts")) continue;
    for (const specifier of relativeSpecifiers(source.text)) {
      const target = path.posix.join(path.posix.dirname(source.path), specifier);
      if (target.startsWith(prefix)) pending.push(resolvedTs(source.path, specifier).slice(prefix.length));
    }
  }
  const copied = new Map<string, string>();
  for (let module = pending.pop(); module !== undefined; module = pending.pop()) {
    if (copied.has(module)) continue;
    if (module.startsWith("../")) throw new Error(`the runtime imports ${module}, which is outside the runtime folder`);
    let text: string;
    try {
      text = await readFile(new URL(module, RUNTIME_SOURCE_DIR), "utf8");
    } catch (error) {
      throw new Error(`the generated code needs runtime/${module}, which cannot be read: ${(error as Error).message}`);
    }
    copied.set(module, text);
    // A module loaded by URL that is not TypeScript (the worker's entry for .ts sources) names what LOADED_BY_URL lists.
    if (module.endsWith(".ts")) for (const specifier of relativeSpecifiers(text)) pending.push(resolvedTs(module, specifier));
    pending.push(...(LOADED_BY_URL[module] ?? []));
  }
  return [...copied].map(([module, text]) => ({ path: `${prefix}${module}`, text }));
}
