import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Options } from "prettier";

/** Fixed here, never read from config files, so that output is the same on every machine. */
export const OPTIONS: Readonly<Options> = {
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

/**
 * babel-ts prints every generated file exactly as the typescript parser does (test/format-parsers.test.ts checks it on
 * generated packages) and parses in about two thirds of the time.
 */
const PARSERS = { markdown: "markdown", typescript: "babel-ts" } as const;

const parserOf = (file: string) => (file.endsWith(".md") ? PARSERS.markdown : PARSERS.typescript);

/** Options of one formatting beside the fixed ones: see formatMarkdown. */
type Overrides = Pick<Options, "printWidth" | "embeddedLanguageFormatting">;

/** Formats one file in this thread. */
export async function formatFile(file: string, text: string, overrides: Overrides = {}): Promise<string> {
  prettier ??= import("prettier");
  // Without a file name prettier's TypeScript parsers guess whether the text is JSX with a multi-line regular
  // expression that is quadratic in a file without quotes (types.ts): 5.8 of 7.5 s for 2 000 types. A .ts name
  // tells it (no JSX, module), so the guess never runs. Prettier reads no config file from it: only format() is called.
  return (await prettier).format(text, { ...OPTIONS, ...overrides, parser: parserOf(file), filepath: file });
}

/** What formatting depends on besides the text and the path: prettier's version (read without loading it), the options and parsers. */
const FORMATTER = (() => {
  const entry = createRequire(import.meta.url).resolve("prettier");
  const { version } = JSON.parse(readFileSync(path.join(path.dirname(entry), "package.json"), "utf8")) as { version: string };
  return JSON.stringify({ prettier: version, options: OPTIONS, parsers: PARSERS });
})();

/** A file as the pipeline hands it to formatting. */
export interface Unformatted {
  path: string;
  text: string;
  /** Markdown its template prints as prettier would: only its TypeScript blocks are formatted. */
  codeBlocksOnly?: boolean;
}

/**
 * The format cache's key of an unformatted file: SHA-256 of the formatter (prettier's version, options and parsers),
 * the path (it picks the parser), what is formatted of it and the text. Equal keys give equal formatted text.
 */
export function formatKey(file: string, text: string, codeBlocksOnly = false): string {
  return createHash("sha256").update(`${FORMATTER}\0${file}\0${codeBlocksOnly ? "code blocks\0" : ""}${text}`).digest("hex");
}

/** Formatted text the last run produced from the same unformatted text (same key), if it can still be had. */
export type FormatCache = (file: string, key: string) => Promise<string | undefined>;

export interface FormattedFile {
  path: string;
  text: string;
  /** formatKey of the unformatted text, kept in the output folder's record for the next run. */
  source: string;
}

/** One thread that formats the files handed to it, one at a time, in the order given. */
interface Lane {
  format(file: string, text: string, overrides?: Overrides): Promise<string>;
  close(): void;
}

/** Plain JavaScript, so the worker loads prettier alone (no TypeScript loader: execArgv is not inherited). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { options, warmUps } = workerData;
// Formatting a line of each language loads its parser plugins now, while the main thread is still busy emitting.
const ready = import(workerData.prettierUrl).then(async (prettier) => {
  for (const file of warmUps) await prettier.format(file.text, { ...options, parser: file.parser, filepath: file.path });
  return prettier;
});
// One file at a time: it keeps one syntax tree alive at a time.
let previous = Promise.resolve();
parentPort.on("message", (job) => {
  previous = previous.then(async () => {
    try {
      const prettier = await ready;
      parentPort.postMessage({ id: job.id, text: await prettier.format(job.text, { ...options, ...job.overrides, parser: job.parser, filepath: job.path }) });
    } catch (error) {
      parentPort.postMessage({ id: job.id, error: String((error && error.stack) || error) });
    }
  });
});
`;

/** A worker thread running the same prettier module with the same options as formatFile: the same text. */
class WorkerLane implements Lane {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { file: string; resolve: (text: string) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor() {
    const warmUps = [
      { path: "warm-up.ts", text: "export const a: string = `b`;\n", parser: parserOf("warm-up.ts") },
      { path: "warm-up.md", text: "# a\n\n- `b`\n", parser: parserOf("warm-up.md") },
    ];
    const workerData = { prettierUrl: import.meta.resolve("prettier"), options: OPTIONS, warmUps };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData, execArgv: [] });
    this.worker.on("message", (message: { id: number; text?: string; error?: string }) => {
      const job = this.waiting.get(message.id);
      if (job === undefined) return;
      this.settle(message.id);
      if (message.text !== undefined) job.resolve(message.text);
      else job.reject(new Error(`formatting ${job.file} in a worker thread failed: ${message.error}`));
    });
    this.worker.on("error", (error) => this.fail(new Error(`the formatting worker thread failed: ${error.stack ?? error.message}`)));
    this.worker.on("exit", (code) => this.fail(new Error(`the formatting worker thread exited (${code}) before answering`)));
    // Only a worker with work keeps the process alive: an idle pool never delays its exit. (After the listeners: adding
    // one refs the worker's port again.)
    this.worker.unref();
  }

  format(file: string, text: string, overrides: Overrides = {}): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { file, resolve, reject });
      this.worker.postMessage({ id, path: file, text, parser: parserOf(file), overrides });
    });
  }

  close(): void {
    this.fail(new Error("the formatting pool was closed before the file was formatted"));
    void this.worker.terminate();
  }

  private settle(id: number): void {
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker.unref();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const [id, job] of this.waiting) {
      this.settle(id);
      job.reject(this.failure);
    }
  }
}

/** Formatting in this thread: on one core, a worker would only add its start and a second load of prettier. */
class InThreadLane implements Lane {
  private previous: Promise<unknown> = Promise.resolve();

  format(file: string, text: string, overrides: Overrides = {}): Promise<string> {
    const formatted = this.previous
      .then(() => formatFile(file, text, overrides))
      .catch((error: unknown) => Promise.reject(new Error(`formatting ${file} failed: ${(error as Error).stack ?? String(error)}`)));
    this.previous = formatted.catch(() => undefined);
    return formatted;
  }

  close(): void {}
}

/**
 * The thread that formats files as they are handed over. With more than one core, a worker thread: started before the
 * first file is printed, it loads prettier and its parsers while this thread is still loading the manifest and
 * emitting, and formats while this thread emits. With one core, this thread after emitting. One worker, not more: on
 * the 2-core machine this was measured on, prettier allocates so much that two threads formatting at once each run 1.7
 * to 2 times slower (memory-bound), so a second worker, or this thread formatting beside the worker, only added a
 * second load and warm-up of prettier (whole Schematic API: formatting ended at 3.4 s with one worker, 3.5 to 3.8 s
 * with two).
 */
export class FormatPool {
  private readonly lane: Lane = availableParallelism() < 2 ? new InThreadLane() : new WorkerLane();

  format(file: string, text: string, overrides: Overrides = {}): Promise<string> {
    return this.lane.format(file, text, overrides);
  }

  /** Stops the thread; files not formatted yet are rejected. */
  close(): void {
    this.lane.close();
  }
}

/**
 * Formats files as the pipeline hands them over, or takes a file's text from `cache` when its unformatted text is
 * what the last run formatted. The pool is started on the first file the cache does not have, unless given: a run
 * with nothing to format starts no thread.
 */
export class Formatter {
  private readonly results: Promise<FormattedFile & { cached: boolean }>[] = [];

  constructor(
    private readonly cache?: FormatCache,
    private pool?: FormatPool,
  ) {}

  add(file: Unformatted): void {
    const source = formatKey(file.path, file.text, file.codeBlocksOnly);
    // Without a cache the file goes to the pool now, not after an await: the pipeline goes on emitting while it is formatted.
    const result = this.cache
      ? this.cache(file.path, source).then((hit) => (hit === undefined ? this.formatMissed(file, source) : { path: file.path, text: hit, source, cached: true }))
      : this.formatMissed(file, source);
    // Awaited in finish(); this only keeps a rejection from counting as unhandled when finish() is never reached.
    result.catch(() => undefined);
    this.results.push(result);
  }

  /** Every file added, in the order added, and how many came from the cache. Closes the pool. */
  async finish(): Promise<{ files: FormattedFile[]; cached: number }> {
    try {
      const results = await Promise.all(this.results);
      return { files: results.map(({ path: file, text, source }) => ({ path: file, text, source })), cached: results.filter((r) => r.cached).length };
    } finally {
      this.close();
    }
  }

  close(): void {
    this.pool?.close();
  }

  /** Whether formatting threads were started (a test hook: a run the cache answers entirely must start none). */
  get poolStarted(): boolean {
    return this.pool !== undefined;
  }

  private async formatMissed({ path: file, text, codeBlocksOnly = false }: Unformatted, source: string): Promise<FormattedFile & { cached: boolean }> {
    const pool = (this.pool ??= new FormatPool());
    const formatted = parserOf(file) === PARSERS.markdown ? await formatMarkdown(pool, file, text, codeBlocksOnly) : await pool.format(file, text);
    return { path: file, text: formatted, source, cached: false };
  }
}

/** A fenced TypeScript block of generated Markdown, as the templates write it: its code is the first group. */
const TS_BLOCK = /^```ts\n([^]*?)\n```$/gm;

/** The info string of every opening code fence (any indent, backticks or tildes); closing fences have none. */
const FENCE_INFO = /^ *(?:`{3,}|~{3,})[ \t]*(\S+)/gm;

/** Languages of code blocks prettier leaves as they are: a file may hold these beside its TypeScript blocks. */
const UNFORMATTED_LANGUAGES: ReadonlySet<string> = new Set(["sh", "bash", "shell", "console", "text", "txt"]);

/** Whether every block prettier would format in `text` is one of its `count` column-0 ```ts blocks. */
const onlyTsBlocks = (text: string, count: number) =>
  [...text.matchAll(FENCE_INFO)].filter((match) => !UNFORMATTED_LANGUAGES.has(match[1]!)).length === count;

/**
 * A Markdown file with its TypeScript blocks formatted in one go. Prettier formats each block of a Markdown file on
 * its own, and each costs a whole format call: in reference.md of a large API (an example per operation) that was a
 * third of the file's time. Here the Markdown is formatted with its blocks left as they are (or, `codeBlocksOnly`,
 * left as its template printed it), and the blocks together as one file, each inside braces: a block statement,
 * indented by 2, so 2 more columns give each line the width it has alone. Same text as prettier's own (test/format-pool.test.ts checks it); anything else (a block of another
 * language prettier formats, or indented in a list; a block that is no statement list, such as an import; one that holds a backtick, whose template text indentation would not move; one
 * that starts with a string, a directive alone but not in braces) is formatted by prettier as a whole.
 */
async function formatMarkdown(pool: FormatPool, file: string, text: string, codeBlocksOnly: boolean): Promise<string> {
  const blocks = [...text.matchAll(TS_BLOCK)].map((match) => match[1]!);
  if (blocks.length > 1 && onlyTsBlocks(text, blocks.length) && !blocks.some((code) => code.includes("`") || /^\s*["']/.test(code))) {
    const together = blocks.map((code) => `{\n${code}\n}\n`).join("");
    const [markdown, code] = await Promise.all([
      codeBlocksOnly ? text : pool.format(file, text, { embeddedLanguageFormatting: "off" }),
      pool.format("blocks.ts", together, { printWidth: OPTIONS.printWidth! + 2 }).catch(() => undefined),
    ]);
    const formatted = code === undefined ? undefined : unbraced(code, blocks.length);
    const merged = formatted && withBlocks(markdown, blocks, formatted);
    if (merged !== undefined) return merged;
  }
  return pool.format(file, text);
}

/** The `count` statement lists of formatted `{ … }` blocks, indented as each alone, or undefined if it is not that. */
function unbraced(code: string, count: number): string[] | undefined {
  const parts = code.split(/^\}\n/m);
  if (parts.length !== count + 1 || parts[count] !== "") return undefined;
  const lists: string[] = [];
  for (const part of parts.slice(0, count)) {
    const lines = part.split("\n").slice(0, -1);
    if (lines[0] !== "{" || !lines.slice(1).every((line) => line === "" || line.startsWith("  "))) return undefined;
    lists.push(lines.slice(1).map((line) => line.slice(2)).join("\n"));
  }
  return lists;
}

/** `markdown` with each block's code, in order, replaced by its formatted code; undefined if one is not found as it was. */
function withBlocks(markdown: string, blocks: string[], formatted: string[]): string | undefined {
  let out = "";
  let from = 0;
  for (const [index, code] of blocks.entries()) {
    const fenced = `\n\`\`\`ts\n${code}\n\`\`\`\n`;
    const at = markdown.indexOf(fenced, from);
    if (at < 0) return undefined;
    out += `${markdown.slice(from, at)}\n\`\`\`ts\n${formatted[index]}\n\`\`\`\n`;
    from = at + fenced.length;
  }
  return out + markdown.slice(from);
}
