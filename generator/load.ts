import { readFile } from "node:fs/promises";
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";

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

/** Every problem found in a manifest, reported together. */
export class ManifestError extends Error {
  constructor(readonly problems: ManifestProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ManifestError";
  }
}

export type ManifestPath = readonly (string | number)[];

export interface LoadedManifest {
  file: string;
  data: unknown;
  /** Where the value at `path` (or, with at = "key", its key) starts; the nearest existing ancestor if it is absent. */
  positionOf(path: ManifestPath, at?: "key" | "value"): SourcePosition;
}

function findNode(doc: Document, path: ManifestPath, at: "key" | "value"): Node | undefined {
  let node: unknown = doc.contents;
  let found = node as Node | undefined;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
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

export function parseManifest(text: string, file: string): LoadedManifest {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const syntaxProblems = [...doc.errors, ...doc.warnings].map((error) => ({
    position: position(error.pos[0]),
    message: `invalid YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
  }));
  if (syntaxProblems.length > 0) throw new ManifestError(syntaxProblems);
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }),
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
