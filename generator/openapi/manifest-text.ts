import path from "node:path";
import { Document, isMap, isPair, isScalar, isSeq, visit } from "yaml";
import type { Manifest } from "../manifest.js";

/** Mappings written on one line: a field, a response, an error body (when short enough to read). */
const FLOW_PARENTS = new Set(["properties", "query", "pathParams"]);
const FLOW_KEYS = new Set(["response", "errorBody", "discriminator"]);
const FLOW_LISTS = new Set(["required", "enum", "oneOf", "clients"]);
const MAX_FLOW_CHARS = 100;

/** The manifest as YAML in the shape people write by hand: fields, responses and short lists on one line. */
export function manifestDocument(manifest: object, header: string): Document {
  const doc = new Document(manifest);
  doc.commentBefore = header;
  const short = (node: unknown) => JSON.stringify(node).length <= MAX_FLOW_CHARS;
  visit(doc, {
    Pair(_, pair, path) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      const parent = path.at(-2);
      const parentKey = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : "";
      if (isMap(pair.value) && (FLOW_KEYS.has(key) || FLOW_PARENTS.has(parentKey)) && short(pair.value.toJSON())) pair.value.flow = true;
      if (isSeq(pair.value) && (FLOW_LISTS.has(key) || (key === "include" && short(pair.value.toJSON())))) pair.value.flow = true;
    },
  });
  return doc;
}

export function manifestText(manifest: object, header: string): string {
  return manifestDocument(manifest, header).toString({ lineWidth: 0 });
}

export interface ManifestFile {
  file: string;
  text: string;
}

const PART_SCHEMA = path.join(import.meta.dirname, "..", "manifest-part.schema.json");

/** The first comment of a part: the schema editors check it with, relative to the part. */
export function partHeader(partFile: string): string {
  const schema = path.relative(path.dirname(path.resolve(partFile)), PART_SCHEMA).split(path.sep).join("/");
  return ` yaml-language-server: $schema=${schema}`;
}

/** Where a new resource's part goes: `<folder>/<name>.yaml` (`resources/` beside the main manifest), suffixed 2, 3, ... if taken. */
export function resourcePartPath(name: string, taken: (include: string) => boolean, folder = "resources"): string {
  let include = `${folder}/${name}.yaml`;
  for (let suffix = 2; taken(include); suffix++) include = `${folder}/${name}-${suffix}.yaml`;
  return include;
}

/**
 * A manifest written in parts: the main file (everything but types and resources, plus `include`), `types.yaml` with
 * every type, and `resources/<name>.yaml` per resource. One types file, not one per resource: a type one resource uses
 * today is shared tomorrow, and re-importing would then have to move it (and its hand edits) between files.
 */
export function manifestPartFiles(manifest: Manifest, mainFile: string, header: string): ManifestFile[] {
  const at = (include: string) => path.join(path.dirname(mainFile), ...include.split("/"));
  const parts: { include: string; data: object }[] = [];
  // Always written, empty or not: the manifest needs its `types` section, and new types go there on the next import.
  parts.push({ include: "types.yaml", data: { types: manifest.types ?? {} } });
  // Compared without case: `fooBar.yaml` and `foobar.yaml` are one file on macOS and Windows.
  const used = new Set(parts.map(({ include }) => include.toLowerCase()));
  for (const [name, resource] of Object.entries(manifest.resources ?? {})) {
    const include = resourcePartPath(name, (candidate) => used.has(candidate.toLowerCase()));
    used.add(include.toLowerCase());
    parts.push({ include, data: { resources: { [name]: resource } } });
  }
  const main: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(manifest)) {
    if (key !== "types" && key !== "resources") main[key] = value;
    else if (!("include" in main)) main.include = parts.map(({ include }) => include);
  }
  return [
    { file: mainFile, text: manifestText(main, header) },
    ...parts.map(({ include, data }) => ({ file: at(include), text: manifestText(data, partHeader(at(include))) })),
  ];
}
