import type { IrApi, IrAuth, IrError, IrErrorBody, IrEvents, IrFlagChecks, IrObjectType, IrOperation, IrParam, IrProperty, IrResource, IrType } from "./ir.js";
import { camelCase, clientClassName, paramsTypeName, resourceClassName, syncClientClassName, syncResourceClassName } from "./naming.js";
import { parseTypeExpr } from "./type-expr.js";
import { builtinOptions } from "./builtin-options.js";
import { fieldOf, type Manifest, type ManifestOption, type ManifestAuth, type ManifestField, type ManifestOperation, type WithErrorBody } from "./manifest.js";

/** The error classes every API has; a manifest entry with the same status renames or describes one. */
export const STANDARD_ERRORS: readonly IrError[] = [
  { className: "BadRequestError", status: 400, description: "The request was malformed or failed validation." },
  { className: "UnauthorizedError", status: 401, description: "The request lacks valid credentials." },
  { className: "ForbiddenError", status: 403, description: "The credentials may not perform this operation." },
  { className: "NotFoundError", status: 404, description: "The requested resource does not exist." },
  { className: "ConflictError", status: 409, description: "The request conflicts with the current state of a resource." },
  { className: "UnprocessableEntityError", status: 422, description: "The request was well formed but could not be processed." },
  { className: "TooManyRequestsError", status: 429, description: "Too many requests; slow down and retry later." },
  { className: "InternalServerError", status: 500, description: "The server failed to handle the request." },
];

const errorBodyOf = (owner: object): IrErrorBody | undefined => {
  const body = (owner as WithErrorBody).errorBody;
  return body && { type: body.type, messageField: body.messageField };
};

/** The standard classes, each replaced by the manifest's entry for its status, then the manifest's other statuses. */
function normalizeErrors(manifest: Manifest): IrError[] {
  const apiBody = errorBodyOf(manifest);
  const declared = sorted(manifest.errors as Manifest["errors"] | undefined).map(
    ([className, error]): IrError => ({ className, status: error.status, description: error.description, body: errorBodyOf(error) }),
  );
  const standard = STANDARD_ERRORS.filter((error) => !declared.some((entry) => entry.status === error.status));
  return [...standard, ...declared]
    .map((error) => ({ ...error, body: error.body ?? apiBody }))
    .sort((a, b) => a.status - b.status);
}

/** The scheme a manifest's `auth` section means: none without one, apiKeyHeader when only a header is given. */
export const authScheme = (auth: ManifestAuth | undefined): IrAuth["scheme"] | undefined =>
  auth === undefined ? "none" : (auth.scheme ?? (auth.header !== undefined ? "apiKeyHeader" : undefined));

function normalizeAuth(auth: ManifestAuth | undefined): IrAuth {
  const scheme = authScheme(auth) ?? "none";
  if (auth === undefined || scheme === "none") return { scheme: "none", required: false };
  const { description, required = true } = auth;
  switch (scheme) {
    case "apiKeyHeader":
      return { scheme, option: auth.option, header: auth.header, required, description };
    case "apiKeyQuery":
      return { scheme, option: auth.option, query: auth.query, required, description };
    case "bearer":
      return { scheme, option: auth.option, header: "Authorization", required, description };
    case "basic":
      return { scheme, usernameOption: auth.usernameOption, option: auth.passwordOption, header: "Authorization", required, description };
  }
}

/** Entries of a YAML mapping in a stable order: its keys carry no order, so output must not depend on it. */
function sorted<T>(record: Record<string, T> | undefined): [string, T][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function normalizeType(name: string, definition: Manifest["types"][string]): IrType {
  const { description } = definition;
  if (definition.enum) return { kind: "enum", name, description, values: [...definition.enum].sort() };
  if (definition.oneOf) return { kind: "union", name, description, variants: definition.oneOf };
  const required = new Set(definition.required ?? []);
  const properties: IrProperty[] = sorted(definition.properties).map(([wireName, raw]) => {
    const field = fieldOf(raw);
    return {
      wireName,
      tsName: field.name ?? camelCase(wireName),
      type: parseTypeExpr(field.type),
      required: required.has(wireName),
      description: field.description,
      minimum: field.minimum,
    };
  });
  return { kind: "object", name, description, properties };
}

function normalizeParams(params: Record<string, string | ManifestField> | undefined, alwaysRequired: boolean): IrParam[] {
  return sorted(params).map(([wireName, raw]) => {
    const field = fieldOf(raw);
    return {
      wireName,
      tsName: field.name ?? camelCase(wireName),
      type: parseTypeExpr(field.type),
      required: alwaysRequired || field.required === true,
      description: field.description,
    };
  });
}

/** Example values with keys in a fixed order (the given ones first, then alphabetical), at every depth. */
function canonical(value: unknown, leading: string[] = []): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item));
  if (typeof value !== "object" || value === null) return value;
  const rank = (key: string) => (leading.includes(key) ? leading.indexOf(key) : leading.length);
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
}

function normalizeOperation(manifest: Manifest, name: string, op: ManifestOperation): IrOperation {
  const pathParams = normalizeParams(op.pathParams, true);
  const queryParams = normalizeParams(op.query, false);
  const bodyRequired = op.body !== undefined && (manifest.types[op.body]?.required ?? []).length > 0;
  const hasParams = pathParams.length > 0 || queryParams.length > 0;
  return {
    name,
    method: op.method,
    path: op.path,
    server: op.server ?? manifest.defaultServer,
    description: op.description,
    pathParams,
    queryParams,
    body: op.body,
    example: op.example && (canonical(op.example, pathParams.map((p) => p.tsName)) as Record<string, unknown>),
    response: {
      status: op.response.status,
      type: op.response.type === undefined ? undefined : parseTypeExpr(op.response.type),
      envelope: op.response.envelope,
    },
    paramsType: hasParams ? paramsTypeName(name) : op.body,
    paramsRequired: bodyRequired || pathParams.length > 0 || queryParams.some((p) => p.required),
    errorBody: errorBodyOf(op),
  };
}

/** The resource and operation a validated "resource.operation" reference names. */
function operationNamed(resources: IrResource[], reference: string): { resource: IrResource; operation: IrOperation } {
  const [resourceName, opName] = reference.split(".");
  const resource = resources.find((r) => r.name === resourceName)!;
  return { resource, operation: resource.operations.find((op) => op.name === opName)! };
}

/** A validated reference to an object type. */
function objectTypeNamed(types: IrType[], name: string | undefined): IrObjectType {
  return types.find((t): t is IrObjectType => t.name === name && t.kind === "object")!;
}

function normalizeFlagChecks(manifest: Manifest, resources: IrResource[], types: IrType[]): IrFlagChecks | undefined {
  const checks = manifest.flagChecks;
  if (!checks) return undefined;
  const { resource, operation } = operationNamed(resources, checks.operation);
  const objectType = (name: string | undefined) => objectTypeNamed(types, name);
  const body = objectType(operation.body);
  const result = objectType(operation.response.type?.kind === "ref" ? operation.response.type.name : undefined);
  const tsName = (type: IrObjectType, wireName: string) => type.properties.find((p) => p.wireName === wireName)!.tsName;
  return {
    resource,
    operation,
    flagKeyParam: operation.pathParams.find((p) => p.wireName === checks.flagKey)!.tsName,
    contextFields: checks.context.map((wireName) => body.properties.find((p) => p.wireName === wireName)!),
    resultType: result.name,
    fields: {
      value: tsName(result, checks.result.value),
      flag: tsName(result, checks.result.flag),
      reason: tsName(result, checks.result.reason),
      error: tsName(result, checks.result.error),
    },
    cache: { maxSize: checks.cache.maxSize, maxAgeMs: checks.cache.maxAgeMs },
  };
}

function normalizeEvents(manifest: Manifest, resources: IrResource[], types: IrType[]): IrEvents | undefined {
  const events = manifest.events;
  if (!events) return undefined;
  const { resource, operation } = operationNamed(resources, events.operation);
  const objectType = (name: string | undefined) => objectTypeNamed(types, name);
  const batch = objectType(operation.body).properties.find((p) => p.wireName === events.batchField)!;
  const item = objectType(batch.type.kind === "list" && batch.type.item.kind === "ref" ? batch.type.item.name : undefined);
  const tsName = (wireName: string) => item.properties.find((p) => p.wireName === wireName)!.tsName;
  return {
    resource,
    operation,
    batchField: batch.tsName,
    maxBatchSize: events.maxBatchSize,
    fields: {
      apiKey: tsName(events.fields.apiKey),
      type: tsName(events.fields.type),
      body: tsName(events.fields.body),
      idempotencyKey: tsName(events.fields.idempotencyKey),
      sentAt: tsName(events.fields.sentAt),
    },
    kinds: sorted(events.kinds).map(([name, kind]) => ({ name, type: kind.type, body: objectType(kind.body), description: kind.description })),
  };
}

/** The built-in options of the manifest's capabilities, each overlaid with the manifest's entry, and its other options. */
function mergedOptions(manifest: Manifest): [string, ManifestOption][] {
  const builtins = builtinOptions(manifest);
  const declared = manifest.options ?? {};
  const names = new Set([...Object.keys(builtins), ...Object.keys(declared)]);
  return sorted(
    Object.fromEntries(
      [...names].map((name) => [name, { ...(Object.hasOwn(builtins, name) ? builtins[name] : {}), ...(Object.hasOwn(declared, name) ? declared[name] : {}) }]),
    ),
  );
}

export function normalizeManifest(manifest: Manifest, source: string): IrApi {
  const resources: IrResource[] = sorted(manifest.resources).map(([name, resource]) => ({
    name,
    className: resourceClassName(name),
    syncClassName: syncResourceClassName(name),
    description: resource.description,
    operations: sorted(resource.operations).map(([opName, op]) => normalizeOperation(manifest, opName, op)),
  }));
  const options = mergedOptions(manifest);
  const types = sorted(manifest.types).map(([name, definition]) => normalizeType(name, definition));
  return {
    name: manifest.name,
    title: manifest.title,
    version: manifest.version,
    description: manifest.description,
    packageName: manifest.package,
    clientClassName: clientClassName(manifest.name),
    syncClientClassName: syncClientClassName(manifest.name),
    source,
    servers: sorted(manifest.servers).map(([name, server]) => ({ name, ...server })),
    auth: normalizeAuth(manifest.auth),
    queryArrays: manifest.query?.arrays ?? "repeat",
    options: options
      .filter(([, option]) => option.status !== "planned")
      .map(([name, option]) => ({ name, type: parseTypeExpr(option.type!), default: canonical(option.default), description: option.description })),
    plannedOptions: options.filter(([, option]) => option.status === "planned").map(([name]) => name),
    errors: normalizeErrors(manifest),
    errorBody: errorBodyOf(manifest),
    types,
    resources,
    flagChecks: normalizeFlagChecks(manifest, resources, types),
    events: normalizeEvents(manifest, resources, types),
  };
}
