import { readFile } from "node:fs/promises";
import { LineCounter, isNode, parseDocument } from "yaml";

/** A JSON-like value of an OpenAPI document. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Where in the document: its JSON pointer, and the line and column when the document is YAML or JSON text. */
export interface DocumentPlace {
  pointer: string;
  line?: number;
  column?: number;
}

/** An OpenAPI 3.0 or 3.1 document, with the places of its parts and its local references resolved on demand. */
export interface OpenApiDocument {
  file: string;
  version: "3.0" | "3.1";
  root: JsonObject;
  place(pointer: string): DocumentPlace;
  /** The value a local `$ref` ("#/components/schemas/Company") names; undefined when it names nothing. */
  resolve(ref: string): Json | undefined;
  /** A value, or what its `$ref` names, with the pointer of where that is. */
  deref(value: Json | undefined, pointer: string): { value: Json | undefined; pointer: string };
}

export class OpenApiError extends Error {}

/** Pointer segments escaped as RFC 6901 says. */
export const pointerOf = (segments: readonly (string | number)[]) =>
  segments.map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

const segmentsOf = (pointer: string) => (pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~")));

/** Sets a key as an own property even when it is `__proto__` (a legal property or parameter name in a document). */
export function put<T>(object: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

export const isObject = (value: Json | undefined): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads a document (YAML, or JSON, which is YAML) and checks it is OpenAPI 3.0 or 3.1. Throws OpenApiError. */
export async function loadOpenApi(file: string): Promise<OpenApiDocument> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new OpenApiError(`${file}: cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseOpenApi(text, file);
}

/** A document from its text; `file` names it in messages and places. */
export function parseOpenApi(text: string, file: string): OpenApiDocument {
  const lineCounter = new LineCounter();
  const yamlDoc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (yamlDoc.errors.length > 0) {
    const error = yamlDoc.errors[0]!;
    const at = error.linePos?.[0];
    throw new OpenApiError(`${file}${at ? `:${at.line}:${at.col}` : ""}: not YAML or JSON: ${error.message.split("\n")[0]}`);
  }
  let root: Json;
  try {
    // A document is untrusted input: aliases may expand to at most 100 copies, as in manifests.
    root = yamlDoc.toJS({ maxAliasCount: 100 }) as Json;
  } catch (error) {
    throw new OpenApiError(`${file}: ${(error as Error).message}`);
  }
  if (!isObject(root)) throw new OpenApiError(`${file}: not an OpenAPI document (expected a mapping at the top)`);
  const declared = typeof root.openapi === "string" ? root.openapi : undefined;
  const version = declared?.startsWith("3.0") ? "3.0" : declared?.startsWith("3.1") ? "3.1" : undefined;
  if (version === undefined) {
    const swagger = typeof root.swagger === "string" ? ` (Swagger ${root.swagger}: convert it to OpenAPI 3 first)` : "";
    throw new OpenApiError(`${file}: expected an OpenAPI 3.0 or 3.1 document, found openapi: ${JSON.stringify(root.openapi ?? null)}${swagger}`);
  }
  if (!isObject(root.paths)) throw new OpenApiError(`${file}: the document has no paths`);
  return {
    file,
    version,
    root,
    place(pointer) {
      const node = yamlDoc.getIn(segmentsOf(pointer), true);
      const offset = isNode(node) ? node.range?.[0] : undefined;
      if (offset === undefined) return { pointer };
      const { line, col } = lineCounter.linePos(offset);
      return { pointer, line, column: col };
    },
    deref(value, pointer) {
      return isObject(value) && typeof value.$ref === "string" ? { value: this.resolve(value.$ref), pointer: value.$ref.slice(1) } : { value, pointer };
    },
    resolve(ref) {
      if (!ref.startsWith("#")) return undefined;
      let value: Json | undefined = root;
      for (const segment of segmentsOf(ref.slice(1))) {
        if (Array.isArray(value)) value = value[Number(segment)];
        else if (isObject(value) && Object.hasOwn(value, segment)) value = value[segment];
        else return undefined;
      }
      return value;
    },
  };
}
