import path from "node:path";
import { performance } from "node:perf_hooks";
import { emitSources } from "./emit/index.js";
import { type FormatCache, FormatPool, Formatter } from "./format.js";
import type { IrApi } from "./ir.js";
import { loadManifest } from "./load.js";
import { normalizeManifest } from "./normalize.js";
import { RUNTIME_COPY_DIR, SOURCE_DIR, packageFiles } from "./package-files.js";
import { type Regeneration, renderDocs, renderHeader } from "./render.js";
import { validateManifest } from "./validate.js";
import { type OutputFile, type WriteRecord, readRecordQuietly, readRecorded } from "./write.js";

export interface GenerateInput {
  manifestPath: string;
  outDir: string;
  /**
   * Linked mode: the folder of the hand-written runtime the generated code imports. Absent: package mode, a
   * self-contained npm package (package.json, tsconfig.json, docs, src/ with a copy of the runtime it needs).
   */
  runtimeDir?: string;
}

export interface GenerateOutput {
  api: IrApi;
  files: OutputFile[];
  /** Milliseconds spent in each stage. */
  timings: Record<string, number>;
  /** How many files the format cache gave (unformatted text unchanged since the run that wrote them). */
  formatCached: number;
}

/**
 * load → validate → normalize → render → emit → format. Pure of side effects: writing is the caller's stage. It reads
 * the output folder's record and the files it lists, for the format cache (see recordedFormatCache).
 *
 * Formatting runs beside the other stages: each file is handed to the formatter as soon as it is rendered or printed
 * (the docs first: reference.md is the biggest file of a large API), and without a record, where every file will be
 * formatted, the formatting thread starts before the manifest is even loaded. "format" times only the wait after emit
 * (and the package stage, which runs during that wait).
 */
export async function generate(input: GenerateInput): Promise<GenerateOutput> {
  const record = await readRecordQuietly(input.outDir);
  const formatter = new Formatter(recordedFormatCache(input.outDir, record), record === undefined ? new FormatPool() : undefined);
  try {
    return await generateWith(input, formatter);
  } finally {
    formatter.close();
  }
}

async function generateWith(input: GenerateInput, formatter: Formatter): Promise<GenerateOutput> {
  const timings: Record<string, number> = {};
  const timed = async <T>(stage: string, work: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      timings[stage] = performance.now() - start;
    }
  };
  const loaded = await timed("load", () => loadManifest(input.manifestPath));
  const manifest = await timed("validate", () => validateManifest(loaded));
  const regeneration = regenerationOf(input);
  const source = regeneration.options.find((o) => o.flag === "--manifest")?.path ?? "manifest.yaml";
  const api = await timed("normalize", () => normalizeManifest(manifest, source));
  // Emitted paths and the runtime entry are relative to the folder of the sources: src/ of a package.
  const { runtimeDir } = input;
  const sourcePrefix = runtimeDir === undefined ? `${SOURCE_DIR}/` : "";
  const runtimeEntry =
    runtimeDir === undefined
      ? path.posix.relative(SOURCE_DIR, `${RUNTIME_COPY_DIR}/index.ts`)
      : path.relative(input.outDir, path.join(runtimeDir, "index.ts")).split(path.sep).join("/");
  const docs = await timed("render", () => renderDocs(api, regeneration));
  for (const doc of docs) formatter.add(doc);
  const header = renderHeader(api, "line", regeneration);
  const sources: OutputFile[] = [];
  await timed("emit", () =>
    emitSources(api, { runtimeEntry }, (emitted) => {
      const file = { path: sourcePrefix + emitted.path, text: `${header}\n\n${emitted.text}` };
      sources.push(file);
      formatter.add(file);
    }),
  );
  // The runtime copy depends only on the import specifiers of the sources, which formatting keeps: it is read while
  // the formatting thread works.
  const packaged = runtimeDir === undefined ? timed("package", () => packageFiles(api, sources)) : Promise.resolve([]);
  packaged.catch(() => undefined); // awaited below; not unhandled if formatting fails first
  const formatted = await timed("format", () => formatter.finish());
  const files: OutputFile[] = [...formatted.files, ...(await packaged)];
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { api, files, timings, formatCached: formatted.cached };
}

/**
 * The format cache is the output folder itself: its record (.generated-files.json) keeps, beside each file's size and
 * hash, the key of the unformatted text it was formatted from. A file whose key is unchanged and whose content still
 * has the recorded size and hash is that formatting, so it is reused; anything else (no record, an old record without
 * keys, a file edited or removed since, another prettier version or options) is formatted again. No second store to
 * keep in step or to clean, and a folder copied or checked out elsewhere keeps its cache.
 */
function recordedFormatCache(outDir: string, record: WriteRecord | undefined): FormatCache | undefined {
  if (record === undefined) return undefined;
  return async (file, key) => {
    const stamp = record.get(file);
    return stamp?.source === key ? readRecorded(path.join(path.resolve(outDir), file), stamp) : undefined;
  };
}

/**
 * The `npm run generate` options that give this output, relative to the folder holding the output folder: none when
 * they are the defaults (manifest.yaml and runtime/ beside generated/), else --manifest and --out (and --runtime in
 * linked mode), so the same input gives the same header from any directory and any checkout.
 */
function regenerationOf(input: GenerateInput): Regeneration {
  const outDir = path.resolve(input.outDir);
  const base = path.dirname(outDir);
  const relative = (target: string) => path.relative(base, path.resolve(target)).split(path.sep).join("/");
  const manifest = relative(input.manifestPath);
  const outName = path.basename(outDir);
  // Package mode has no --runtime; the defaults are linked mode's, so it always names --manifest and --out.
  const runtime = input.runtimeDir === undefined ? undefined : relative(input.runtimeDir);
  if (manifest === "manifest.yaml" && outName === "generated" && runtime === "runtime") return { options: [], outName };
  const options = [
    { flag: "--manifest", path: manifest },
    { flag: "--out", path: outName },
  ];
  // Always named when linked: without it, --out alone would make a package instead.
  if (runtime !== undefined) options.push({ flag: "--runtime", path: runtime });
  return { options, outName };
}
