import { Document, isMap, isPair, isScalar, isSeq, visit } from "yaml";
import type { Manifest } from "../manifest.js";

/** Mappings written on one line: a field, a response, an error body (when short enough to read). */
const FLOW_PARENTS = new Set(["properties", "query", "pathParams"]);
const FLOW_KEYS = new Set(["response", "errorBody", "discriminator"]);
const FLOW_LISTS = new Set(["required", "enum", "oneOf", "clients", "include"]);
const MAX_FLOW_CHARS = 100;

/** The manifest as YAML in the shape people write by hand: fields, responses and short lists on one line. */
export function manifestDocument(manifest: Manifest, header: string): Document {
  const doc = new Document(manifest);
  doc.commentBefore = header;
  const short = (node: unknown) => JSON.stringify(node).length <= MAX_FLOW_CHARS;
  visit(doc, {
    Pair(_, pair, path) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      const parent = path.at(-2);
      const parentKey = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : "";
      if (isMap(pair.value) && (FLOW_KEYS.has(key) || FLOW_PARENTS.has(parentKey)) && short(pair.value.toJSON())) pair.value.flow = true;
      if (isSeq(pair.value) && FLOW_LISTS.has(key)) pair.value.flow = true;
    },
  });
  return doc;
}

export function manifestText(manifest: Manifest, header: string): string {
  return manifestDocument(manifest, header).toString({ lineWidth: 0 });
}
