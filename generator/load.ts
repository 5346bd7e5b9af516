import { readFile } from "node:fs/promises";
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
  return `${position.file}:${position.line}:${position.column}: ${message}`;
}

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

export type ManifestPath = readonly (string | number)[];

export interface LoadedManifest {
  file: string;
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

export function parseManifest(text: string, file: string): LoadedManifest {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const syntaxProblems = [...doc.errors, ...doc.warnings].map((error) => ({
    position: position(error.pos[0]),
    message: `invalid YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
  }));
  for (const key of duplicateKeys(doc)) {
    syntaxProblems.push({ position: position(key.range?.[0] ?? 0), message: "invalid YAML: Map keys must be unique" });
  }
  if (syntaxProblems.length > 0) throw new ManifestError(syntaxProblems.sort(byPosition));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const alias = firstNestedAlias(doc);
    throw new ManifestError([
      {
        position: position(alias?.range?.[0] ?? 0),
        message: `invalid YAML: aliases expand to more than ${MAX_ALIAS_EXPANSIONS} copies of their anchors (an alias bomb?); write the values out instead`,
      },
    ]);
  }
  return {
    file,
    data,
    positionOf(path, at = "value") {
      const node = findNode(doc, path, at);
      return position(node?.range?.[0] ?? 0);
    },
  };
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
