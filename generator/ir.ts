import type { IrPaging } from "./capabilities/pagination/types.js";
import type { CapabilityIr } from "./capabilities/index.js";

/** The normalized manifest: every name resolved, every default filled, every map sorted. Emitters read only this. */

export type IrPrimitive = "string" | "integer" | "number" | "boolean" | "any";

export type IrTypeRef =
  | { kind: "primitive"; name: IrPrimitive; nullable: boolean }
  | { kind: "dateTime"; nullable: boolean }
  /** A calendar date, `YYYY-MM-DD`: a string in TypeScript too, so no time zone can shift it. */
  | { kind: "date"; nullable: boolean }
  | { kind: "list"; item: IrTypeRef; nullable: boolean }
  | { kind: "map"; value: IrTypeRef; nullable: boolean }
  | { kind: "ref"; name: string; nullable: boolean };

export interface IrProperty {
  wireName: string;
  tsName: string;
  type: IrTypeRef;
  required: boolean;
  description?: string;
  /** Smallest allowed value of a number field. */
  minimum?: number;
  /** The field's one value: its TypeScript type is this string literal. */
  const?: string;
  /** What the docs say of the values beyond their type; the server checks them. */
  constraints?: IrConstraints;
  deprecated?: boolean;
}

/**
 * Limits a field or parameter documents (JSON Schema's names); printed in JSDoc and never checked by the client, since
 * the server is their authority. `int64`: an integer that may exceed Number.MAX_SAFE_INTEGER.
 */
export interface IrConstraints {
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  int64?: boolean;
}

export interface IrObjectType {
  kind: "object";
  name: string;
  description?: string;
  deprecated?: boolean;
  properties: IrProperty[];
}

export interface IrEnumType {
  kind: "enum";
  name: string;
  description?: string;
  values: string[];
}

export interface IrUnionType {
  kind: "union";
  name: string;
  description?: string;
  /** Variant type names, in the manifest's order. */
  variants: string[];
  /** Present when the manifest gives one: values are then told apart by their tag field alone. */
  discriminator?: IrDiscriminator;
}

/**
 * The member that holds a discriminated union's value whose tag this SDK does not know (the server added a variant
 * later): `{ unknownVariant: { tag, raw } }`. runtime/union-codec.ts reads and writes the same name.
 */
export const UNKNOWN_VARIANT_MEMBER = "unknownVariant";

/** A discriminated union's tag field and its tag values, each with its variant (the mapping merged with the consts). */
export interface IrDiscriminator {
  wireName: string;
  tsName: string;
  /** [tag value, variant name], sorted by tag value. */
  mapping: [tag: string, variant: string][];
}

export type IrType = IrObjectType | IrEnumType | IrUnionType;

export interface IrServer {
  name: string;
  url: string;
  /** Client option that overrides the URL. */
  option: string;
  description?: string;
}

export interface IrOption {
  name: string;
  type: IrTypeRef;
  default: unknown;
  description?: string;
}

/** What error response bodies hold: an object type, and the wire name of its string field the server's message is in. */
export interface IrErrorBody {
  type: string;
  messageField: string;
}

export interface IrError {
  className: string;
  status: number;
  description?: string;
  /** This status's own body, else the API's (errorBody in IrApi). */
  body?: IrErrorBody;
}

export interface IrParam {
  wireName: string;
  tsName: string;
  type: IrTypeRef;
  required: boolean;
  description?: string;
  minimum?: number;
  constraints?: IrConstraints;
  deprecated?: boolean;
  /** How a query parameter of a map or object type sends its entries (form unless the manifest says deepObject). */
  style?: "form" | "deepObject";
}

export interface IrOperation {
  name: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  server: string;
  description?: string;
  deprecated?: boolean;
  pathParams: IrParam[];
  queryParams: IrParam[];
  /** Name of the object type whose fields are the JSON body. */
  body?: string;
  /** content: how the body is read; binary answers a Download, text a string, json the type's value. */
  response: { status: number; content: "json" | "binary" | "text"; type?: IrTypeRef; envelope?: string };
  /** Name of the argument type: a generated interface, the body type itself, or undefined when there is no argument. */
  paramsType?: string;
  /** Argument of the docs' example call, from the manifest. */
  example?: Record<string, unknown>;
  /** True when the argument object has a required field. */
  paramsRequired: boolean;
  /** The operation's own error body, which wins over the status's and the API's. */
  errorBody?: IrErrorBody;
  /** How the operation's pages follow one another, when the pagination capability says it answers in pages. */
  paging?: IrPaging;
}

export interface IrResource {
  name: string;
  className: string;
  /** Class of the resource in the sync client. */
  syncClassName: string;
  description?: string;
  operations: IrOperation[];
}

export interface IrApi {
  name: string;
  title: string;
  version: string;
  description?: string;
  /** The npm package's name (package.name, kept for templates). */
  packageName: string;
  /** package.json fields of package mode; description defaults to the API's description, else its title. */
  package: { name: string; version: string; description: string; license?: string };
  clientClassName: string;
  syncClientClassName: string;
  /** Manifest file name, for headers and docs. */
  source: string;
  servers: IrServer[];
  auth: IrAuth;
  queryArrays: "repeat" | "comma";
  options: IrOption[];
  /** Options declared for later work: validated, documented in the manifest, not yet offered by the client. */
  plannedOptions: string[];
  /** The standard classes (renamed or described by the manifest) and the manifest's own, by status. */
  errors: IrError[];
  /** The API's error body, when declared. */
  errorBody?: IrErrorBody;
  types: IrType[];
  resources: IrResource[];
  /** The client flavours to emit: always async (the sync client runs it in a worker thread), and sync by default. */
  clients: ("async" | "sync")[];
  /** The IR of each capability the manifest uses. */
  capabilities: CapabilityIr;
}

/**
 * How the API authenticates. `option` holds the secret (API key, token, or basic's password); `header` is the header
 * that carries it (Authorization for bearer and basic), `query` the query parameter for apiKeyQuery.
 */
export interface IrAuth {
  scheme: "apiKeyHeader" | "apiKeyQuery" | "bearer" | "basic" | "none";
  option?: string;
  usernameOption?: string;
  header?: string;
  query?: string;
  /** Whether a client needs the credentials (unless offline); false when the API also answers without them. */
  required: boolean;
  description?: string;
}
