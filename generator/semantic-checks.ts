import { UNKNOWN_VARIANT_MEMBER, type IrTypeRef } from "./ir.js";
import type { LoadedManifest, ManifestPath, ManifestProblem } from "./load.js";
import { authScheme, discriminatorTags, fieldOf, propertyOf, type Manifest, type ManifestAuth, type ManifestField, type ManifestOperation, type ManifestTypeDefinition, type WithErrorBody } from "./manifest.js";
import {
  RESOURCE_PRIVATE_MEMBERS,
  camelCase,
  clientClassName,
  clientCommonOptionsTypeName,
  clientOptionsTypeName,
  isInherited,
  nameProblem,
  paramsTypeName,
  resourceClassName,
  syncClientClassName,
  syncClientCommonOptionsTypeName,
  syncClientOptionsTypeName,
  syncResourceClassName,
} from "./naming.js";
import { STANDARD_ERRORS } from "./normalize.js";
import { CAPABILITIES, CAPABILITY_OF_OPTION, CLIENT_MEMBERS, CLIENT_PRIVATE_MEMBERS, builtinOptions } from "./capabilities/index.js";
import type { Capability, CheckContext } from "./capabilities/capability.js";
import { PUBLIC_RUNTIME_NAMES, RUNTIME_OPTIONS } from "./contract.js";
import { closeNames, didYouMean } from "./suggest.js";
import { TypeExprError, formatTypeExpr, parseTypeExpr, referencedNames } from "./type-expr.js";

const isNumber = (type: IrTypeRef) => type.kind === "primitive" && (type.name === "integer" || type.name === "number");

export const display = (path: ManifestPath) => (path.length === 0 ? "manifest" : path.join("."));

/**
 * Problems that get a "did you mean": each compares its name with every known one, so a manifest of thousands of
 * wrong references would cost thousands times thousands comparisons. Only the first 100 problems are listed anyway.
 */
const MAX_SUGGESTING_PROBLEMS = 100;

/**
 * Success statuses whose responses carry no body (RFC 9110): an operation answering with one cannot declare a response
 * type. (304 has none either, but the schema allows only 2xx statuses.)
 */
const BODILESS_STATUSES: ReadonlySet<number> = new Set([204, 205]);

/** Names a message lists at most: an operation may have hundreds of arguments, and as many wrong example keys. */
const MAX_LISTED_NAMES = 12;

const listed = (names: Iterable<string>) => {
  const all = [...names];
  return all.length <= MAX_LISTED_NAMES ? all.join(", ") : `${all.slice(0, MAX_LISTED_NAMES).join(", ")}, … (${all.length} in all)`;
};

/** The fields each auth scheme needs; every scheme also takes the AUTH_COMMON_FIELDS. */
const AUTH_SCHEME_FIELDS = {
  apiKeyHeader: ["header", "option"],
  apiKeyQuery: ["query", "option"],
  bearer: ["option"],
  basic: ["usernameOption", "passwordOption"],
  none: [],
} as const satisfies Record<string, readonly (keyof ManifestAuth)[]>;
const AUTH_COMMON_FIELDS: readonly string[] = ["scheme", "required", "description"];

/** The rules a JSON Schema cannot say: references resolve, names are unique, the runtime gets what it needs. */
export class SemanticChecker implements CheckContext {
  private readonly problems: ManifestProblem[] = [];
  readonly data: Manifest;
  readonly clientMembers = CLIENT_MEMBERS;

  constructor(private readonly manifest: LoadedManifest) {
    this.data = manifest.data as Manifest;
  }

  run(): ManifestProblem[] {
    this.checkAuth();
    this.checkNames();
    this.checkServers();
    this.checkOptions();
    this.checkErrors();
    this.checkTypes();
    this.checkResources();
    for (const capability of CAPABILITIES) {
      const section = this.data[capability.key];
      if (section !== undefined) (capability as Capability<unknown, unknown>).check(section, this);
    }
    this.checkExportedNames();
    return this.problems;
  }

  report(path: ManifestPath, message: string, at: "key" | "value" = "value") {
    this.problems.push({ position: this.manifest.positionOf(path, at), message: `${display(path)}: ${message}` });
  }

  private suggestionsLeft = MAX_SUGGESTING_PROBLEMS;

  /** ` (did you mean "X"?)` with the known names closest to `name`; empty when none is close or the budget is spent. */
  suggest(name: string, known: Iterable<string>): string {
    if (this.suggestionsLeft <= 0) return "";
    this.suggestionsLeft -= 1;
    return didYouMean(closeNames(name, known));
  }

  /** Parses a type expression and checks its references; reports and returns undefined when it is wrong. */
  private typeAt(path: ManifestPath, text: string): IrTypeRef | undefined {
    let ref: IrTypeRef;
    try {
      ref = parseTypeExpr(text);
    } catch (error) {
      if (!(error instanceof TypeExprError)) throw error;
      this.report(path, `invalid type "${text}": ${error.message}`);
      return undefined;
    }
    for (const name of referencedNames(ref)) {
      if (!Object.hasOwn(this.data.types, name)) {
        this.report(path, this.unknownType(name));
        return undefined;
      }
    }
    return ref;
  }

  /** Names that would be reserved words, shadow globals, or clash with what every object or generated class has. */
  private checkNames() {
    const refuse = (path: ManifestPath, what: string, name: string, why: string | undefined, at: "key" | "value" = "key") => {
      if (why !== undefined) this.report(path, `${what} "${name}" ${why}; choose another name`, at);
    };
    const member = (path: ManifestPath, what: string, name: string, privateMembers: readonly string[] = [], owner = "") => {
      const why = nameProblem(name, "member") ?? (privateMembers.includes(name) ? `is a private member of every ${owner}` : undefined);
      refuse(path, what, name, why);
    };
    for (const name of Object.keys(this.data.types)) refuse(["types", name], "type name", name, nameProblem(name, "type"));
    for (const name of Object.keys(this.data.errors ?? {})) refuse(["errors", name], "error class name", name, nameProblem(name, "type"));
    for (const name of Object.keys(this.data.options ?? {})) member(["options", name], "option name", name);
    for (const [name, server] of Object.entries(this.data.servers)) {
      refuse(["servers", name, "option"], "option name", server.option, nameProblem(server.option, "member"), "value");
    }
    for (const [field, option] of this.authOptions()) refuse(["auth", field], "option name", option, nameProblem(option, "member"), "value");
    for (const [resourceName, resource] of Object.entries(this.data.resources)) {
      member(["resources", resourceName], "resource name", resourceName, CLIENT_PRIVATE_MEMBERS, "client");
      for (const [name, op] of Object.entries(resource.operations)) {
        const path = ["resources", resourceName, "operations", name];
        member(path, "operation name", name, RESOURCE_PRIVATE_MEMBERS, "resource class");
        for (const section of ["pathParams", "query"] as const) {
          for (const [wireName, raw] of Object.entries(op[section] ?? {})) {
            const tsName = fieldOf(raw).name ?? camelCase(wireName);
            // The runtime reads parameters by name: an inherited name would read Object.prototype's member.
            if (isInherited(tsName)) refuse([...path, section, wireName], "parameter name", tsName, nameProblem(tsName, "member"));
          }
        }
      }
    }
    for (const kind of Object.keys(this.data.events?.kinds ?? {})) {
      member(["events", "kinds", kind], "event kind", kind, CLIENT_PRIVATE_MEMBERS, "client");
    }
  }

  private get auth(): ManifestAuth | undefined {
    return this.data.auth;
  }

  /** The client options the auth section declares, with the field that names each. */
  private authOptions(): [field: string, option: string][] {
    const auth = this.auth ?? {};
    return (["option", "usernameOption", "passwordOption"] as const).flatMap((field) => (auth[field] === undefined ? [] : [[field, auth[field]!]]));
  }

  /** Each auth scheme takes its own fields, all of them, and no other's: a header on a bearer scheme would go unused. */
  private checkAuth() {
    const auth = this.auth;
    if (auth === undefined) return;
    const scheme = authScheme(auth);
    if (scheme === undefined) {
      this.report(["auth"], `no scheme: give "scheme" (${Object.keys(AUTH_SCHEME_FIELDS).join(", ")}), or "header" for an API key in a header`, "key");
      return;
    }
    const fields = AUTH_SCHEME_FIELDS[scheme];
    for (const field of fields) {
      if (auth[field] === undefined) this.report(["auth"], `scheme ${scheme} needs the field "${field}"`, "key");
    }
    for (const field of Object.keys(auth)) {
      if (!(fields as readonly string[]).includes(field) && !AUTH_COMMON_FIELDS.includes(field)) {
        this.report(["auth", field], `scheme ${scheme} takes no "${field}" (its fields: ${[...fields, ...AUTH_COMMON_FIELDS].join(", ")})`, "key");
      }
    }
    if (scheme === "basic" && auth.usernameOption !== undefined && auth.usernameOption === auth.passwordOption) {
      this.report(["auth", "passwordOption"], `"${auth.passwordOption}" is already the usernameOption: the two options need different names`);
    }
  }

  private checkServers() {
    if (!Object.hasOwn(this.data.servers, this.data.defaultServer)) this.report(["defaultServer"], this.unknownServer(this.data.defaultServer));
  }

  /** What to say of a server name that is not declared: the close names, or else all of them. */
  /** The message for a type name the manifest does not declare, with close names. */
  private unknownType(name: string): string {
    return `unknown type "${name}"${this.suggest(name, Object.keys(this.data.types))}`;
  }

  private unknownServer(name: string): string {
    const servers = Object.keys(this.data.servers);
    return `unknown server "${name}"${this.suggest(name, servers) || ` (servers: ${servers.join(", ")})`}`;
  }

  private checkOptions() {
    const builtins = builtinOptions(this.data);
    // Every client option is one member of the generated options type: auth and server options may take no name the
    // runtime or a capability uses, even a capability this manifest lacks (declaring it later would break the client).
    const taken = new Map<string, ManifestPath>();
    for (const name of RUNTIME_OPTIONS) taken.set(name, ["(runtime)"]);
    for (const name of Object.keys(builtins)) taken.set(name, ["(built-in)"]);
    for (const [name, capability] of Object.entries(CAPABILITY_OF_OPTION)) if (!taken.has(name)) taken.set(name, ["(capability)", capability]);
    for (const [field, option] of this.authOptions()) {
      // basic's two options of one name are reported by checkAuth.
      if (field === "passwordOption" && option === this.auth?.usernameOption) continue;
      this.claim(taken, option, ["auth", field], "client option");
    }
    for (const [name, server] of Object.entries(this.data.servers)) {
      this.claim(taken, server.option, ["servers", name, "option"], "client option");
    }
    for (const [name, option] of Object.entries(this.data.options ?? {})) {
      if (nameProblem(name, "member") !== undefined) continue; // reported by checkNames
      // An entry for a built-in or capability option overrides it (or is refused below), it declares no new member.
      if (!Object.hasOwn(builtins, name) && !Object.hasOwn(CAPABILITY_OF_OPTION, name)) this.claim(taken, name, ["options", name], "client option");
      // Own properties only: "constructor" or "toString" are not options of the runtime.
      const builtin = Object.hasOwn(builtins, name) ? builtins[name] : undefined;
      const capability = Object.hasOwn(CAPABILITY_OF_OPTION, name) ? CAPABILITY_OF_OPTION[name] : undefined;
      if (builtin === undefined && capability !== undefined && option.status !== "planned") {
        this.report(["options", name], `"${name}" is an option of the ${capability} capability, which this manifest does not declare; remove it or declare ${capability}`, "key");
        continue;
      }
      if (builtin === undefined) {
        const missing = (["type", "default", "description"] as const).filter((field) => !Object.hasOwn(option, field));
        if (missing.length > 0) {
          this.report(["options", name], `option "${name}" is not built in, so it needs ${missing.map((f) => `"${f}"`).join(" and ")}`, "key");
        }
      }
      const typeText = option.type ?? builtin?.type;
      const type = option.type !== undefined ? this.typeAt(["options", name, "type"], option.type) : builtin && parseTypeExpr(builtin.type);
      if (type && Object.hasOwn(option, "default") && !this.matches(option.default, type)) {
        this.report(["options", name, "default"], `default ${JSON.stringify(option.default)} does not match the option's type "${typeText}"`);
      }
      if (builtin !== undefined && option.status === "planned") {
        this.report(["options", name, "status"], `the runtime already uses "${name}"; it cannot be planned`);
      } else if (builtin !== undefined && option.type !== undefined && type && formatTypeExpr(type) !== builtin.type) {
        this.report(["options", name, "type"], `the built-in option "${name}" has type "${builtin.type}"; omit "type" or give that one`);
      } else if (builtin === undefined && option.status !== "planned") {
        this.report(["options", name], `the runtime has no option "${name}"; mark it "status: planned" until it has`, "key");
      }
    }
  }

  private claim(taken: Map<string, ManifestPath>, name: string, path: ManifestPath, what: string) {
    const earlier = taken.get(name);
    if (earlier?.[0] === "(runtime)") {
      this.report(path, `${what} "${name}" is defined by the runtime for every client`, "key");
    } else if (earlier?.[0] === "(built-in)") {
      this.report(path, `${what} "${name}" is a built-in option of this client; choose another name`, "key");
    } else if (earlier?.[0] === "(capability)") {
      this.report(path, `${what} "${name}" is an option of the ${earlier[1]} capability; choose another name`, "key");
    } else if (earlier) {
      // In another file of a manifest in parts, the place names the file too.
      const first = this.manifest.positionOf(earlier, "key");
      const here = this.manifest.positionOf(path, "key");
      const where = first.file === here.file ? `line ${first.line}, column ${first.column}` : `${first.file}:${first.line}:${first.column}`;
      this.report(path, `${what} "${name}" is already declared at ${where}`, "key");
    } else {
      taken.set(name, path);
    }
  }

  /** Whether a value fits a type: used for option defaults. */
  private matches(value: unknown, type: IrTypeRef): boolean {
    if (value === null) return type.nullable;
    switch (type.kind) {
      case "primitive":
        if (type.name === "any") return true;
        if (type.name === "integer") return Number.isInteger(value);
        if (type.name === "number") return typeof value === "number" && Number.isFinite(value);
        return typeof value === type.name;
      case "dateTime":
        return typeof value === "string" && !Number.isNaN(Date.parse(value));
      case "date":
        return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
      case "list":
        return Array.isArray(value) && value.every((item) => this.matches(item, type.item));
      case "map":
        return (
          typeof value === "object" && !Array.isArray(value) && Object.values(value as object).every((v) => this.matches(v, type.value))
        );
      case "ref": {
        const definition = this.data.types[type.name]!;
        if (definition.enum) return definition.enum.includes(value as string);
        return typeof value === "object" && !Array.isArray(value);
      }
    }
  }

  private checkErrors() {
    const statuses = new Map<string, ManifestPath>();
    for (const [name, error] of Object.entries(this.data.errors ?? {})) {
      this.claim(statuses, String(error.status), ["errors", name, "status"], "error status");
      const standard = STANDARD_ERRORS.find((entry) => entry.className === name);
      if (standard && standard.status !== error.status) {
        this.report(["errors", name, "status"], `"${name}" is the standard class for status ${standard.status}; give it status ${standard.status} or choose another name`);
      }
      this.checkErrorBody(["errors", name], error);
    }
    this.checkErrorBody([], this.data);
  }

  /** An errorBody names an object type with a string field for the server's message. */
  private checkErrorBody(owner: ManifestPath, holder: object) {
    const body = (holder as WithErrorBody).errorBody;
    if (!body) return;
    const path = [...owner, "errorBody"];
    const type = Object.hasOwn(this.data.types, body.type) ? this.data.types[body.type]! : undefined;
    if (!type) return this.report([...path, "type"], this.unknownType(body.type));
    if (!type.properties) return this.report([...path, "type"], `the error body type "${body.type}" must be an object type (with properties)`);
    const field = Object.hasOwn(type.properties, body.messageField) ? fieldOf(type.properties[body.messageField]!).type : undefined;
    if (field?.replace(/\?$/, "") !== "string") {
      const hint = field === undefined ? this.suggest(body.messageField, Object.keys(type.properties)) : "";
      this.report([...path, "messageField"], `"${body.messageField}" must be a string field of ${body.type}${hint}`);
    }
  }

  private checkTypes() {
    for (const [name, definition] of Object.entries(this.data.types)) {
      const path = ["types", name];
      const kinds = (["enum", "oneOf", "properties"] as const).filter((kind) => definition[kind] !== undefined);
      if (kinds.length !== 1) {
        this.report(path, kinds.length === 0 ? "a type needs one of enum, oneOf or properties" : `a type has one of enum, oneOf or properties, not ${kinds.join(" and ")}`);
        continue;
      }
      if (definition.required && !definition.properties) this.report([...path, "required"], "required is only allowed beside properties");
      for (const [index, variant] of (definition.oneOf ?? []).entries()) {
        const target = this.data.types[variant];
        if (!target) this.report([...path, "oneOf", index], this.unknownType(variant));
        else if (!target.properties) this.report([...path, "oneOf", index], `variant "${variant}" must be an object type (with properties)`);
      }
      if (definition.properties) this.checkObject(path, definition);
      if (definition.discriminator) this.checkDiscriminator(path, definition);
    }
  }

  /**
   * A discriminated union: the tag is a string field of every variant under one TypeScript name, and every tag value
   * (the mapping's, or a variant's const) means one variant of this union, each variant having at least one.
   */
  private checkDiscriminator(path: string[], definition: ManifestTypeDefinition) {
    const here = [...path, "discriminator"];
    if (!definition.oneOf) return this.report(here, "discriminator is only allowed beside oneOf", "key");
    const { field, mapping = {} } = definition.discriminator!;
    const variants = definition.oneOf.filter((variant) => this.data.types[variant]?.properties);
    const tsNames = new Map<string, string>();
    for (const variant of variants) {
      const tag = propertyOf(this.data.types[variant], field);
      if (tag === undefined) {
        this.report([...here, "field"], `"${field}" is not a field of the variant "${variant}"${this.suggest(field, Object.keys(this.data.types[variant]!.properties!))}`);
        continue;
      }
      if (tag.type !== "string") this.report([...here, "field"], `"${field}" of the variant "${variant}" must be a string field (it is "${tag.type}")`);
      tsNames.set(variant, tag.name ?? camelCase(field));
    }
    const names = new Set(tsNames.values());
    if (names.size > 1) this.report([...here, "field"], `"${field}" needs one TypeScript name in every variant (${[...tsNames].map(([v, n]) => `${v}: ${n}`).join(", ")})`);
    if (names.has(UNKNOWN_VARIANT_MEMBER)) this.report([...here, "field"], `the tag's TypeScript name cannot be "${UNKNOWN_VARIANT_MEMBER}" (a variant this SDK does not know is kept there); rename it with "name:"`);
    for (const [tag, variant] of Object.entries(mapping)) {
      const at = [...here, "mapping", tag];
      if (!definition.oneOf.includes(variant)) {
        this.report(at, `"${variant}" is not a variant of ${path[1]}${this.suggest(variant, definition.oneOf) || ` (its variants: ${definition.oneOf.join(", ")})`}`);
        continue;
      }
      const value = propertyOf(this.data.types[variant], field)?.const;
      if (value !== undefined && value !== tag) this.report(at, `"${variant}" has the const "${value}" in "${field}", so its tag cannot be "${tag}"`);
    }
    const meaning = new Map<string, string>();
    const tagged = new Set<string>();
    for (const [tag, variant] of discriminatorTags(definition, this.data.types)) {
      const earlier = meaning.get(tag);
      const index = definition.oneOf.indexOf(variant);
      if (earlier !== undefined && earlier !== variant && index >= 0) {
        this.report([...path, "oneOf", index], `the tag value "${tag}" of "${variant}" already means "${earlier}"; each tag value means one variant`);
      }
      meaning.set(tag, earlier ?? variant);
      tagged.add(variant);
    }
    for (const variant of variants) {
      if (tagged.has(variant) || !tsNames.has(variant)) continue;
      this.report([...path, "oneOf", definition.oneOf.indexOf(variant)], `the variant "${variant}" has no tag value: give its field "${field}" a const, or map a value to it in the discriminator's mapping`);
    }
  }

  private checkObject(path: string[], definition: ManifestTypeDefinition) {
    const properties = definition.properties!;
    const tsNames = new Map<string, ManifestPath>();
    for (const [wireName, raw] of Object.entries(properties)) {
      const field = fieldOf(raw);
      const fieldPath = [...path, "properties", wireName];
      if (field.required === false && definition.required?.includes(wireName)) {
        this.report([...fieldPath, "required"], `"${wireName}" is marked optional here but listed in the type's "required"; say it once`);
      }
      const type = this.typeAt(typeof raw === "string" ? fieldPath : [...fieldPath, "type"], field.type);
      if (field.const !== undefined && type && !(type.kind === "primitive" && type.name === "string" && !type.nullable)) {
        this.report([...fieldPath, "const"], `const is only allowed on string fields (this one is "${field.type}")`);
      }
      if (field.minimum !== undefined && type && !(type.kind === "primitive" && (type.name === "integer" || type.name === "number"))) {
        this.report([...fieldPath, "minimum"], "minimum is only allowed on integer and number fields");
      }
      if (type) this.checkFieldNotes(fieldPath, field, type, "property");
      this.claim(tsNames, field.name ?? camelCase(wireName), fieldPath, "TypeScript field name");
    }
    for (const [index, name] of (definition.required ?? []).entries()) {
      if (!Object.hasOwn(properties, name)) {
        this.report([...path, "required", index], `"${name}" is not one of the type's properties${this.suggest(name, Object.keys(properties))}`);
      }
    }
  }

  private checkResources() {
    for (const [resourceName, resource] of Object.entries(this.data.resources)) {
      if (CLIENT_MEMBERS.has(resourceName)) {
        this.report(["resources", resourceName], `resource name "${resourceName}" is a method of every client`, "key");
      }
      for (const [name, op] of Object.entries(resource.operations)) {
        this.checkOperation(["resources", resourceName, "operations", name], op);
      }
    }
  }

  private checkOperation(path: string[], op: ManifestOperation) {
    if (op.server !== undefined && !Object.hasOwn(this.data.servers, op.server)) {
      this.report([...path, "server"], this.unknownServer(op.server));
    }
    const placeholders = [...op.path.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]!);
    const declared = Object.keys(op.pathParams ?? {});
    for (const name of placeholders) {
      if (!declared.includes(name)) this.report([...path, "path"], `path parameter "{${name}}" is not declared in pathParams`);
    }
    for (const name of declared) {
      if (!placeholders.includes(name)) this.report([...path, "pathParams", name], `path parameter "${name}" does not appear in the path "${op.path}"`, "key");
    }
    const tsNames = new Map<string, ManifestPath>();
    const argumentNames = new Set<string>();
    for (const section of ["pathParams", "query"] as const) {
      for (const [wireName, raw] of Object.entries(op[section] ?? {})) {
        const field = fieldOf(raw);
        const paramPath = [...path, section, wireName];
        const type = this.typeAt(typeof raw === "string" ? paramPath : [...paramPath, "type"], field.type);
        if (type && !this.isScalarParam(section === "query" && type.kind === "list" ? type.item : type) && !(section === "query" && this.isEntriesParam(type))) {
          const more = section === "query" ? ", a list of those, a map of those, or an object type whose fields are those" : "";
          this.report(paramPath, `a ${section === "query" ? "query" : "path"} parameter must be a string, number, boolean, date-time, date or enum${more}`);
        }
        if (type && field.minimum !== undefined && !isNumber(type)) {
          this.report([...paramPath, "minimum"], "minimum is only allowed on integer and number parameters");
        }
        if (type) this.checkFieldNotes(paramPath, field, type, section === "query" ? "query" : "path");
        if (section === "pathParams" && field.required === false) this.report(paramPath, "path parameters are always required");
        this.claim(tsNames, field.name ?? camelCase(wireName), paramPath, "parameter name");
        argumentNames.add(field.name ?? camelCase(wireName));
      }
    }
    this.checkQueryWireNames(path, op);
    if (op.body !== undefined) {
      const body = this.data.types[op.body];
      if (!body) this.report([...path, "body"], this.unknownType(op.body));
      else if (!body.properties) this.report([...path, "body"], `the body type "${op.body}" must be an object type (with properties)`);
      else {
        for (const [wireName, raw] of Object.entries(body.properties)) {
          const tsName = fieldOf(raw).name ?? camelCase(wireName);
          argumentNames.add(tsName);
          const earlier = tsNames.get(tsName);
          if (earlier) this.report(earlier, `parameter name "${tsName}" collides with the field "${wireName}" of the body type "${op.body}"; rename one with "name:"`, "key");
        }
      }
    }
    this.checkExample(path, op, argumentNames);
    this.checkErrorBody(path, op);
    const content = op.response.content ?? "json";
    if (content !== "json" && op.response.type !== undefined) {
      this.report([...path, "response", "type"], `a ${content} response is read as ${content === "binary" ? "bytes (a Download)" : "a string"}, so it takes no type; remove "type" or use content: json`, "key");
    } else if (content !== "json" && BODILESS_STATUSES.has(op.response.status)) {
      this.report([...path, "response", "content"], `a ${op.response.status} response has no body, so it cannot be ${content}; use status 200`);
    } else if (op.response.type !== undefined && BODILESS_STATUSES.has(op.response.status)) {
      this.report([...path, "response", "type"], `a ${op.response.status} response has no body, so it cannot have a type; remove "type" or use status 200`);
    } else if (op.response.type !== undefined) {
      this.typeAt([...path, "response", "type"], op.response.type);
    }
    if (op.response.envelope !== undefined && op.response.type === undefined && content === "json") {
      this.report([...path, "response", "envelope"], "an envelope needs a response type");
    }
  }

  /**
   * The example's keys are the TypeScript names of the operation's arguments (path and query parameters, body fields,
   * after any "name:" rename): the docs print it as the argument of a call, which must compile.
   */
  private checkExample(path: ManifestPath, op: ManifestOperation, argumentNames: ReadonlySet<string>) {
    for (const key of Object.keys(op.example ?? {})) {
      if (argumentNames.has(key)) continue;
      const hint = argumentNames.size === 0 ? " (the operation takes no arguments)" : this.suggest(key, argumentNames) || ` (expected one of: ${listed(argumentNames)})`;
      this.report([...path, "example", key], `"${key}" is not an argument of the operation${hint}`, "key");
    }
  }

  /** The operation a "resource.operation" reference names; reported when there is none. */
  operationAt(path: ManifestPath, reference: string): ManifestOperation | undefined {
    const [resourceName = "", opName] = reference.split(".");
    const operations = Object.hasOwn(this.data.resources, resourceName) ? this.data.resources[resourceName]!.operations : {};
    const op = opName !== undefined && Object.hasOwn(operations, opName) ? operations[opName] : undefined;
    if (!op) this.report(path, `unknown operation "${reference}"${this.suggest(reference, this.operationReferences()) || " (expected resource.operation)"}`);
    return op;
  }

  /** Every "resource.operation" the manifest declares. */
  private *operationReferences(): Iterable<string> {
    for (const [resourceName, resource] of Object.entries(this.data.resources)) {
      for (const opName of Object.keys(resource.operations)) yield `${resourceName}.${opName}`;
    }
  }

  /**
   * The limits and notes beside a field or parameter fit its type (minLength on a string, minItems on a list...);
   * `style` is for query parameters whose entries are sent as several parameters.
   */
  private checkFieldNotes(path: ManifestPath, field: ManifestField, type: IrTypeRef, where: "property" | "path" | "query") {
    const fits: [keys: readonly (keyof ManifestField)[], fit: (type: IrTypeRef) => boolean, what: string][] = [
      [["minLength", "maxLength", "pattern"], (t) => t.kind === "primitive" && t.name === "string", "string"],
      [["maximum", "exclusiveMinimum", "exclusiveMaximum"], isNumber, "integer and number"],
      [["minItems", "maxItems"], (t) => t.kind === "list", "list"],
      [["format"], (t) => t.kind === "primitive" && t.name === "integer", "integer"],
    ];
    for (const [keys, fit, what] of fits) {
      for (const key of keys) {
        if (field[key] !== undefined && !fit(type)) this.report([...path, key], `${key} is only allowed on ${what} ${where === "property" ? "fields" : "parameters"}`);
      }
    }
    for (const [low, high] of [["minimum", "maximum"], ["minLength", "maxLength"], ["minItems", "maxItems"]] as const) {
      const [min, max] = [field[low], field[high]];
      if (min !== undefined && max !== undefined && min > max) this.report([...path, high], `${high} ${max} is below ${low} ${min}: no value could be valid`);
    }
    if (field.pattern !== undefined) {
      try {
        new RegExp(field.pattern, "u");
      } catch (error) {
        this.report([...path, "pattern"], `pattern is not a valid regular expression: ${(error as Error).message}`);
      }
    }
    const entries = type.kind === "map" || (type.kind === "ref" && this.data.types[type.name]?.properties !== undefined);
    if (field.style !== undefined && !(where === "query" && entries)) {
      this.report([...path, "style"], "style is only allowed on query parameters of a map or object type (their entries go as several parameters)");
    }
  }

  /** A map of scalars, or an object type whose fields are scalars: sent as one query parameter per entry. */
  /**
   * Every name the query can carry is said once: plain parameters, the fields of a form-style object parameter (each
   * sent as its own parameter), and the credentials' parameter (apiKeyQuery). A repeated name would reach the server
   * twice, and the first one often wins.
   */
  private checkQueryWireNames(path: ManifestPath, op: ManifestOperation) {
    const auth = this.data.auth;
    const sent = new Map<string, string>();
    if (authScheme(auth) === "apiKeyQuery" && auth?.query !== undefined) sent.set(auth.query, "the credentials' query parameter (auth.query)");
    for (const [wireName, raw] of Object.entries(op.query ?? {})) {
      const field = fieldOf(raw);
      const type = field.type.replace(/\?$/, "");
      const fields = field.style !== "deepObject" && Object.hasOwn(this.data.types, type) ? this.data.types[type]!.properties : undefined;
      const names: [string, string][] = fields ? Object.keys(fields).map((name) => [name, `field "${name}" of ${type}, sent as its own parameter`]) : [[wireName, `parameter "${wireName}"`]];
      for (const [name, what] of names) {
        const earlier = sent.get(name);
        if (earlier !== undefined) this.report([...path, "query", wireName], `${what} has the query name "${name}" of ${earlier}; the server would get it twice`, "key");
        else sent.set(name, what);
      }
    }
  }

  private isEntriesParam(type: IrTypeRef): boolean {
    if (type.kind === "map") return this.isScalarParam(type.value);
    if (type.kind !== "ref") return false;
    const properties = this.data.types[type.name]?.properties;
    if (properties === undefined) return false;
    return Object.values(properties).every((raw) => {
      const fieldType = this.parsedOrUndefined(fieldOf(raw).type);
      return fieldType !== undefined && this.isScalarParam(fieldType);
    });
  }

  private parsedOrUndefined(text: string): IrTypeRef | undefined {
    try {
      const ref = parseTypeExpr(text);
      return referencedNames(ref).every((name) => Object.hasOwn(this.data.types, name)) ? ref : undefined;
    } catch {
      return undefined;
    }
  }

  private isScalarParam(type: IrTypeRef): boolean {
    if (type.kind === "primitive") return type.name !== "any";
    if (type.kind === "dateTime" || type.kind === "date") return true;
    return type.kind === "ref" && this.data.types[type.name]?.enum !== undefined;
  }

  /** Every exported name of the generated package is unique. */
  private checkExportedNames() {
    const taken = new Map<string, ManifestPath>();
    for (const name of PUBLIC_RUNTIME_NAMES) taken.set(name, ["(runtime)"]);
    const redeclared = new Set(Object.values(this.data.errors ?? {}).map((error) => error.status));
    for (const error of STANDARD_ERRORS) {
      // A manifest class of that name with another status is reported by checkErrors.
      if (!redeclared.has(error.status) && !Object.hasOwn(this.data.errors ?? {}, error.className)) taken.set(error.className, ["(standard error)"]);
    }
    const claim = (name: string, path: ManifestPath) => {
      const earlier = taken.get(name);
      if (!earlier) return void taken.set(name, path);
      const where =
        earlier[0] === "(runtime)" ? "a runtime export" : earlier[0] === "(standard error)" ? "a standard error class" : `declared by ${display(earlier)}`;
      this.report(path, `generated name "${name}" is already ${where}`, "key");
    };
    claim(clientClassName(this.data.name), ["name"]);
    claim(clientOptionsTypeName(this.data.name), ["name"]);
    claim(clientCommonOptionsTypeName(this.data.name), ["name"]);
    claim(syncClientClassName(this.data.name), ["name"]);
    claim(syncClientOptionsTypeName(this.data.name), ["name"]);
    claim(syncClientCommonOptionsTypeName(this.data.name), ["name"]);
    for (const capability of CAPABILITIES) {
      const section = this.data[capability.key];
      if (section !== undefined) for (const name of capability.exportedNames) claim(name, [capability.key]);
    }
    for (const name of Object.keys(this.data.types)) claim(name, ["types", name]);
    for (const name of Object.keys(this.data.errors ?? {})) claim(name, ["errors", name]);
    for (const [resourceName, resource] of Object.entries(this.data.resources)) {
      claim(resourceClassName(resourceName), ["resources", resourceName]);
      claim(syncResourceClassName(resourceName), ["resources", resourceName]);
      for (const [name, op] of Object.entries(resource.operations)) {
        if (op.pathParams || op.query) claim(paramsTypeName(name), ["resources", resourceName, "operations", name]);
      }
    }
  }
}
