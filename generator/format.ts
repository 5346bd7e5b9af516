import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Options } from "prettier";

/** Fixed here, never read from config files, so that output is the same on every machine. */
const OPTIONS: Options = {
  printWidth: 120,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  proseWrap: "preserve",
  endOfLine: "lf",
};

/** Prettier is loaded on the first file that is not in the format cache: a run with nothing to format never loads it. */
let prettier: Promise<typeof import("prettier")> | undefined;

const parserOf = (file: string) => (file.endsWith(".md") ? "markdown" : "typescript");

export async function formatFile(file: string, text: string): Promise<string> {
  const parser = parserOf(file);
  prettier ??= import("prettier");
  // Without a file name prettier's typescript parser guesses whether the text is JSX with a multi-line regular
  // expression that is quadratic in a file without quotes (types.ts): 5.8 of 7.5 s for 2 000 types. A .ts name
  // tells it (no JSX, module), so the guess never runs. Prettier reads no config file from it: only format() is called.
  return (await prettier).format(text, { ...OPTIONS, parser, filepath: file });
}

/** What formatting depends on besides the text and the path: prettier's version (read without loading it) and the options. */
const FORMATTER = (() => {
  const entry = createRequire(import.meta.url).resolve("prettier");
  const { version } = JSON.parse(readFileSync(path.join(path.dirname(entry), "package.json"), "utf8")) as { version: string };
  return JSON.stringify({ prettier: version, options: OPTIONS });
})();

/**
 * The format cache's key of an unformatted file: SHA-256 of the formatter (prettier's version and options), the
 * path (it picks the parser) and the text. Equal keys give equal formatted text.
 */
export function formatKey(file: string, text: string): string {
  return createHash("sha256").update(`${FORMATTER}\0${file}\0${text}`).digest("hex");
}

/** Formatted text the last run produced from the same unformatted text (same key), if it can still be had. */
export type FormatCache = (file: string, key: string) => Promise<string | undefined>;

export interface FormattedFile {
  path: string;
  text: string;
  /** formatKey of the unformatted text, kept in the output folder's record for the next run. */
  source: string;
}

/**
 * Formats each file, or takes its text from `cache` when the unformatted text is what the last run formatted. With
 * more than one core, Markdown (reference.md is the biggest file of a large API) is formatted in a worker thread
 * while this thread formats the code. One file at a time in each: it keeps one syntax tree alive at a time.
 */
export async function formatFiles(files: { path: string; text: string }[], cache?: FormatCache): Promise<{ files: FormattedFile[]; cached: number }> {
  const keyed = await Promise.all(
    files.map(async (file) => {
      const source = formatKey(file.path, file.text);
      return { ...file, source, hit: await cache?.(file.path, source) };
    }),
  );
  const missed = keyed.filter((file) => file.hit === undefined);
  // Worth a thread only when both threads have work: a worker costs a start and a second load of prettier.
  const docs = missed.filter((file) => parserOf(file.path) === "markdown");
  const apart = availableParallelism() > 1 && docs.length > 0 && docs.length < missed.length ? docs : [];
  const here = missed.filter((file) => !apart.includes(file));
  const [apartTexts, hereTexts] = await Promise.all([apart.length > 0 ? formatInWorker(apart) : [], formatEach(here)]);
  const texts = new Map<string, string>();
  apart.forEach((file, index) => texts.set(file.path, apartTexts[index]!));
  here.forEach((file, index) => texts.set(file.path, hereTexts[index]!));
  const formatted = keyed.map(({ path: file, source, hit }) => ({ path: file, text: hit ?? texts.get(file)!, source }));
  return { files: formatted, cached: keyed.length - missed.length };
}

async function formatEach(files: { path: string; text: string }[]): Promise<string[]> {
  const texts: string[] = [];
  for (const file of files) texts.push(await formatFile(file.path, file.text));
  return texts;
}

/** Plain JavaScript, so the worker loads prettier alone (no TypeScript loader: execArgv is not inherited). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const prettier = await import(workerData.prettierUrl);
  const texts = [];
  for (const file of workerData.files) texts.push(await prettier.format(file.text, { ...workerData.options, parser: file.parser, filepath: file.path }));
  parentPort.postMessage({ texts });
})().catch((error) => parentPort.postMessage({ error: String((error && error.stack) || error) }));
`;

/** The same formatFile calls, in a worker thread: same prettier module, same options, so the same text. */
function formatInWorker(files: { path: string; text: string }[]): Promise<string[]> {
  const workerData = {
    prettierUrl: import.meta.resolve("prettier"),
    options: OPTIONS,
    files: files.map((file) => ({ path: file.path, text: file.text, parser: parserOf(file.path) })),
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData, execArgv: [] });
    let settled = false;
    worker.once("message", (message: { texts?: string[]; error?: string }) => {
      settled = true;
      if (message.texts) resolve(message.texts);
      else reject(new Error(`formatting in a worker thread failed: ${message.error}`));
      void worker.terminate();
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`the formatting worker thread exited (${code}) before answering`));
    });
  });
}
