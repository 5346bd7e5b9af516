import { readFileSync, realpathSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from "yaml";

export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface ManifestProblem {
  position: SourcePosition;
  message: string;
}

export function formatProblem({ position, message }: ManifestProblem): string {
  return `${where(position)}: ${message}`;
}

const where = ({ file, line, column }: SourcePosition) => `${file}:${line}:${column}`;

/** The message lists at most this many problems, then how many more there are: 20 000 lines help nobody. */
export const MAX_PROBLEMS_LISTED = 100;

/** Every problem found in a manifest, reported together (the first MAX_PROBLEMS_LISTED of them in the message). */
export class ManifestError extends Error {
  constructor(readonly problems: ManifestProblem[]) {
    const listed = problems.slice(0, MAX_PROBLEMS_LISTED).map(formatProblem);
    const more = problems.length - listed.length;
    if (more > 0) listed.push(`... and ${more} more problem${more === 1 ? "" : "s"}`);
    super(listed.join("\n"));
    this.name = "ManifestError";
  }
}

/** Problems in file order. */
export function byPosition(a: ManifestProblem, b: ManifestProblem): number {
  return a.position.line - b.position.line || a.position.column - b.position.column;
}

/** Problems in reading order: the main manifest's first, then each part's in the order `files` lists them. */
export function inFileOrder(files: readonly string[]): (a: ManifestProblem, b: ManifestProblem) => number {
  const rank = new Map(files.map((file, index) => [file, index]));
  const rankOf = (problem: ManifestProblem) => rank.get(problem.position.file) ?? files.length;
  return (a, b) => rankOf(a) - rankOf(b) || byPosition(a, b);
}

export type ManifestPath = readonly (string | number)[];

export interface LoadedManifest {
  file: string;
  /** Every file read: the main manifest, then each part in the order it is included (depth first). */
  files: readonly string[];
  /** The main manifest with its parts merged in. */
  data: unknown;
  /** Where the value at `path` (or, with at = "key", its key) starts; the nearest existing ancestor if it is absent. */
  positionOf(path: ManifestPath, at?: "key" | "value"): SourcePosition;
}

/** Pairs of a YAML mapping by key, built once per mapping: a scan per lookup made reporting many problems quadratic. */
const pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairNamed(map: YAMLMap, key: string): Pair | undefined {
  let pairs = pairsByKey.get(map);
  if (pairs === undefined) {
    pairs = new Map();
    for (const pair of map.items) {
      if (isScalar(pair.key) && !pairs.has(String(pair.key.value))) pairs.set(String(pair.key.value), pair);
    }
    pairsByKey.set(map, pairs);
  }
  return pairs.get(key);
}

function findNode(doc: Document, path: ManifestPath, at: "key" | "value"): Node | undefined {
  let node: unknown = doc.contents;
  let found = node as Node | undefined;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = pairNamed(node, String(segment));
      if (pair === undefined) break;
      const key = pair.key as Node;
      if ((last && at === "key") || pair.value === null) return key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
      node = node.items[segment];
    } else {
      break;
    }
    found = node as Node;
  }
  return found;
}

/** Each mapping key that repeats an earlier key of its mapping: one pass (yaml's own check is quadratic in the keys). */
function duplicateKeys(doc: Document): Node[] {
  const duplicates: Node[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) duplicates.push(key);
        seen.add(key.value);
      }
    },
  });
  return duplicates;
}

/** Where an alias bomb starts: the first alias whose anchor holds aliases itself (that nesting multiplies), or the first. */
function firstNestedAlias(doc: Document): Node | undefined {
  const anchored = new Map<string, Node>();
  // Whether an anchored node holds aliases, found once per anchor: walking it again for each alias was quadratic.
  const holdsAliases = new Map<Node, boolean>();
  const holds = (source: Node) => {
    if (!holdsAliases.has(source)) {
      let found = false;
      visit(source, { Alias: () => ((found = true), visit.BREAK) });
      holdsAliases.set(source, found);
    }
    return holdsAliases.get(source)!;
  };
  let first: Node | undefined;
  let nested: Node | undefined;
  visit(doc, {
    Node(_, node) {
      if (isAlias(node)) {
        first ??= node;
        const source = anchored.get(node.source);
        if (source && holds(source)) return ((nested = node), visit.BREAK);
      } else if (node.anchor) {
        anchored.set(node.anchor, node); // an alias names the closest anchor before it
      }
      return undefined;
    },
  });
  return nested ?? first;
}

/** Aliases may expand to at most this many nodes; more is an alias bomb (a few lines that expand to gigabytes). */
const MAX_ALIAS_EXPANSIONS = 100;

/** One YAML file, parsed: the main manifest or a part it includes. */
interface ParsedFile {
  file: string;
  data: unknown;
  positionOf(path: ManifestPath, at?: "key" | "value"): SourcePosition;
}

/** Parses one file; its problems (syntax, duplicate keys, an alias bomb) are returned rather than thrown. */
function parseFile(text: string, file: string): { parsed?: ParsedFile; problems: ManifestProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const problems = [...doc.errors, ...doc.warnings].map((error) => ({
    position: position(error.pos[0]),
    message: `invalid YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
  }));
  for (const key of duplicateKeys(doc)) {
    problems.push({ position: position(key.range?.[0] ?? 0), message: "invalid YAML: Map keys must be unique" });
  }
  if (problems.length > 0) return { problems };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const alias = firstNestedAlias(doc);
    const message = `invalid YAML: aliases expand to more than ${MAX_ALIAS_EXPANSIONS} copies of their anchors (an alias bomb?); write the values out instead`;
    return { problems: [{ position: position(alias?.range?.[0] ?? 0), message }] };
  }
  const positionOf = (path: ManifestPath, at: "key" | "value" = "value") => position(findNode(doc, path, at)?.range?.[0] ?? 0);
  return { parsed: { file, data, positionOf }, problems };
}

/** Parses a manifest and the parts it includes (read from disk, relative to `file`), merged into one. */
export function parseManifest(text: string, file: string): LoadedManifest {
  const { parsed, problems } = parseFile(text, file);
  if (parsed === undefined) throw new ManifestError(problems.sort(byPosition));
  return new PartMerger(parsed).merged();
}

/** The sections a part may hold; each is merged key by key into the main manifest's. */
export const PART_SECTIONS: readonly string[] = ["types", "resources", "errors", "options", "servers"];

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Sets a key as data: `target[key] = value` would set the prototype for a key named __proto__. */
const defineKey = (target: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

const describeValue = (value: unknown) =>
  value === null ? "nothing" : Array.isArray(value) ? "a list" : isMapping(value) ? "a mapping" : `${typeof value} ${JSON.stringify(value)}`;

/** A file on the include chain: its path as reported and its real path, which tells two spellings of one file apart. */
interface IncludedFile {
  parsed: ParsedFile;
  realPath: string;
}

/**
 * Reads the parts a manifest includes, depth first in the order listed, and merges their sections key by key into the
 * main manifest's data; remembers which file defines each key so positions point into the right file.
 */
class PartMerger {
  private readonly problems: ManifestProblem[] = [];
  private readonly files: string[];
  /** section → key → the file that defines it. */
  private readonly owners = new Map<string, Map<string, ParsedFile>>();
  /** section → the first file that has it: the main manifest, or the first part when the main manifest has none. */
  private readonly sectionFiles = new Map<string, ParsedFile>();
  /** Real path of every part read → where it was included (a second include of it is refused). */
  private readonly included = new Map<string, SourcePosition>();
  /** Parts must lie in this folder or below it: the main manifest's, lexically and after symbolic links. */
  private readonly root: string;
  private readonly realRoot: string;

  constructor(private readonly main: ParsedFile) {
    this.files = [main.file];
    this.root = path.resolve(path.dirname(main.file));
    this.realRoot = realPathOr(this.root);
  }

  merged(): LoadedManifest {
    const { main } = this;
    if (isMapping(main.data)) {
      for (const [section, value] of Object.entries(main.data)) {
        this.sectionFiles.set(section, main);
        if (PART_SECTIONS.includes(section) && isMapping(value)) {
          this.owners.set(section, new Map(Object.keys(value).map((key) => [key, main])));
        }
      }
      this.includeFrom({ parsed: main, realPath: realPathOr(path.resolve(main.file)) }, []);
    }
    if (this.problems.length > 0) throw new ManifestError(this.problems.sort(inFileOrder(this.files)));
    return {
      file: main.file,
      files: this.files,
      data: main.data,
      positionOf: (at, what) => this.fileOf(at).positionOf(at, what),
    };
  }

  /** The file that holds the node at `at`: the one defining its section's key, else the one with the section. */
  private fileOf(at: ManifestPath): ParsedFile {
    if (at.length === 0) return this.main;
    const section = String(at[0]);
    const owner = at.length > 1 ? this.owners.get(section)?.get(String(at[1])) : undefined;
    return owner ?? this.sectionFiles.get(section) ?? this.main;
  }

  private report(file: ParsedFile, at: ManifestPath, message: string, what: "key" | "value" = "value") {
    this.problems.push({ position: file.positionOf(at, what), message: at.length > 0 ? `${at.join(".")}: ${message}` : message });
  }

  private includeFrom(from: IncludedFile, chain: IncludedFile[]) {
    const list = isMapping(from.parsed.data) ? from.parsed.data.include : undefined;
    if (list === undefined) return;
    if (!Array.isArray(list)) return this.report(from.parsed, ["include"], `expected a list of file paths relative to this file, got ${describeValue(list)}`);
    for (const [index, entry] of list.entries()) {
      const part = this.read(from, ["include", index], entry, [...chain, from]);
      if (part === undefined) continue;
      this.merge(part.parsed);
      this.includeFrom(part, [...chain, from]);
    }
  }

  /** The part an include entry names, parsed; undefined (with the problem reported) when it cannot be included. */
  private read(from: IncludedFile, at: ManifestPath, entry: unknown, chain: IncludedFile[]): IncludedFile | undefined {
    const refuse = (message: string) => void this.report(from.parsed, at, message);
    if (typeof entry !== "string" || entry === "") return refuse(`expected a file path relative to this file, got ${describeValue(entry)}`);
    if (path.isAbsolute(entry)) return refuse(`"${entry}" is an absolute path; give the part's path relative to this file`);
    const file = path.join(path.dirname(from.parsed.file), entry);
    const outside = (folder: string, target: string) => {
      const relative = path.relative(folder, target);
      return relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
    };
    const leaves = `"${entry}" leaves the folder of ${this.main.file}; a part must be in that folder or below it`;
    if (outside(this.root, path.resolve(file))) return refuse(leaves);
    let realPath: string;
    let text: string;
    try {
      realPath = realpathSync(file);
      if (outside(this.realRoot, realPath)) return refuse(`${leaves} (it is a symbolic link to ${realPath})`);
      const cycle = chain.findIndex((link) => link.realPath === realPath);
      if (cycle >= 0) return refuse(`include cycle: ${[...chain.slice(cycle).map((link) => link.parsed.file), file].join(" -> ")}`);
      const earlier = this.included.get(realPath);
      if (earlier) return refuse(`"${entry}" is already included at ${where(earlier)}; include each part once`);
      // Only a regular file: reading a FIFO or a device would hang or never end.
      if (!statSync(realPath).isFile()) return refuse(`cannot read "${entry}": not a file`);
      text = readFileSync(realPath, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return refuse(`cannot read "${entry}": ${code === "ENOENT" ? "file not found" : (error as Error).message}`);
    }
    this.included.set(realPath, from.parsed.positionOf(at));
    this.files.push(file);
    const { parsed, problems } = parseFile(text, file);
    this.problems.push(...problems);
    return parsed && { parsed, realPath };
  }

  /** Merges a part's sections into the main manifest's data, key by key; a key defined twice is a problem. */
  private merge(part: ParsedFile) {
    if (part.data === null) return; // an empty file
    if (!isMapping(part.data)) {
      return this.report(part, [], `a part is a mapping of sections (include, ${PART_SECTIONS.join(", ")}), got ${describeValue(part.data)}`);
    }
    const target = this.main.data as Record<string, unknown>;
    for (const [section, value] of Object.entries(part.data)) {
      if (section === "include") continue;
      if (!PART_SECTIONS.includes(section)) {
        this.report(part, [section], `not allowed in a part (expected one of: include, ${PART_SECTIONS.join(", ")})`, "key");
        continue;
      }
      if (!isMapping(value)) {
        this.report(part, [section], `expected a mapping of names, got ${describeValue(value)}`);
        continue;
      }
      if (!Object.hasOwn(target, section)) {
        defineKey(target, section, {});
        this.sectionFiles.set(section, part);
        this.owners.set(section, new Map());
      }
      const merged = target[section];
      // The main manifest's own section is not a mapping: the schema reports it there.
      if (!isMapping(merged)) continue;
      const owners = this.owners.get(section)!;
      for (const [key, definition] of Object.entries(value)) {
        const earlier = owners.get(key);
        if (earlier !== undefined) {
          this.report(part, [section, key], `already defined at ${where(earlier.positionOf([section, key], "key"))}`, "key");
          continue;
        }
        defineKey(merged, key, definition);
        owners.set(key, part);
      }
    }
  }
}

/** The real path of a file or folder, or the path itself when it cannot be resolved (it does not exist). */
function realPathOr(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

export async function loadManifest(file: string): Promise<LoadedManifest> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new ManifestError([{ position: { file, line: 1, column: 1 }, message: `cannot read manifest: ${reason}` }]);
  }
  return parseManifest(text, file);
}
