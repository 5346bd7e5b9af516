import { Document, Scalar, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import { hasKey, isObj, same, type Obj } from "./merge-data.js";

/**
 * Step 2 of a re-import: a file's text edited toward its merged data through the source ranges yaml's Document gives,
 * so every line the merge does not touch (comments, blank lines, quoting, flow or block style) stays byte for byte.
 */

interface Edit {
  from: number;
  to: number;
  text: string;
}

export function patchText(text: string, root: YAMLMap, before: Obj, after: Obj): string {
  const edits: Edit[] = [];
  patchMap(text, root, before, after, [], edits);
  // Last in the text first, so earlier offsets stay true. Insertions at one offset: the outer map's (pushed later)
  // goes first, so that the inner map's lands before it, at the end of the inner map.
  const order = edits.map((edit, index) => ({ edit, index }));
  order.sort((a, b) => b.edit.from - a.edit.from || b.edit.to - a.edit.to || b.index - a.index);
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  let out = text;
  for (const { edit } of order) out = out.slice(0, edit.from) + edit.text.replaceAll("\n", newline) + out.slice(edit.to);
  return out;
}

const lineStart = (text: string, at: number) => text.lastIndexOf("\n", at - 1) + 1;
function lineEnd(text: string, at: number): number {
  if (at > 0 && text[at - 1] === "\n") return at;
  const newline = text.indexOf("\n", at);
  return newline === -1 ? text.length : newline + 1;
}
const keyOf = (pair: Pair) => String(isScalar(pair.key) ? pair.key.value : pair.key);
const rangeOf = (node: unknown) => (node as Node).range!;

function patchMap(text: string, map: YAMLMap, before: Obj, after: Obj, path: string[], edits: Edit[]): void {
  const present = new Set<string>();
  for (const [index, pair] of map.items.entries()) {
    const key = keyOf(pair);
    present.add(key);
    if (!hasKey(after, key)) edits.push(removePair(text, map, index));
    else if (!same(before[key], after[key])) patchValue(text, map, pair, before[key], after[key], [...path, key], edits);
  }
  const added = Object.entries(after).filter(([key]) => !present.has(key));
  if (added.length > 0) edits.push(insertPairs(text, map, added, path));
}

function patchValue(text: string, map: YAMLMap, pair: Pair, before: unknown, after: unknown, path: string[], edits: Edit[]): void {
  const node = pair.value;
  const emptied = isObj(after) && Object.keys(after).length === 0;
  if (isMap(node) && isObj(before) && isObj(after) && !emptied) return patchMap(text, node, before, after, path, edits);
  // A block list that only grew (an include list, an enum written one value a line with comments) keeps its lines.
  if (isSeq(node) && !node.flow && Array.isArray(before) && Array.isArray(after)) {
    const appended = appendItems(text, node, before, after);
    if (appended !== undefined) return void edits.push(appended);
  }
  const key = pair.key as Node;
  const blockScalar = isScalar(node) && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED");
  const oldInline = (isScalar(node) && !blockScalar) || ((isMap(node) || isSeq(node)) && node.flow === true);
  const scalar = !isObj(after) && !Array.isArray(after);
  if (map.flow || oldInline || scalar || prefersFlow(path, after)) {
    const inFlow = map.flow || !scalar;
    const quoted = isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") && typeof after === "string";
    const rendered = quoted ? renderQuoted(after, node.type!) : inFlow ? renderFlow(after) : renderPlain(after);
    if (oldInline) edits.push({ from: rangeOf(node)[0], to: rangeOf(node)[1], text: rendered });
    else if (map.flow) edits.push({ from: rangeOf(key)[1], to: rangeOf(key)[1] + 1, text: `: ${rendered}` });
    // A block collection or block scalar (or nothing) after the key: the rest of the pair becomes one line.
    else edits.push({ from: rangeOf(key)[1], to: lineEnd(text, node ? rangeOf(node)[1] : rangeOf(key)[1]), text: `: ${rendered}\n` });
    return;
  }
  const indent = rangeOf(key)[0] - lineStart(text, rangeOf(key)[0]);
  const body = renderBlock(new Map([[path.at(-1)!, after]]), path.slice(0, -1), indent);
  edits.push({ from: lineStart(text, rangeOf(key)[0]), to: lineEnd(text, node ? rangeOf(node)[1] : rangeOf(key)[1]), text: body });
}

/** A block list that only grew at its end: the new items as lines after its last one (its items' comments stay). */
function appendItems(text: string, list: YAMLSeq, before: unknown[], after: unknown[]): Edit | undefined {
  const first = list.items[0];
  const last = list.items.at(-1);
  if (first === undefined || last === undefined || list.items.length !== before.length || !same(after.slice(0, before.length), before)) return undefined;
  const dash = text.slice(lineStart(text, rangeOf(first)[0]), rangeOf(first)[0]); // e.g. `  - `
  if (!/^ *- +$/.test(dash)) return undefined;
  const at = lineEnd(text, rangeOf(last)[1]);
  const lines = after.slice(before.length).map((item) => `${dash}${renderFlow(item)}\n`).join("");
  return { from: at, to: at, text: at === text.length && !text.endsWith("\n") ? `\n${lines}` : lines };
}

/** A pair's lines, with the comment lines just above it at its indentation. */
function removePair(text: string, map: YAMLMap, index: number): Edit {
  const pair = map.items[index]!;
  const key = rangeOf(pair.key);
  const end = pair.value ? rangeOf(pair.value)[1] : key[1];
  if (map.flow) {
    const next = map.items[index + 1];
    const previous = map.items[index - 1];
    if (next) return { from: key[0], to: rangeOf(next.key)[0], text: "" };
    if (previous) return { from: rangeOf(previous.value ?? previous.key)[1], to: end, text: "" };
    return { from: rangeOf(map)[0], to: rangeOf(map)[1], text: "{}" };
  }
  let from = lineStart(text, key[0]);
  const indent = " ".repeat(key[0] - from);
  while (from > 0) {
    const above = lineStart(text, from - 1);
    if (!text.slice(above, from).startsWith(`${indent}#`)) break;
    from = above;
  }
  return { from, to: lineEnd(text, end), text: "" };
}

function insertPairs(text: string, map: YAMLMap, entries: [string, unknown][], path: string[]): Edit {
  const last = map.items.at(-1);
  if (map.flow) {
    const pairs = entries.map(([key, value]) => `${renderFlow(key)}: ${renderFlow(value)}`).join(", ");
    if (last === undefined) return { from: rangeOf(map)[0], to: rangeOf(map)[1], text: `{ ${pairs} }` };
    const at = rangeOf(last.value ?? last.key)[1];
    return { from: at, to: at, text: `, ${pairs}` };
  }
  const firstKey = rangeOf(map.items[0]!.key)[0];
  const at = lineEnd(text, rangeOf(last!.value ?? last!.key)[1]);
  const body = renderBlock(new Map(entries), path, firstKey - lineStart(text, firstKey));
  return { from: at, to: at, text: at === text.length && !text.endsWith("\n") ? `\n${body}` : body };
}

// ---- Rendering new parts in the manifest's house style -----------------------------------------------------------

const FLOW_KEYS = new Set(["response", "errorBody", "example"]);

/** Fields, responses, error bodies, examples and lists of plain values are written on one line, as by hand. */
function prefersFlow(path: readonly string[], value: unknown): boolean {
  if (Array.isArray(value)) return value.every((item) => typeof item !== "object" || item === null);
  if (!isObj(value)) return false;
  const [section, , group, , params] = path;
  const named = section === "resources" && (path.length === 2 || path.length === 4); // a resource or operation name
  const field =
    (path.length === 4 && section === "types" && group === "properties") ||
    (path.length === 6 && section === "resources" && group === "operations" && (params === "pathParams" || params === "query"));
  return field || (!named && FLOW_KEYS.has(path.at(-1) ?? ""));
}

/** One-line YAML: `{ a: 1 }` and `[a, b]`, the way the manifests are written by hand. */
function renderFlow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderFlow).join(", ")}]`;
  if (isObj(value)) {
    const entries = Object.entries(value).map(([key, item]) => `${renderFlow(key)}: ${renderFlow(item)}`);
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  }
  // yaml quotes a scalar as a flow item needs (commas, brackets, `: `, numbers-as-strings): one such item, unwrapped.
  return new Document([value], { flow: true }).toString({ lineWidth: 0, flowCollectionPadding: false }).trim().slice(1, -1);
}

/** A scalar outside any flow collection, where `{`, `,` and `[` need no quotes; a line break is always escaped. */
function renderPlain(value: unknown): string {
  if (typeof value === "string" && /[\n\r]/.test(value)) return renderFlow(value);
  return new Document(value).toString({ lineWidth: 0 }).trimEnd();
}

/** A string in the quotes the file gave the value it replaces. */
function renderQuoted(value: string, type: Scalar.Type): string {
  const scalar = new Scalar(value);
  scalar.type = type;
  return new Document(scalar).toString({ lineWidth: 0 }).trimEnd();
}

/** Block YAML for the given pairs, found at `path`, each line indented by `indent` spaces. */
function renderBlock(pairs: Map<string, unknown>, path: readonly string[], indent: number): string {
  const pad = " ".repeat(indent);
  let out = "";
  for (const [key, value] of pairs) {
    const at = [...path, key];
    const nested = isObj(value) ? Object.entries(value) : [];
    const name = renderPlain(key);
    if (nested.length > 0 && !prefersFlow(at, value)) out += `${pad}${name}:\n${renderBlock(new Map(nested), at, indent + 2)}`;
    else if (Array.isArray(value) && !prefersFlow(at, value) && value.length > 0) {
      out += `${pad}${name}:\n${value.map((item) => `${pad}  - ${renderFlow(item)}\n`).join("")}`;
    } else out += `${pad}${name}: ${isObj(value) || Array.isArray(value) ? renderFlow(value) : renderPlain(value)}\n`;
  }
  return out;
}

/** A whole manifest, as written into a file that has none: a blank line before each top-level mapping. */
export function renderManifest(manifest: Obj): string {
  return Object.entries(manifest)
    .map(([key, value], index) => (index > 0 && isObj(value) ? "\n" : "") + renderBlock(new Map([[key, value]]), [], 0))
    .join("");
}
