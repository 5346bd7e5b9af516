import type { Manifest, ManifestAuth, ManifestOperation } from "../manifest.js";
import { kebabCase } from "../naming.js";
import { CLIENT_MEMBERS, CLIENT_PRIVATE_MEMBERS } from "../capabilities/index.js";
import { RESOURCE_PRIVATE_MEMBERS } from "../naming.js";
import { type JsonObject, OpenApiError, type OpenApiDocument, isObject, loadOpenApi, pointerOf } from "./document.js";
import { memberNames, typeNameOf, typeNames } from "./names.js";
import { type ImportedOperation, OperationImporter, errorBodies } from "./operations.js";
import { recognisePagination } from "./pagination.js";
import { ImportReport } from "./report.js";
import { SchemaImporter } from "./schemas.js";

export interface ImportOptions {
  /** PascalCase API name (the client is <name>Client); default: from the document's title. */
  name?: string;
  /** A response property that holds every answer (`data` for `{ data, params }`): operations answer it alone. */
  envelope?: string;
}

export interface ImportResult {
  manifest: Manifest;
  report: ImportReport;
}

/** Reads an OpenAPI 3.0/3.1 document and describes it as a manifest, with the report of what it could not express. */
export async function importOpenApi(file: string, options: ImportOptions = {}): Promise<ImportResult> {
  return importDocument(await loadOpenApi(file), options);
}

export function importDocument(doc: OpenApiDocument, options: ImportOptions = {}): ImportResult {
  const report = new ImportReport();
  const types = typeNames();
  const name = options.name ?? apiName(doc);
  for (const suffix of ["Client", "SyncClient", "ClientOptions", "ClientCommonOptions", "SyncClientOptions", "SyncClientCommonOptions"]) types.reserve(`${name}${suffix}`);
  // Resource classes are named after resources: reserved as resources are named, below.
  const schemas = new SchemaImporter(doc, report, types);
  const resources = memberNames("Api", "api", [...CLIENT_PRIVATE_MEMBERS, ...CLIENT_MEMBERS]);
  const operationNames = memberNames("Op", "operation", RESOURCE_PRIVATE_MEMBERS);
  const operations = new OperationImporter(doc, report, schemas, resources, operationNames, types, { envelope: options.envelope });
  if (Object.keys(doc.root.paths as JsonObject).length === 0) throw new OpenApiError(`${doc.file}: the document has no operations (paths is empty): there is no client to describe`);
  operations.plan();
  schemas.importComponents();
  operations.importPlanned();
  schemas.finishDiscriminators();
  if (report.operations.imported === 0) {
    throw new OpenApiError(`${report.format(doc.file)}\n${doc.file}: none of its ${report.operations.total} operations can be expressed, so there is no client to describe`);
  }
  const errors = errorBodies(operations.operations, schemas, report, () => doc.place("/paths"));
  if (isObject(doc.root.webhooks) && Object.keys(doc.root.webhooks).length > 0) {
    report.note(doc.place("/webhooks"), "webhooks (requests the API sends)", "not imported: the client only calls the API");
  }

  const byResource = new Map<string, ImportedOperation[]>();
  for (const op of operations.operations) byResource.set(op.resource, [...(byResource.get(op.resource) ?? []), op]);
  const manifestResources: Manifest["resources"] = {};
  for (const [resource, ops] of [...byResource.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const description = operations.resourceDescription(resource);
    const entries = ops
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((op): [string, ManifestOperation] => {
        const body = errors.perOperation.get(op);
        return [op.name, body ? { ...op.operation, errorBody: body } : op.operation];
      });
    manifestResources[resource] = { ...(description ? { description } : {}), operations: Object.fromEntries(entries) };
  }

  const info = isObject(doc.root.info) ? doc.root.info : {};
  const title = typeof info.title === "string" && info.title.trim() !== "" ? info.title : name;
  const servers = importServers(doc, report);
  const auth = importAuth(doc, report);
  const manifest: Manifest = {
    name,
    title,
    version: apiVersion(info.version),
    ...(typeof info.description === "string" && info.description.trim() !== "" && info.description !== title ? { description: info.description } : {}),
    package: { name: `${kebabCase(name)}-sdk`, version: "0.1.0" },
    defaultServer: Object.keys(servers)[0]!,
    servers,
    ...(auth ? { auth } : {}),
    ...(errors.api ? { errorBody: errors.api } : {}),
    types: Object.fromEntries([...schemas.types.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
    resources: manifestResources,
  };
  // List operations with common paging parameters iterate every page: the manifest records how.
  const pagination = recognisePagination(manifest);
  if (pagination) manifest.pagination = pagination;
  return { manifest, report };
}

/** The document's `info.version` (required by OpenAPI, but not always there or not text): "0" when missing. */
const apiVersion = (version: unknown) => ((typeof version === "string" || typeof version === "number") && String(version).trim() !== "" ? String(version) : "0");

/** The API's name: the PascalCase of the document's title without a trailing "API". */
function apiName(doc: OpenApiDocument): string {
  const info = isObject(doc.root.info) ? doc.root.info : {};
  const title = typeof info.title === "string" ? info.title.replace(/\s+api\s*$/i, "") : "";
  const name = typeNameOf(title);
  return name === "" ? "Api" : name;
}

function importServers(doc: OpenApiDocument, report: ImportReport): Manifest["servers"] {
  const servers: Manifest["servers"] = {};
  const list = Array.isArray(doc.root.servers) ? doc.root.servers : [];
  for (const [index, server] of list.entries()) {
    if (!isObject(server) || typeof server.url !== "string") continue;
    const pointer = pointerOf(["servers", index]);
    let url = server.url;
    if (isObject(server.variables)) {
      for (const [variable, spec] of Object.entries(server.variables)) {
        const value = isObject(spec) && typeof spec.default === "string" ? spec.default : "";
        url = url.replaceAll(`{${variable}}`, value);
      }
      report.note(doc.place(`${pointer}/variables`), "server variables", "their defaults are put in the URL (the URL option can be changed)");
    }
    if (!/^https?:\/\/\S+$/.test(url)) {
      report.note(doc.place(pointer), "server URL that is not absolute http(s)", "server left out");
      continue;
    }
    const name = index === 0 ? "main" : `server${index + 1}`;
    servers[name] = {
      url,
      option: index === 0 ? "baseUrl" : `${name}Url`,
      ...(typeof server.description === "string" ? { description: server.description } : {}),
    };
  }
  if (Object.keys(servers).length === 0) {
    report.note(doc.place("/servers"), "no usable server", "the base URL defaults to http://localhost and is set with the baseUrl option");
    servers.main = { url: "http://localhost", option: "baseUrl" };
  }
  return servers;
}

/** The manifest's auth from the document's security requirement (the first scheme of the first requirement). */
function importAuth(doc: OpenApiDocument, report: ImportReport): ManifestAuth | undefined {
  const schemes = isObject(doc.root.components) && isObject(doc.root.components.securitySchemes) ? doc.root.components.securitySchemes : {};
  let requirements = Array.isArray(doc.root.security) ? doc.root.security : [];
  if (requirements.length === 0) {
    // No API-wide requirement: the one operations state (a client sends one kind of credentials).
    const stated = Object.values(doc.root.paths as JsonObject).flatMap((item) =>
      isObject(item) ? Object.values(item).flatMap((op) => (isObject(op) && Array.isArray(op.security) && op.security.some((r) => isObject(r) && Object.keys(r).length > 0) ? [op.security] : [])) : [],
    );
    if (stated.length > 0) {
      requirements = stated[0]!;
      if (stated.some((security) => JSON.stringify(security) !== JSON.stringify(stated[0]))) {
        report.note(doc.place("/paths"), "operations requiring different security", `the client sends ${Object.keys(requirements.find(isObject) ?? {})[0] ?? "nothing"} for every operation`);
      }
    }
  }
  const first = requirements.find(isObject);
  const names = first ? Object.keys(first) : [];
  if (names.length === 0) {
    if (Object.keys(schemes).length > 0) report.note(doc.place("/components/securitySchemes"), "security schemes no operation requires by default", "the client sends no credentials");
    return undefined;
  }
  if (names.length > 1 || requirements.length > 1) report.note(doc.place("/security"), "several security requirements", `the client sends ${names[0]} only`);
  const key = names[0]!;
  const scheme = schemes[key];
  const pointer = pointerOf(["components", "securitySchemes", key]);
  const description = isObject(scheme) && typeof scheme.description === "string" ? { description: scheme.description } : {};
  if (!isObject(scheme)) {
    report.note(doc.place("/security"), "security requirement naming no scheme", "the client sends no credentials");
    return undefined;
  }
  if (scheme.type === "apiKey" && scheme.in === "header" && typeof scheme.name === "string") return { scheme: "apiKeyHeader", header: scheme.name, option: "apiKey", ...description };
  if (scheme.type === "apiKey" && scheme.in === "query" && typeof scheme.name === "string") return { scheme: "apiKeyQuery", query: scheme.name, option: "apiKey", ...description };
  if (scheme.type === "http" && typeof scheme.scheme === "string" && scheme.scheme.toLowerCase() === "bearer") return { scheme: "bearer", option: "token", ...description };
  if (scheme.type === "http" && typeof scheme.scheme === "string" && scheme.scheme.toLowerCase() === "basic") {
    return { scheme: "basic", usernameOption: "username", passwordOption: "password", ...description };
  }
  if (scheme.type === "oauth2" || scheme.type === "openIdConnect") {
    report.note(doc.place(pointer), `${scheme.type} security`, "sent as a bearer token obtained by the application");
    return { scheme: "bearer", option: "token", ...description };
  }
  report.note(doc.place(pointer), `${String(scheme.type)} security${scheme.in ? ` in ${String(scheme.in)}` : ""}`, "the client sends no credentials");
  return undefined;
}
