import type { ManifestErrorBody, ManifestField, ManifestOperation } from "../manifest.js";
import { camelCase, isInherited, paramsTypeName, pascalCase, resourceClassName, syncResourceClassName, words } from "../naming.js";
import { type Json, type JsonObject, type OpenApiDocument, isObject, pointerOf, put } from "./document.js";
import { type Names, memberNameOf, resourceNameOf, typeNameOf } from "./names.js";
import type { ImportReport } from "./report.js";
import { type SchemaImporter, WIRE_NAME } from "./schemas.js";

const METHODS = ["get", "put", "post", "delete", "patch"] as const;
const UNSUPPORTED_METHODS = ["head", "options", "trace"] as const;

/** Fields of an error body that may carry the server's message, in order of preference. */
const MESSAGE_FIELDS = ["message", "error", "detail", "error_message", "title", "msg"];

export interface ImportedOperation {
  resource: string;
  name: string;
  operation: ManifestOperation;
  /** The type expressions of its documented error bodies (JSON), for the manifest's errorBody. */
  errorTypes: string[];
}

export interface OperationOptions {
  /** A response property that holds the answer (`data` for `{ data, params }`): the operation answers it alone. */
  envelope?: string;
}

const isJsonMedia = (media: string) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(media) || media === "*/*";

/** Turns the document's paths into operations, grouped into resources by first tag. */
export class OperationImporter {
  readonly operations: ImportedOperation[] = [];
  /** The tag each resource was named after. */
  readonly tagOfResource = new Map<string, string>();

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly report: ImportReport,
    private readonly schemas: SchemaImporter,
    private readonly resourceNames: Names,
    private readonly operationNames: Names,
    private readonly typeNames: Names,
    private readonly options: OperationOptions,
  ) {}

  private readonly planned: { path: string; method: string; op: JsonObject; item: JsonObject; resource: string; name: string }[] = [];

  /**
   * Names every resource and operation, before any type is named: the names the generator derives from them
   * (parameter types, resource classes) are then kept from types.
   */
  plan(): void {
    const paths = this.doc.root.paths as JsonObject;
    const planned = this.planned;
    const resources = new Map<string, string>();
    // The words of the operationIds, which tell where a tag written as one word ("dataexports") splits.
    const vocabulary = new Set<string>();
    for (const item of Object.values(paths)) {
      if (!isObject(item)) continue;
      for (const method of METHODS) {
        const id = isObject(item[method]) ? (item[method] as JsonObject).operationId : undefined;
        if (typeof id === "string") for (const word of words(id)) vocabulary.add(word);
      }
    }
    for (const [path, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      for (const method of UNSUPPORTED_METHODS) {
        if (isObject(item[method])) {
          this.report.operations.total += 1;
          this.report.note(this.doc.place(pointerOf(["paths", path, method])), `${method.toUpperCase()} operation`, "not imported");
        }
      }
      for (const method of METHODS) {
        const op = item[method];
        if (!isObject(op)) continue;
        this.report.operations.total += 1;
        const tag = Array.isArray(op.tags) && typeof op.tags[0] === "string" ? op.tags[0] : "api";
        let resource = resources.get(tag);
        if (resource === undefined) {
          resource = this.resourceNames.claim(resourceNameOf(tag, vocabulary));
          resources.set(tag, resource);
          this.tagOfResource.set(resource, tag);
          for (const className of [resourceClassName(resource), syncResourceClassName(resource)]) this.typeNames.reserve(className);
        }
        const base = typeof op.operationId === "string" ? memberNameOf(op.operationId) : camelCase(`${method} ${path.replace(/[{}]/g, " ")}`);
        const name = this.operationNames.claim(base);
        this.typeNames.reserve(paramsTypeName(name));
        planned.push({ path, method, op, item, resource, name });
      }
    }
  }

  /** Imports the planned operations (after the component schemas, which they refer to). */
  importPlanned(): void {
    for (const { path, method, op, item, resource, name } of this.planned) {
      const imported = this.operation(path, method, op, item, name);
      if (imported) {
        this.operations.push({ resource, name, ...imported });
        this.report.operations.imported += 1;
      }
    }
  }

  /** The description of the tag a resource was named after, from the document's tags. */
  resourceDescription(resource: string): string | undefined {
    const tags = Array.isArray(this.doc.root.tags) ? this.doc.root.tags : [];
    const tag = tags.find((t) => isObject(t) && t.name === this.tagOfResource.get(resource));
    return isObject(tag) && typeof tag.description === "string" ? tag.description : undefined;
  }

  private operation(path: string, method: string, op: JsonObject, item: JsonObject, name: string): Omit<ImportedOperation, "resource" | "name"> | undefined {
    const at = pointerOf(["paths", path, method]);
    const skip = (pointer: string, construct: string) => {
      this.report.note(this.doc.place(pointer), construct, "operation not imported");
      return undefined;
    };
    const operation: ManifestOperation = { method: method.toUpperCase() as ManifestOperation["method"], path, response: { status: 200 } };
    const description = [op.summary, op.description].filter((text): text is string => typeof text === "string" && text.trim() !== "").join("\n\n");
    if (description) operation.description = description;
    if (op.deprecated === true) operation.deprecated = true;
    if (isObject(op.callbacks) && Object.keys(op.callbacks).length > 0) this.report.note(this.doc.place(`${at}/callbacks`), "callbacks", "not imported (the client only calls the API)");

    const pathParams: Record<string, ManifestField> = {};
    const query: Record<string, ManifestField> = {};
    const paramNames = new Set<string>();
    for (const { param, pointer } of this.parameters(item, op, at, path)) {
      const wireName = typeof param.name === "string" ? param.name : "";
      const required = param.required === true || param.in === "path";
      if (param.in !== "path" && param.in !== "query") {
        if (required) return skip(pointer, `required ${String(param.in)} parameter`);
        this.report.note(this.doc.place(pointer), `${String(param.in)} parameter`, "parameter left out");
        continue;
      }
      if (!WIRE_NAME.test(wireName)) {
        if (required) return skip(pointer, "parameter name with characters a manifest cannot hold");
        this.report.note(this.doc.place(pointer), "parameter name with characters a manifest cannot hold", "parameter left out");
        continue;
      }
      const field = this.schemas.field(param.schema ?? {}, `${pointer}/schema`, `${pascalCase(name)}${typeNameOf(wireName)}`);
      if (typeof param.description === "string") field.description = param.description;
      if (param.deprecated === true) field.deprecated = true;
      const unsent = this.unsendable(param, field);
      if (unsent !== undefined) {
        if (required) return skip(pointer, unsent);
        this.report.note(this.doc.place(pointer), unsent, "parameter left out");
        continue;
      }
      // A TypeScript name every object inherits (constructor, toString) or one already taken gets a suffix.
      let tsName = memberNameOf(wireName);
      for (let n = 1; isInherited(tsName) || paramNames.has(tsName); n++) tsName = `${memberNameOf(wireName)}Param${n > 1 ? n : ""}`;
      if (tsName !== memberNameOf(wireName)) field.name = tsName;
      paramNames.add(tsName);
      if (param.in === "path") put(pathParams, wireName, field);
      else put(query, wireName, required ? { ...field, required: true } : field);
    }
    // The path's placeholders and its path parameters must match: a document may declare one without the other.
    const placeholders = [...path.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]!);
    for (const placeholder of placeholders) {
      if (!WIRE_NAME.test(placeholder)) return skip(at, "path placeholder with characters a manifest cannot hold");
      if (!Object.hasOwn(pathParams, placeholder)) {
        this.report.note(this.doc.place(at), "path placeholder without a parameter", "typed as a string parameter");
        put(pathParams, placeholder, { type: "string" });
      }
    }
    for (const declared of Object.keys(pathParams)) {
      if (!placeholders.includes(declared)) {
        this.report.note(this.doc.place(at), "path parameter the path does not use", "parameter left out");
        delete pathParams[declared];
      }
    }
    if (Object.keys(pathParams).length > 0) operation.pathParams = pathParams;
    if (Object.keys(query).length > 0) operation.query = query;

    const body = this.requestBody(op, at, name);
    if (body === null) return undefined;
    if (body !== undefined) {
      const fields = this.schemas.types.get(body)?.properties ?? {};
      const bodyNames = new Set(Object.entries(fields).map(([wire, field]) => (typeof field === "object" && field.name) || camelCase(wire)));
      const argumentNames = Object.entries({ ...pathParams, ...query }).map(([wire, field]) => field.name ?? memberNameOf(wire));
      const clash = argumentNames.find((tsName) => bodyNames.has(tsName));
      if (clash !== undefined) return skip(`${at}/requestBody`, "parameter and body field of the same name");
      operation.body = body;
    }

    const responses = isObject(op.responses) ? op.responses : {};
    const success = Object.keys(responses)
      .filter((code) => /^2(\d\d|XX)$/i.test(code))
      .sort()[0];
    if (success === undefined) return skip(`${at}/responses`, "operation without a success response");
    operation.response = this.response(responses[success]!, `${at}/responses/${pointerOf([success]).slice(1)}`, success, name);
    const errorTypes = Object.entries(responses)
      .filter(([code]) => /^(4|5)(\d\d|XX)$/i.test(code) || code === "default")
      .flatMap(([code, response]) => {
        const schema = this.jsonSchemaOf(response, `${at}/responses/${code}`);
        return schema ? [this.schemas.typeExpr(schema.schema, schema.pointer, `${pascalCase(name)}Error`)] : [];
      });
    // In the order people write them: what and where, arguments, then the answer.
    const { method: verb, path: route, description: text, pathParams: inPath, query: inQuery, body: bodyType, response, ...rest } = operation;
    const ordered: ManifestOperation = { method: verb, path: route, ...(text ? { description: text } : {}), ...(inPath ? { pathParams: inPath } : {}), ...(inQuery ? { query: inQuery } : {}), ...(bodyType ? { body: bodyType } : {}), response, ...rest };
    return { operation: ordered, errorTypes: [...new Set(errorTypes)] };
  }

  /** Path-level and operation-level parameters (the operation's win), references resolved. */
  private parameters(item: JsonObject, op: JsonObject, at: string, path: string): { param: JsonObject; pointer: string }[] {
    const byKey = new Map<string, { param: JsonObject; pointer: string }>();
    const collect = (list: Json | undefined, pointer: string) => {
      if (!Array.isArray(list)) return;
      for (const [index, entry] of list.entries()) {
        const { value: resolved, pointer: where } = this.doc.deref(entry, `${pointer}/${index}`);
        if (!isObject(resolved)) {
          this.report.note(this.doc.place(`${pointer}/${index}`), "unresolvable parameter $ref", "parameter left out");
          continue;
        }
        byKey.set(`${String(resolved.in)} ${String(resolved.name)}`, { param: resolved, pointer: where });
      }
    };
    collect(item.parameters, pointerOf(["paths", path, "parameters"]));
    collect(op.parameters, `${at}/parameters`);
    return [...byKey.values()];
  }

  /** The body type name; undefined without a body; null when the operation cannot be imported (reported). */
  private requestBody(op: JsonObject, at: string, name: string): string | undefined | null {
    const { value: body, pointer } = this.doc.deref(op.requestBody, `${at}/requestBody`);
    if (!isObject(body)) return undefined;
    const content = isObject(body.content) ? body.content : {};
    const media = Object.keys(content).find(isJsonMedia);
    const required = body.required === true;
    const notImported = (construct: string) => {
      this.report.note(this.doc.place(pointer), construct, required ? "operation not imported" : "body left out");
      return required ? null : undefined;
    };
    if (media === undefined) return notImported(`request body of ${Object.keys(content).join(", ") || "no media type"}`);
    const schema = (content[media] as JsonObject | undefined)?.schema ?? {};
    const expr = this.schemas.typeExpr(schema, `${pointer}/content/${pointerOf([media]).slice(1)}/schema`, `${pascalCase(name)}Request`);
    const bodyType = expr.replace(/\?$/, "");
    if (this.schemas.types.get(bodyType)?.properties !== undefined) return bodyType;
    if (bodyType === "map<any>") {
      // An object with no properties given: in practice an empty body ({}), which a type without fields sends.
      const title = isObject(schema) && typeof schema.$ref === "string" ? schema.$ref.split("/").pop()! : `${pascalCase(name)}Request`;
      const empty = this.schemas.emptyObjectType(title);
      this.report.note(this.doc.place(pointer), "request body of an object with no properties", `typed ${empty}, without fields: sent as {}`);
      return empty;
    }
    return notImported("request body that is not an object");
  }

  private response(response: Json, pointer: string, code: string, name: string): ManifestOperation["response"] {
    const status = /^\d+$/.test(code) ? Number(code) : 200;
    const { value: described } = this.doc.deref(response, pointer);
    if (isObject(described) && isObject(described.headers) && Object.keys(described.headers).length > 0) {
      this.report.note(this.doc.place(`${pointer}/headers`), "response headers", "not typed (error.headers has them on failures)");
    }
    if (isObject(described) && isObject(described.links) && Object.keys(described.links).length > 0) this.report.note(this.doc.place(`${pointer}/links`), "links", "not imported");
    if (status === 204 || status === 205) return { status };
    const found = this.jsonSchemaOf(response, pointer);
    if (!found) {
      // Not JSON: text when every media type is text, else bytes (a download with its content type and filename).
      const media = isObject(described) && isObject(described.content) ? Object.keys(described.content) : [];
      if (media.length === 0) return { status };
      return { status, content: media.every((type) => /^text\//i.test(type)) ? "text" : "binary" };
    }
    const envelope = this.options.envelope;
    if (envelope !== undefined) {
      const inner = this.envelopeSchema(found.schema, envelope);
      if (inner) return { status, type: this.schemas.typeExpr(inner, `${found.pointer}/properties/${envelope}`, `${pascalCase(name)}Response`), envelope };
    }
    return { status, type: this.schemas.typeExpr(found.schema, found.pointer, `${pascalCase(name)}Response`) };
  }

  /** The schema of a response's property `envelope`, when the response is an object that always has it. */
  private envelopeSchema(schema: Json, envelope: string): Json | undefined {
    const { value: resolved } = this.doc.deref(schema, "");
    if (!isObject(resolved) || !isObject(resolved.properties) || !Array.isArray(resolved.required) || !resolved.required.includes(envelope)) return undefined;
    return resolved.properties[envelope];
  }

  /** A response's JSON schema (references to components' responses resolved), with its place. */
  private jsonSchemaOf(response: Json | undefined, pointer: string): { schema: Json; pointer: string } | undefined {
    const { value: resolved, pointer: at } = this.doc.deref(response, pointer);
    if (!isObject(resolved) || !isObject(resolved.content)) return undefined;
    const media = Object.keys(resolved.content).find(isJsonMedia);
    if (media === undefined) return undefined;
    const entry = resolved.content[media];
    if (!isObject(entry) || entry.schema === undefined) return undefined;
    return { schema: entry.schema, pointer: `${at}/content/${pointerOf([media]).slice(1)}/schema` };
  }

  /**
   * Why the client could not send a parameter as the document says (undefined when it can): a path or query scalar,
   * date, enum or a list of them (repeated, OpenAPI's default); in the query also a map or object of scalars, in the
   * form or deepObject style (its `style` is then set on the field).
   */
  private unsendable(param: JsonObject, field: ManifestField): string | undefined {
    const bare = field.type.replace(/\?$/, "");
    const list = /^list<(.+)>$/.exec(bare)?.[1];
    // OpenAPI's defaults: form (exploded) in the query, simple (comma-separated) in the path.
    const style = param.style ?? (param.in === "path" ? "simple" : "form");
    const explode = param.explode ?? style === "form";
    if (list !== undefined) {
      if (!this.isScalar(list)) return "list parameter of non-scalar items";
      if (param.in === "path") return "list path parameter (comma-separated)";
      if (style !== "form") return `list parameter in the ${String(style)} style`;
      return explode ? undefined : "list parameter sent comma-separated (explode: false)";
    }
    if (this.isScalar(bare) || field.const !== undefined) return undefined;
    const map = /^map<(.+)>$/.exec(bare)?.[1];
    const fields = this.schemas.types.get(bare)?.properties;
    const scalarEntries = map !== undefined ? this.isScalar(map) : fields !== undefined && Object.values(fields).every((f) => this.isScalar(typeof f === "string" ? f : f.type));
    if (!scalarEntries || param.in !== "query") return "object parameter with entries that are not scalars, or outside the query";
    if (style === "deepObject") field.style = "deepObject";
    else if (style === "form" && explode) field.style = "form";
    else return `object query parameter in the ${String(style)} style${explode ? "" : " without explode"}`;
    return undefined;
  }

  /** A string, number, boolean, date or enum: what a path, a query or a query object's entry can hold. */
  private isScalar(type: string): boolean {
    const bare = type.replace(/\?$/, "");
    return ["string", "integer", "number", "boolean", "date", "date-time"].includes(bare) || this.schemas.types.get(bare)?.enum !== undefined;
  }
}

/**
 * The API's error body, when every operation's documented errors share one object type with a message field; else
 * each operation's own, when its errors share one. Returns what to set on the manifest and on each operation.
 */
export function errorBodies(operations: ImportedOperation[], schemas: SchemaImporter, report: ImportReport, placeOf: () => ReturnType<OpenApiDocument["place"]>): {
  api?: ManifestErrorBody;
  perOperation: Map<ImportedOperation, ManifestErrorBody>;
} {
  const bodyOf = (type: string): ManifestErrorBody | undefined => {
    const definition = schemas.types.get(type);
    const properties = definition?.properties;
    if (!properties) return undefined;
    const field = MESSAGE_FIELDS.find((name) => {
      const value = properties[name];
      return (typeof value === "string" ? value : value?.type)?.replace(/\?$/, "") === "string";
    });
    return field === undefined ? undefined : { type, messageField: field };
  };
  const all = new Set(operations.flatMap((op) => op.errorTypes));
  const perOperation = new Map<ImportedOperation, ManifestErrorBody>();
  if (all.size === 1) {
    const api = bodyOf([...all][0]!);
    if (api) return { api, perOperation };
  }
  let unexpressed = 0;
  for (const op of operations) {
    if (op.errorTypes.length === 0) continue;
    const body = op.errorTypes.length === 1 ? bodyOf(op.errorTypes[0]!) : undefined;
    if (body) perOperation.set(op, body);
    else unexpressed += 1;
  }
  if (unexpressed > 0) {
    report.note(placeOf(), "error bodies of several types, or without a message field", `${unexpressed} operations keep untyped error bodies`);
  }
  return { perOperation };
}
