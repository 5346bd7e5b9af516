import { CAPABILITIES, builtinOptions, type CapabilityIr } from "./capabilities/index.js";
import type { Capability, NormalizeContext } from "./capabilities/capability.js";
import type { IrApi, IrAuth, IrConstraints, IrError, IrErrorBody, IrObjectType, IrOperation, IrParam, IrProperty, IrResource, IrType, IrTypeRef } from "./ir.js";
import { camelCase, clientClassName, paramsTypeName, resourceClassName, syncClientClassName, syncResourceClassName } from "./naming.js";
import { parseTypeExpr } from "./type-expr.js";
import { authScheme, discriminatorTags, fieldOf, packageOf, propertyOf, requiredFields, sorted, type Manifest, type ManifestOption, type ManifestAuth, type ManifestField, type ManifestOperation, type WithErrorBody } from "./manifest.js";

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

function normalizeType(name: string, definition: Manifest["types"][string], types: Manifest["types"]): IrType {
  const { description } = definition;
  if (definition.enum) return { kind: "enum", name, description, values: [...definition.enum].sort() };
  if (definition.oneOf) {
    const union: IrType = { kind: "union", name, description, variants: definition.oneOf };
    const field = definition.discriminator?.field;
    if (field === undefined) return union;
    // Checks made sure every variant has the field, under one TypeScript name.
    const tsName = propertyOf(types[definition.oneOf[0]!], field)!.name ?? camelCase(field);
    const mapping = discriminatorTags(definition, types).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { ...union, discriminator: { wireName: field, tsName, mapping } };
  }
  const required = requiredFields(definition);
  const properties: IrProperty[] = sorted(definition.properties).map(([wireName, raw]) => {
    const field = fieldOf(raw);
    return {
      wireName,
      tsName: field.name ?? camelCase(wireName),
      type: parseTypeExpr(field.type),
      required: required.has(wireName),
      description: field.description,
      minimum: field.minimum,
      const: field.const,
      ...fieldNotes(field),
    };
  });
  return { kind: "object", name, description, ...(definition.deprecated ? { deprecated: true } : {}), properties };
}

function normalizeParams(params: Record<string, string | ManifestField> | undefined, alwaysRequired: boolean, types: Manifest["types"]): IrParam[] {
  // A map, or a type with properties: its entries go as several query parameters (checks allow it on query only).
  const isStructured = (type: IrTypeRef) => type.kind === "map" || (type.kind === "ref" && types[type.name]?.properties !== undefined);
  return sorted(params).map(([wireName, raw]) => {
    const field = fieldOf(raw);
    const type = parseTypeExpr(field.type);
    return {
      wireName,
      tsName: field.name ?? camelCase(wireName),
      type,
      required: alwaysRequired || field.required === true,
      description: field.description,
      minimum: field.minimum,
      ...fieldNotes(field),
      ...(isStructured(type) ? { style: field.style ?? "form" } : {}),
    };
  });
}

const CONSTRAINT_NAMES = ["maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems"] as const;

/** A field's documented limits and deprecation, present only when the manifest gives them. */
function fieldNotes(field: ManifestField): { constraints?: IrConstraints; deprecated?: true } {
  const constraints: IrConstraints = {};
  for (const name of CONSTRAINT_NAMES) if (field[name] !== undefined) (constraints as Record<string, unknown>)[name] = field[name];
  if (field.format === "int64") constraints.int64 = true;
  return { ...(Object.keys(constraints).length > 0 ? { constraints } : {}), ...(field.deprecated ? { deprecated: true } : {}) };
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
  const pathParams = normalizeParams(op.pathParams, true, manifest.types);
  const queryParams = normalizeParams(op.query, false, manifest.types);
  const bodyRequired = op.body !== undefined && requiredFields(manifest.types[op.body]).size > 0;
  const hasParams = pathParams.length > 0 || queryParams.length > 0;
  return {
    name,
    method: op.method,
    path: op.path,
    server: op.server ?? manifest.defaultServer,
    description: op.description,
    ...(op.deprecated ? { deprecated: true } : {}),
    pathParams,
    queryParams,
    body: op.body,
    example: op.example && (canonical(op.example, pathParams.map((p) => p.tsName)) as Record<string, unknown>),
    response: {
      status: op.response.status,
      content: op.response.content ?? "json",
      type: op.response.type === undefined ? undefined : parseTypeExpr(op.response.type),
      envelope: op.response.envelope,
    },
    paramsType: hasParams ? paramsTypeName(name) : op.body,
    paramsRequired: bodyRequired || pathParams.length > 0 || queryParams.some((p) => p.required),
    errorBody: errorBodyOf(op),
  };
}

/** What capabilities read of the core's IR while they normalize their sections. */
function normalizeContext(resources: IrResource[], types: IrType[]): NormalizeContext {
  return {
    resources,
    types,
    operationNamed(reference) {
      const [resourceName, opName] = reference.split(".");
      const resource = resources.find((r) => r.name === resourceName)!;
      return { resource, operation: resource.operations.find((op) => op.name === opName)! };
    },
    objectType: (name) => types.find((t): t is IrObjectType => t.name === name && t.kind === "object")!,
  };
}

/** The IR of each capability whose section the manifest has. */
function normalizeCapabilities(manifest: Manifest, resources: IrResource[], types: IrType[]): CapabilityIr {
  const context = normalizeContext(resources, types);
  const ir: Record<string, unknown> = {};
  for (const capability of CAPABILITIES) {
    const section = manifest[capability.key];
    if (section !== undefined) ir[capability.key] = (capability as Capability<unknown, unknown>).normalize(section, context);
  }
  return ir as CapabilityIr;
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
  const types = sorted(manifest.types).map(([name, definition]) => normalizeType(name, definition, manifest.types));
  return {
    name: manifest.name,
    title: manifest.title,
    version: manifest.version,
    description: manifest.description,
    packageName: packageOf(manifest.package).name,
    package: { description: manifest.description ?? manifest.title, ...packageOf(manifest.package) },
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
    clients: manifest.clients?.includes("sync") === false ? ["async"] : ["async", "sync"],
    capabilities: normalizeCapabilities(manifest, resources, types),
  };
}
