import type { CapabilitySections } from "./capabilities/index.js";

/**
 * The manifest as TypeScript sees it once its JSON Schema (manifest.schema.json) has accepted it: the same fields,
 * optional where the schema does not require them (test/manifest-type.test.ts holds each type to its schema).
 */

export interface ManifestField {
  type: string;
  description?: string;
  name?: string;
  /** The field's one value (string fields only), typed as that literal. */
  const?: string;
  required?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  format?: "int64";
  deprecated?: boolean;
  /** Query parameters of a map or object type: how their entries are sent (form by default). */
  style?: "form" | "deepObject";
}
export interface ManifestTypeDefinition {
  description?: string;
  deprecated?: boolean;
  enum?: string[];
  oneOf?: string[];
  discriminator?: ManifestDiscriminator;
  required?: string[];
  properties?: Record<string, string | ManifestField>;
}
/** Beside oneOf: the tag field (wire name) of every variant, and which tag value means which variant. */
export interface ManifestDiscriminator {
  field: string;
  /** Tag value -> variant; without it (or for a variant it leaves out) the variant's tag field has a const. */
  mapping?: Record<string, string>;
}
export interface ManifestOperation {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  server?: string;
  description?: string;
  deprecated?: boolean;
  pathParams?: Record<string, string | ManifestField>;
  query?: Record<string, string | ManifestField>;
  body?: string;
  example?: Record<string, unknown>;
  response: { status: number; content?: ResponseContent; type?: string; envelope?: string };
  errorBody?: ManifestErrorBody;
}
/** How a response body is read: JSON decoded by its type, raw bytes (a Download), or text. */
export type ResponseContent = "json" | "binary" | "text";

/** The `auth` section: how the client sends credentials (every scheme's fields; checks say which go together). */
export interface ManifestAuth {
  scheme?: "apiKeyHeader" | "apiKeyQuery" | "bearer" | "basic" | "none";
  header?: string;
  query?: string;
  option?: string;
  usernameOption?: string;
  passwordOption?: string;
  required?: boolean;
  description?: string;
}

/** What error responses hold: an object type, and the wire name of its string field with the server's message. */
export interface ManifestErrorBody {
  type: string;
  messageField: string;
}
export type WithErrorBody = { errorBody?: ManifestErrorBody };

export interface ManifestOption {
  type?: string;
  default?: unknown;
  description?: string;
  status?: "planned";
}

/** The `package` section: the npm package that package mode writes. */
export interface ManifestPackage {
  name: string;
  version: string;
  description?: string;
  license?: string;
}

/** The version of a package given by name alone (`package: my-sdk`). */
export const DEFAULT_PACKAGE_VERSION = "0.1.0";

export const packageOf = (section: string | ManifestPackage): ManifestPackage =>
  typeof section === "string" ? { name: section, version: DEFAULT_PACKAGE_VERSION } : section;

export interface Manifest extends CapabilitySections {
  name: string;
  title: string;
  version: string;
  description?: string;
  /** A name alone means version DEFAULT_PACKAGE_VERSION. */
  package: string | ManifestPackage;
  defaultServer: string;
  servers: Record<string, { url: string; option: string; description?: string }>;
  auth?: ManifestAuth;
  query?: { arrays?: "repeat" | "comma" };
  /** Optional. A built-in option (builtin-options.ts) needs only what it overrides; any other needs all three fields. */
  options?: Record<string, ManifestOption>;
  errors?: Record<string, { status: number; description?: string } & WithErrorBody>;
  errorBody?: ManifestErrorBody;
  types: Record<string, ManifestTypeDefinition>;
  resources: Record<string, { description?: string; operations: Record<string, ManifestOperation> }>;
  /** The clients to emit; both by default. */
  clients?: ("async" | "sync")[];
  /** Parts merged into this manifest by the loader, paths relative to it; left here for the schema to check. */
  include?: string[];
}

export const fieldOf = (field: string | ManifestField): ManifestField =>
  typeof field === "string" ? { type: field } : field;


/** The scheme a manifest's `auth` section means: none without one, apiKeyHeader when only a header is given. */
export const authScheme = (auth: ManifestAuth | undefined): NonNullable<ManifestAuth["scheme"]> | undefined =>
  auth === undefined ? "none" : (auth.scheme ?? (auth.header !== undefined ? "apiKeyHeader" : undefined));

/** Entries of a YAML mapping in a stable order: its keys carry no order, so output must not depend on it. */
export function sorted<T>(record: Record<string, T> | undefined): [string, T][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The field of a type's properties named `wireName` (own properties only: "constructor" is a field name like any). */
export const propertyOf = (definition: ManifestTypeDefinition | undefined, wireName: string): ManifestField | undefined =>
  definition?.properties && Object.hasOwn(definition.properties, wireName) ? fieldOf(definition.properties[wireName]!) : undefined;

/**
 * A discriminated union's tag values with their variants: the mapping's entries, then, for each variant the mapping
 * leaves out, the const of its tag field. Checks refuse a tag value given twice; this lists what the manifest says.
 */
export function discriminatorTags(definition: ManifestTypeDefinition, types: Record<string, ManifestTypeDefinition>): [tag: string, variant: string][] {
  const { field, mapping = {} } = definition.discriminator!;
  const tags = Object.entries(mapping);
  const mapped = new Set(Object.values(mapping));
  for (const variant of definition.oneOf ?? []) {
    const tag = mapped.has(variant) ? undefined : propertyOf(Object.hasOwn(types, variant) ? types[variant] : undefined, field)?.const;
    if (tag !== undefined) tags.push([tag, variant]);
  }
  return tags;
}

/** Wire names of the fields a type requires: listed in its `required`, or marked `required: true` beside the field. */
export function requiredFields(definition: ManifestTypeDefinition | undefined): Set<string> {
  const marked = Object.entries(definition?.properties ?? {}).filter(([, field]) => fieldOf(field).required === true);
  return new Set([...(definition?.required ?? []), ...marked.map(([name]) => name)]);
}
