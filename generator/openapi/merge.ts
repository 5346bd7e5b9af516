import path from "node:path";
import { LineCounter, isMap, parseDocument } from "yaml";
import { ManifestError, PART_SECTIONS, parseManifest } from "../load.js";
import type { Manifest } from "../manifest.js";
import { type ManifestFile, manifestText, partHeader, resourcePartPath } from "./manifest-text.js";
import { type Change, type Obj, asObject, hasKey, isObj, mergeData, put, same } from "./merge-data.js";
import { patchText, renderManifest } from "./merge-text.js";

/**
 * Re-importing an OpenAPI document into a manifest that exists: wire facts come from the document, hand edits stay.
 * Two steps: mergeData decides the new manifest data (merge-data.ts), then patchText edits each file's text toward it
 * (merge-text.ts), so every line the merge does not touch stays byte for byte; a re-dump would not.
 */

export type { Change } from "./merge-data.js";
export type { ManifestFile } from "./manifest-text.js";

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

export const formatChange = (change: Change): string => `${change.file === undefined ? "" : `${change.file}: `}${change.subject}: ${change.detail}`;

/** The importer's manifest as plain data: a key left `undefined` by the importer means absent, not `key:` (null). */
const plain = (imported: Manifest) => JSON.parse(JSON.stringify(imported)) as Obj;

export function mergeImport(existingText: string, imported: Manifest, options: MergeOptions): MergeResult {
  const fresh = plain(imported);
  const existing = parseManifest(existingText, options.file).data; // throws ManifestError, with positions, on bad YAML
  if (existing !== null && existing !== undefined && !isObj(existing)) throw new Error(`${options.file}: a manifest is a mapping; this file holds something else`);
  const { data, changes } = mergeData(existing ?? {}, fresh, options.prune);
  return { text: patchFile(existingText, existing, data), changes };
}

export interface MergeFilesOptions {
  /** Remove what the document no longer has (else it is kept and listed). */
  prune: boolean;
  /** Whether a file exists that `parts` does not list (a new part must not overwrite it). Default: none does. */
  exists?: (file: string) => boolean;
}
export interface MergeFilesResult {
  /** Every file, main manifest first, then the given parts in order, then new parts; a file's text is new or as given. */
  files: ManifestFile[];
  /** Each change names the file that holds what it is about. */
  changes: Change[];
}

/** One file of a manifest in parts, before and after the merge. */
interface PartState {
  file: string;
  text?: string; // absent for a new part
  before: unknown;
  after: Obj;
}

/**
 * Re-importing into a manifest in parts (`parts`: the main manifest first, then every part it includes). Entries are
 * matched across all files (operations by method and path, types and servers by name) and each file's text is edited
 * in place. New operations go to the file holding their resource; a new resource to a new part `resources/<name>.yaml`
 * (in the folder of the resource parts already included, `api/resources/` say) listed in the main manifest's `include`
 * (into the main file when it has no `include`); new types to the part named `types.yaml` (the one beside the main
 * manifest first), else to the main file; what --prune removes goes from the file holding it.
 */
export function mergeImportFiles(parts: readonly ManifestFile[], imported: Manifest, options: MergeFilesOptions): MergeFilesResult {
  if (parts.length === 0) throw new Error("mergeImportFiles: no files given; the main manifest comes first");
  const states: PartState[] = parts.map(({ file, text }) => ({ file, text, before: parseYaml(text, file), after: {} }));
  const main = states[0]!;
  if (main.before !== null && !isObj(main.before)) throw new Error(`${main.file}: a manifest is a mapping; this file holds something else`);
  const mainData = asObject(main.before);

  // The parts' sections merged into the main manifest's, name by name, remembering which file holds each name.
  const combined: Obj = {};
  const owners = new Map<string, PartState>();
  const ownerKey = (section: string, name: string) => `${section}\0${name}`;
  for (const state of states) {
    for (const [section, value] of Object.entries(asObject(state.before))) {
      const merged = PART_SECTIONS.includes(section) && isObj(value);
      if (!merged) {
        if (state === main) put(combined, section, value);
        continue;
      }
      if (!isObj(combined[section])) put(combined, section, {});
      for (const [name, definition] of Object.entries(value)) {
        if (owners.has(ownerKey(section, name))) continue; // defined twice: the loader refuses it; the first wins here
        put(combined[section] as Obj, name, definition);
        owners.set(ownerKey(section, name), state);
      }
    }
  }
  const { data, changes, places } = mergeData(combined, plain(imported), options.prune);

  // Where each new entry goes.
  const mainDir = path.dirname(main.file);
  const samePath = (a: string, b: string) => path.resolve(a) === path.resolve(b);
  const typesParts = states.filter((state) => state !== main && path.basename(state.file) === "types.yaml");
  const typesPart = typesParts.find((state) => samePath(state.file, path.join(mainDir, "types.yaml"))) ?? typesParts[0];
  const include = Array.isArray(mainData.include) ? mainData.include : undefined;
  const resourcesFolder =
    include?.map((entry) => (typeof entry === "string" ? /^(.*\/)?resources\/[^/]+\.yaml$/.exec(entry)?.[1] : undefined)).find((prefix) => prefix !== undefined) ?? "";
  const newIncludes: string[] = [];
  const taken = (entry: string) => {
    const file = path.join(mainDir, ...entry.split("/"));
    return states.some((state) => samePath(state.file, file)) || (options.exists?.(file) ?? false);
  };
  for (const section of PART_SECTIONS) {
    for (const name of Object.keys(asObject(data[section]))) {
      if (owners.has(ownerKey(section, name))) continue;
      let home = main;
      if (section === "types" && typesPart !== undefined) home = typesPart;
      if (section === "resources" && include !== undefined) {
        const entry = resourcePartPath(name, taken, `${resourcesFolder}resources`);
        home = { file: path.join(mainDir, ...entry.split("/")), before: undefined, after: {} };
        states.push(home);
        newIncludes.push(entry);
      }
      owners.set(ownerKey(section, name), home);
    }
  }

  // Each file's new data: its own entries of the merged sections, in the merged order; the main file also the rest.
  for (const state of states) {
    const own = asObject(state.before);
    const keys = state === main ? Object.keys(data) : [...new Set([...Object.keys(own), ...PART_SECTIONS])];
    for (const key of keys) {
      const merged = PART_SECTIONS.includes(key) && isObj(data[key]);
      if (!merged) {
        if (state === main || hasKey(own, key)) put(state.after, key, state === main ? data[key] : own[key]);
        continue;
      }
      const section: Obj = {};
      for (const [name, definition] of Object.entries(data[key] as Obj)) if (owners.get(ownerKey(key, name)) === state) put(section, name, definition);
      if (hasKey(own, key) || Object.keys(section).length > 0) put(state.after, key, section);
    }
  }
  if (newIncludes.length > 0) put(main.after, "include", [...include!, ...newIncludes]);

  for (const change of changes) {
    const place = places.get(change);
    change.file = (place === undefined ? main : (owners.get(ownerKey(place.section, place.name)) ?? main)).file;
  }
  const files = states.map((state) => ({
    file: state.file,
    text:
      state.text === undefined
        ? manifestText(state.after, partHeader(state.file))
        : same(state.before, state.after)
          ? state.text
          : patchFile(state.text, state.before, state.after),
  }));
  return { files, changes };
}

/** A file's text edited toward `after`: in place when it holds a mapping, else (an empty file) written after it. */
function patchFile(text: string, before: unknown, after: Obj): string {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (!isObj(before) || !isMap(doc.contents)) {
    const header = text.trim() === "" ? "" : text.endsWith("\n") ? text : `${text}\n`;
    return header + renderManifest(after);
  }
  const patched = patchText(text, doc.contents, before, after);
  const check = parseDocument(patched);
  if (check.errors.length > 0) throw new Error(`merge produced invalid YAML (a bug): ${check.errors[0]!.message}`);
  return patched;
}

/** One file's data, parsed alone (its `include` is not followed); bad YAML is a ManifestError at its position. */
function parseYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const problems = doc.errors.map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return { position: { file, line, column: col }, message: `invalid YAML: ${error.message.split("\n")[0]}` };
  });
  if (problems.length > 0) throw new ManifestError(problems);
  return doc.toJS({ maxAliasCount: 100 });
}
