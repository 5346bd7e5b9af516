/** The manifest as TypeScript sees it once its JSON Schema (manifest.schema.json) has accepted it. */

export interface ManifestField {
  type: string;
  description?: string;
  name?: string;
  required?: boolean;
  minimum?: number;
}
export interface ManifestTypeDefinition {
  description?: string;
  enum?: string[];
  oneOf?: string[];
  required?: string[];
  properties?: Record<string, string | ManifestField>;
}
export interface ManifestOperation {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  server?: string;
  description?: string;
  pathParams?: Record<string, string | ManifestField>;
  query?: Record<string, string | ManifestField>;
  body?: string;
  example?: Record<string, unknown>;
  response: { status: number; type?: string; envelope?: string };
  errorBody?: ManifestErrorBody;
}
export interface ManifestFlagChecks {
  operation: string;
  flagKey: string;
  context: string[];
  result: { value: string; flag: string; reason: string; error: string };
  cache: { maxSize: number; maxAgeMs: number };
}
export interface ManifestEvents {
  operation: string;
  batchField: string;
  maxBatchSize: number;
  fields: { apiKey: string; type: string; body: string; idempotencyKey: string; sentAt: string };
  kinds: Record<string, { type: string; body: string; description?: string }>;
}
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

export interface Manifest {
  name: string;
  title: string;
  version: string;
  description?: string;
  package: string;
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
  flagChecks?: ManifestFlagChecks;
  events?: ManifestEvents;
}

export const fieldOf = (field: string | ManifestField): ManifestField =>
  typeof field === "string" ? { type: field } : field;

