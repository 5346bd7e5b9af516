import { Document, Scalar, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from "yaml";
import { parseManifest } from "../load.js";
import type { Manifest } from "../manifest.js";

/**
 * Re-importing an OpenAPI document into a manifest that exists: wire facts come from the document, hand edits stay.
 * Two steps: Merger decides the new manifest data (plain objects, the file's key order first, new entries last), then
 * patchText edits the file's text toward it through the source ranges yaml's Document gives, so every line the merge
 * does not touch (comments, blank lines, quoting, flow or block style) stays byte for byte; a re-dump would not.
 */

export interface Change {
  kind: "added" | "changed" | "removed" | "kept";
  /** What: `operation GET /pets/{pet_id} (pets.getPet)`, `type Pet`, `server main`, `version`. */
  subject: string;
  /** How: `added`, `field age retyped integer -> string`, `gone from the document, kept: use --prune`. */
  detail: string;
}
export interface MergeResult {
  text: string;
  changes: Change[];
}
export interface MergeOptions {
  /** Remove what the document no longer has (else it is kept and listed). */
  prune: boolean;
  /** The manifest's file name, for error positions. */
  file: string;
}

export const formatChange = (change: Change): string => `${change.subject}: ${change.detail}`;

type Obj = Record<string, unknown>;

/**
 * Keys a person owns: the file's value wins, and the document's fills in only where the file has none. Every other key
 * of these objects is a wire fact: the document's value, or gone when the document has none.
 */
const HAND_KEYS = {
  field: new Set(["name", "description", "example"]),
  type: new Set(["description", "example"]),
  operation: new Set(["description", "example", "errorBody", "server"]),
  response: new Set(["envelope"]),
  server: new Set(["option", "description"]),
  auth: new Set(["option", "usernameOption", "passwordOption", "description"]),
};
/**
 * Top-level sections the document decides (servers, types and resources entry by entry, auth key by key). Any other
 * section (name, title, package, options, errors, flagChecks, events, include, ...) is the file's; the document's
 * fills in only one the file lacks.
 */
const DOCUMENT_SECTIONS = new Set(["version", "servers", "auth", "query", "types", "resources"]);
const PATH_PARAMETER = "path parameter";
const MERGED_SECTIONS = new Set(["servers", "types", "resources"]);
const GONE_KEPT = "gone from the document, kept: use --prune";

const isObj = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);
const hasKey = (object: Obj, key: string) => Object.hasOwn(object, key);
/** Sets a key as an own property even when it is `__proto__` (a legal wire name). */
function put(object: Obj, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (value: unknown): string =>
  value === undefined ? "none" : Array.isArray(value) ? `[${value.map(show).join(", ")}]` : typeof value === "string" ? value : JSON.stringify(value);
const fieldObject = (field: unknown): Obj => (typeof field === "string" ? { type: field } : isObj(field) ? field : {});

export function mergeImport(existingText: string, imported: Manifest, options: MergeOptions): MergeResult {
  // Plain data only: a key left `undefined` by the importer means absent, not `key:` (null) in the file.
  const fresh = JSON.parse(JSON.stringify(imported)) as Obj;
  const existing = parseManifest(existingText, options.file).data; // throws ManifestError, with positions, on bad YAML
  const doc = parseDocument(existingText, { uniqueKeys: false });
  if (existing === null || existing === undefined) {
    const changes = new Merger({}, fresh, options.prune).run().changes;
    const header = existingText.trim() === "" ? "" : existingText.endsWith("\n") ? existingText : `${existingText}\n`;
    return { text: header + renderManifest(fresh), changes };
  }
  if (!isObj(existing) || !isMap(doc.contents)) throw new Error(`${options.file}: a manifest is a mapping; this file holds something else`);
  const { data, changes } = new Merger(existing, fresh, options.prune).run();
  const text = patchText(existingText, doc.contents, existing, data);
  const check = parseDocument(text);
  if (check.errors.length > 0) throw new Error(`merge produced invalid YAML (a bug): ${check.errors[0]!.message}`);
  return { text, changes };
}

// ---- Step 1: the merged data -------------------------------------------------------------------------------------

class Merger {
  readonly changes: Change[] = [];
  constructor(
    private readonly file: Obj,
    private readonly doc: Obj,
    private readonly prune: boolean,
  ) {}

  run(): { data: Obj; changes: Change[] } {
    const data: Obj = {};
    for (const [key, value] of Object.entries(this.file)) put(data, key, value);
    for (const [key, value] of Object.entries(this.doc)) {
      if (MERGED_SECTIONS.has(key)) {
        if (!hasKey(data, key)) put(data, key, {}); // merged below, entry by entry, each new one listed
        continue;
      }
      if (!DOCUMENT_SECTIONS.has(key) || !hasKey(data, key)) {
        if (!hasKey(data, key)) put(data, key, value);
        if (DOCUMENT_SECTIONS.has(key)) this.note("added", key, "added");
        continue;
      }
      if (key !== "auth" && !same(data[key], value)) this.note("changed", key, `${show(data[key])} -> ${show(value)}`);
      if (key !== "auth") put(data, key, value);
      if (key === "auth") put(data, key, this.mergeOwned(data.auth as Obj, value as Obj, HAND_KEYS.auth, "auth"));
    }
    if (isObj(this.doc.servers)) put(data, "servers", this.mergeServers(asObject(data.servers), this.doc.servers, data));
    const types = this.mergeTypes(asObject(data.types), asObject(this.doc.types));
    put(data, "resources", this.mergeResources(asObject(data.resources), asObject(this.doc.resources)));
    put(data, "types", this.pruneTypes(types, data));
    const rank = (change: Change) => (change.subject.startsWith("operation ") ? 1 : change.subject.startsWith("type ") ? 2 : 0);
    return { data, changes: this.changes.sort((a, b) => rank(a) - rank(b)) };
  }

  private note(kind: Change["kind"], subject: string, detail: string): void {
    this.changes.push({ kind, subject, detail });
  }

  /** The file's keys in order (hand keys kept, wire keys from the document or dropped), then the document's new keys. */
  private mergeOwned(file: Obj, doc: Obj, hand: Set<string>, subject: string, label = ""): Obj {
    const out: Obj = {};
    for (const [key, value] of Object.entries(file)) {
      if (hand.has(key)) put(out, key, value);
      else if (hasKey(doc, key)) put(out, key, doc[key]);
    }
    for (const [key, value] of Object.entries(doc)) if (!hasKey(out, key) && !(hand.has(key) && hasKey(file, key))) put(out, key, value);
    for (const key of new Set([...Object.keys(file), ...Object.keys(doc)])) {
      const what = `${label}${key}`;
      if (hand.has(key) && !hasKey(file, key) && hasKey(doc, key)) this.note("changed", subject, `${what} added from the document`);
      if (hand.has(key) || same(file[key], doc[key])) continue;
      if (!hasKey(doc, key)) this.note("changed", subject, `${what} ${show(file[key])} removed`);
      else if (!hasKey(file, key)) this.note("changed", subject, `${what} ${show(doc[key])} added`);
      else this.note("changed", subject, `${what} ${show(file[key])} -> ${show(doc[key])}`);
    }
    return out;
  }

  private mergeServers(file: Obj, doc: Obj, data: Obj): Obj {
    const out: Obj = {};
    const matched = new Map<string, string>(); // file key -> document key
    for (const [key, server] of Object.entries(doc)) {
      const byUrl = Object.keys(file).find((name) => !matched.has(name) && !hasKey(doc, name) && same(fieldObject(file[name]).url, fieldObject(server).url));
      const name = hasKey(file, key) ? key : byUrl;
      if (name !== undefined) matched.set(name, key);
    }
    const used = new Set([data.defaultServer, ...operationsOf(asObject(data.resources)).map(({ operation }) => operation.server)]);
    for (const [name, server] of Object.entries(file)) {
      const docKey = matched.get(name);
      if (docKey !== undefined) {
        put(out, name, this.mergeOwned(asObject(server), asObject(doc[docKey]), HAND_KEYS.server, `server ${name}`));
      } else if (this.prune && !used.has(name)) {
        this.note("removed", `server ${name}`, "removed");
      } else {
        put(out, name, server);
        this.note("kept", `server ${name}`, this.prune ? "gone from the document, kept: still used" : GONE_KEPT);
      }
    }
    const taken = new Set(matched.values());
    for (const [key, server] of Object.entries(doc)) {
      if (taken.has(key)) continue;
      put(out, key, server);
      this.note("added", `server ${key}`, "added");
    }
    return out;
  }

  /** Fields by wire name. A path parameter gone from the path goes even without prune: the path names its parameters. */
  private mergeFields(file: Obj, doc: Obj, subject: string, label: string): Obj {
    const out: Obj = {};
    for (const [wire, field] of Object.entries(file)) {
      if (!hasKey(doc, wire)) {
        if (this.prune || label === PATH_PARAMETER) this.note("removed", subject, `${label} ${wire} removed`);
        else {
          put(out, wire, field);
          this.note("kept", subject, `${label} ${wire} ${GONE_KEPT}`);
        }
        continue;
      }
      const before = fieldObject(field);
      const after = fieldObject(doc[wire]);
      if (!same(before.type, after.type)) this.note("changed", subject, `${label} ${wire} retyped ${show(before.type)} -> ${show(after.type)}`);
      const merged = this.mergeOwned(withoutType(before), withoutType(after), HAND_KEYS.field, subject, `${label} ${wire}: `);
      const result: Obj = {};
      for (const key of Object.keys(before)) if (key === "type" || hasKey(merged, key)) put(result, key, key === "type" ? after.type : merged[key]);
      for (const [key, value] of Object.entries(merged)) if (!hasKey(result, key)) put(result, key, value);
      if (!hasKey(result, "type")) put(result, "type", after.type);
      const short = typeof field === "string" && Object.keys(result).length === 1;
      put(out, wire, short ? result.type : result);
    }
    for (const [wire, field] of Object.entries(doc)) {
      if (hasKey(file, wire)) continue;
      put(out, wire, field);
      this.note("added", subject, `${label} ${wire} added`);
    }
    return out;
  }

  private mergeTypes(file: Obj, doc: Obj): Obj {
    const out: Obj = {};
    for (const [name, definition] of Object.entries(file)) {
      if (!hasKey(doc, name)) {
        put(out, name, definition); // pruneTypes decides once every reference is known
        continue;
      }
      const subject = `type ${name}`;
      const before = asObject(definition);
      const after = asObject(doc[name]);
      const merged = this.mergeOwned(withoutKey(before, "properties"), withoutKey(after, "properties"), HAND_KEYS.type, subject);
      const result: Obj = {};
      for (const key of Object.keys(before)) if (key === "properties" || hasKey(merged, key)) put(result, key, merged[key]);
      for (const [key, value] of Object.entries(merged)) if (!hasKey(result, key)) put(result, key, value);
      if (hasKey(before, "properties") || hasKey(after, "properties")) {
        const fields = this.mergeFields(asObject(before.properties), asObject(after.properties), subject, "field");
        if (Object.keys(fields).length > 0 || hasKey(after, "properties")) put(result, "properties", fields);
        else delete result.properties;
      }
      put(out, name, result);
    }
    for (const [name, definition] of Object.entries(doc)) {
      if (hasKey(file, name)) continue;
      put(out, name, definition);
      this.note("added", `type ${name}`, "added");
    }
    return out;
  }

  /** Types gone from the document: kept without prune, and with it while anything kept still names them. */
  private pruneTypes(types: Obj, data: Obj): Obj {
    const docTypes = asObject(this.doc.types);
    const gone = Object.keys(types).filter((name) => !hasKey(docTypes, name));
    const removed = new Set(this.prune ? gone : []);
    for (let changed = true; changed; ) {
      changed = false;
      const named = namesUsed({ ...data, types: Object.fromEntries(Object.entries(types).filter(([name]) => !removed.has(name))) });
      for (const name of removed) if (named.has(name)) (removed.delete(name), (changed = true));
    }
    const out: Obj = {};
    for (const [name, definition] of Object.entries(types)) {
      if (removed.has(name)) this.note("removed", `type ${name}`, "removed");
      else put(out, name, definition);
      if (gone.includes(name) && !removed.has(name)) this.note("kept", `type ${name}`, this.prune ? "gone from the document, kept: still used" : GONE_KEPT);
    }
    return out;
  }

  private mergeResources(file: Obj, doc: Obj): Obj {
    const out: Obj = {};
    for (const [name, resource] of Object.entries(file)) put(out, name, { ...asObject(resource), operations: { ...asObject(asObject(resource).operations) } });
    const byRoute = new Map(operationsOf(file).map((entry) => [identityOf(entry.operation), entry]));
    const seen = new Set<string>();
    // A new operation joins the file's resource that holds the others of its imported resource (renamed or moved).
    const homes = new Map<string, string>();
    for (const { resource, operation } of operationsOf(doc)) {
      const match = byRoute.get(identityOf(operation));
      if (match !== undefined && !homes.has(resource)) homes.set(resource, match.resource);
    }
    const referenced = stringsIn(Object.fromEntries(Object.entries(this.file).filter(([key]) => !DOCUMENT_SECTIONS.has(key))));
    for (const { resource, name, operation } of operationsOf(doc)) {
      const route = routeOf(operation);
      const match = byRoute.get(identityOf(operation));
      if (match !== undefined) {
        seen.add(identityOf(operation));
        const subject = `operation ${routeOf(match.operation)} (${match.resource}.${match.name})`;
        put(operationsIn(out, match.resource), match.name, this.mergeOperation(match.operation, operation, subject));
        continue;
      }
      const home = homes.get(resource) ?? resource;
      if (!hasKey(out, home)) put(out, home, { ...withoutKey(asObject(doc[resource]), "operations"), operations: {} });
      const target = operationsIn(out, home);
      let free = name;
      for (let suffix = 2; hasKey(target, free); suffix++) free = `${name}${suffix}`;
      put(target, free, operation);
      this.note("added", `operation ${route}`, `added as ${home}.${free}`);
    }
    for (const { resource, name, operation } of operationsOf(file)) {
      if (seen.has(identityOf(operation))) continue;
      const subject = `operation ${routeOf(operation)} (${resource}.${name})`;
      if (!this.prune) this.note("kept", subject, GONE_KEPT);
      else if (referenced.has(`${resource}.${name}`)) this.note("kept", subject, "gone from the document, kept: still used");
      else {
        delete operationsIn(out, resource)[name];
        if (Object.keys(operationsIn(out, resource)).length === 0) delete out[resource];
        this.note("removed", subject, "removed");
      }
    }
    return out;
  }

  private mergeOperation(file: Obj, doc: Obj, subject: string): Obj {
    const wireOnly = (operation: Obj) => withoutKey(withoutKey(withoutKey(operation, "pathParams"), "query"), "response");
    const merged = this.mergeOwned(wireOnly(file), wireOnly(doc), HAND_KEYS.operation, subject);
    const out: Obj = {};
    for (const key of Object.keys(file)) {
      if (key === "pathParams" || key === "query") {
        const label = key === "query" ? "query parameter" : PATH_PARAMETER;
        const fields = this.mergeFields(asObject(file[key]), asObject(doc[key]), subject, label);
        if (Object.keys(fields).length > 0) put(out, key, fields);
      } else if (key === "response") {
        put(out, key, this.mergeResponse(asObject(file.response), asObject(doc.response), subject));
      } else if (hasKey(merged, key)) put(out, key, merged[key]);
    }
    for (const [key, value] of Object.entries(merged)) if (!hasKey(out, key)) put(out, key, value);
    for (const key of ["pathParams", "query", "response"]) {
      if (!hasKey(out, key) && !hasKey(file, key) && hasKey(doc, key)) {
        put(out, key, doc[key]);
        if (key !== "response") for (const wire of Object.keys(asObject(doc[key]))) this.note("changed", subject, `${key === "query" ? "query parameter" : PATH_PARAMETER} ${wire} added`);
      }
    }
    return out;
  }

  /** A hand-added envelope stays: the document's wrapper type is read through it to the type of its envelope field. */
  private mergeResponse(file: Obj, doc: Obj, subject: string): Obj {
    let wire = doc;
    const envelope = file.envelope;
    if (typeof envelope === "string" && !hasKey(doc, "envelope") && typeof doc.type === "string") {
      const wrapper = asObject(asObject(this.doc.types)[doc.type.replace(/\?$/, "")]);
      const inner = asObject(wrapper.properties)[envelope];
      if (inner !== undefined) wire = { ...doc, type: fieldObject(inner).type };
    }
    return this.mergeOwned(file, wire, HAND_KEYS.response, subject, "response.");
  }
}

const asObject = (value: unknown): Obj => (isObj(value) ? value : {});
function withoutKey(object: Obj, key: string): Obj {
  const out: Obj = {};
  for (const [name, value] of Object.entries(object)) if (name !== key) put(out, name, value);
  return out;
}
const withoutType = (field: Obj) => withoutKey(field, "type");
const routeOf = (operation: Obj) => `${String(operation.method)} ${String(operation.path)}`;
/** An operation's identity: method and path, whatever its path parameters are called (`/pets/{id}` is `/pets/{pet_id}`). */
const identityOf = (operation: Obj) => routeOf(operation).replace(/\{[^}]*\}/g, "{}");
const operationsIn = (resources: Obj, resource: string) => asObject(asObject(resources[resource]).operations);

function operationsOf(resources: Obj): { resource: string; name: string; operation: Obj }[] {
  return Object.entries(resources).flatMap(([resource, value]) =>
    Object.entries(asObject(asObject(value).operations)).map(([name, operation]) => ({ resource, name, operation: asObject(operation) })),
  );
}

/** Every string value under `value`, whole. */
function stringsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") into.add(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (isObj(value)) for (const item of Object.values(value)) stringsIn(item, into);
  return into;
}

/** Names a manifest's values refer to (type expressions, capability sections); prose and examples name nothing. */
function namesUsed(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") for (const word of value.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) into.add(word);
  else if (Array.isArray(value)) for (const item of value) namesUsed(item, into);
  else if (isObj(value)) for (const [key, item] of Object.entries(value)) if (!["description", "title", "example"].includes(key)) namesUsed(item, into);
  return into;
}

// ---- Step 2: the file's text, edited toward the merged data -------------------------------------------------------

interface Edit {
  from: number;
  to: number;
  text: string;
}

function patchText(text: string, root: YAMLMap, before: Obj, after: Obj): string {
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
function renderManifest(manifest: Obj): string {
  return Object.entries(manifest)
    .map(([key, value], index) => (index > 0 && isObj(value) ? "\n" : "") + renderBlock(new Map([[key, value]]), [], 0))
    .join("");
}
