import type { ManifestField, ManifestTypeDefinition } from "../manifest.js";
import { type Json, type JsonObject, type OpenApiDocument, isObject, pointerOf, put } from "./document.js";
import { type Names, memberNameOf, typeNameOf } from "./names.js";
import type { ImportReport } from "./report.js";

/** The wire names a manifest accepts for fields and parameters. */
export const WIRE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const COMPONENT_PREFIX = "#/components/schemas/";
const MAX_DEPTH = 64;

/** What a component schema became: a named type, or an expression used in place (a list, map, scalar or union alias). */
type Component = { kind: "type"; name: string } | { kind: "alias"; expr: string | undefined };

/**
 * Turns JSON Schemas of a document into manifest types and type expressions. Component schemas are named first
 * (`declareComponents`), so the names of inline schemas never take theirs; inline objects and enums become types
 * named by their title, else by where they sit.
 */
export class SchemaImporter {
  /** The manifest's types, by name. */
  readonly types = new Map<string, ManifestTypeDefinition>();
  private readonly components = new Map<string, Component>();
  /** Aliases being resolved, to cut a cycle of aliases (a list of itself). */
  private readonly resolving = new Set<string>();
  /** The type each inline schema became, by its place: one schema is one type, however often it is reached. */
  private readonly inlineTypes = new Map<string, string>();
  private readonly emptyTypes = new Map<string, string>();
  /** The merged object of each `$ref` an allOf names (see mergedObject). */
  private readonly mergedRefs = new Map<string, ReturnType<SchemaImporter["mergedObject"]>>();
  /** Unions whose discriminator is settled once every variant exists. */
  private readonly discriminated: { definition: ManifestTypeDefinition; discriminator: JsonObject; refs: (string | undefined)[]; pointer: string }[] = [];
  /** How deep the schema being converted is nested; a document may nest without end. */
  private depth = 0;

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly report: ImportReport,
    private readonly names: Names,
  ) {}

  /** Names every component schema, then converts each (in the document's order). */
  importComponents(): void {
    const schemas = isObject(this.doc.root.components) && isObject(this.doc.root.components.schemas) ? this.doc.root.components.schemas : {};
    const keys = Object.keys(schemas);
    this.report.schemas.total = keys.length;
    for (const key of keys) {
      const schema = schemas[key];
      if (this.isNamedKind(schema)) this.components.set(key, { kind: "type", name: this.names.claim(typeNameOf(key)) });
    }
    for (const key of keys) {
      const component = this.components.get(key);
      const pointer = pointerOf(["components", "schemas", key]);
      if (component?.kind === "type") {
        const definition = this.definition(schemas[key]!, pointer, component.name);
        if (definition) {
          this.types.set(component.name, definition);
          this.report.schemas.imported += 1;
        } else {
          // Not an object, enum or union after all (an allOf of scalars...): used in place where it is referenced.
          this.components.set(key, { kind: "alias", expr: this.typeExpr(schemas[key]!, pointer, component.name) });
          this.report.schemas.inlined += 1;
        }
      } else {
        this.componentExpr(key);
        this.report.schemas.inlined += 1;
      }
    }
  }

  /** The manifest type expression of a schema; inline objects, enums and unions become named types (`nameHint`). */
  typeExpr(schema: Json, pointer: string, nameHint: string): string {
    if (this.depth >= MAX_DEPTH) {
      this.report.note(this.doc.place(pointer), `schema nested more than ${MAX_DEPTH} levels deep`, "typed as any");
      return "any";
    }
    this.depth += 1;
    try {
      const { core, nullable } = this.withoutNull(schema);
      const expr = this.nonNullExpr(core, pointer, nameHint);
      return nullable && !expr.endsWith("?") ? `${expr}?` : expr;
    } finally {
      this.depth -= 1;
    }
  }

  /** The expression of a reference to a component, or undefined when the reference names no schema. */
  private refExpr(ref: string, pointer: string, nameHint: string): string {
    if (ref.startsWith(COMPONENT_PREFIX)) {
      const key = decodeURIComponent(ref.slice(COMPONENT_PREFIX.length)).replaceAll("~1", "/").replaceAll("~0", "~");
      const expr = this.componentExpr(key);
      if (expr !== undefined) return expr;
    } else {
      const target = this.doc.resolve(ref);
      if (target !== undefined && !this.resolving.has(ref)) {
        this.resolving.add(ref);
        try {
          return this.typeExpr(target, ref.slice(1), nameHint);
        } finally {
          this.resolving.delete(ref);
        }
      }
    }
    this.report.note(this.doc.place(pointer), "unresolvable or circular $ref", "typed as any");
    return "any";
  }

  private componentExpr(key: string): string | undefined {
    const component = this.components.get(key);
    if (component?.kind === "type") return component.name;
    if (component?.kind === "alias") return component.expr;
    const schemas = (this.doc.root.components as JsonObject | undefined)?.schemas;
    const schema = isObject(schemas) && Object.hasOwn(schemas, key) ? schemas[key] : undefined;
    if (schema === undefined || this.resolving.has(key)) return undefined;
    this.resolving.add(key);
    try {
      const expr = this.typeExpr(schema, pointerOf(["components", "schemas", key]), typeNameOf(key));
      this.components.set(key, { kind: "alias", expr });
      return expr;
    } finally {
      this.resolving.delete(key);
    }
  }

  private nonNullExpr(schema: Json, pointer: string, nameHint: string): string {
    if (!isObject(schema)) return "any";
    if (typeof schema.$ref === "string") return this.refExpr(schema.$ref, pointer, nameHint);
    const members = Array.isArray(schema.allOf) ? schema.allOf : undefined;
    if (members && members.length === 1 && !isObject(schema.properties)) return this.typeExpr(members[0]!, `${pointer}/allOf/0`, nameHint);
    if (this.isNamedKind(schema)) {
      const known = this.inlineTypes.get(pointer);
      if (known !== undefined) return known;
      const name = this.names.claim(typeNameOf(typeof schema.title === "string" ? schema.title : nameHint));
      this.inlineTypes.set(pointer, name);
      const definition = this.definition(schema, pointer, name);
      if (definition) {
        this.types.set(name, definition);
        this.report.inlineTypes += 1;
        return name;
      }
      this.inlineTypes.delete(pointer);
      this.names.release(name);
      // A union that is not one of objects was reported where its variants were checked.
      if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) return "any";
    }
    if (Array.isArray(schema.enum)) {
      this.report.note(this.doc.place(pointer), "enum of non-string values", "typed as its base type");
    }
    const keyword = Array.isArray(schema.oneOf) ? "oneOf" : Array.isArray(schema.anyOf) ? "anyOf" : undefined;
    if (keyword !== undefined) {
      const variants = schema[keyword] as Json[];
      const distinct = [...new Set(variants.map((v) => JSON.stringify(v)))];
      if (distinct.length === 1) return this.typeExpr(variants[0]!, `${pointer}/${keyword}/0`, nameHint);
      const index = variants.findIndex((variant) => !this.isObjectSchema(variant));
      this.report.note(this.doc.place(index >= 0 ? `${pointer}/${keyword}/${index}` : pointer), "union variant that is not an object", "the union is typed as any");
      return "any";
    }
    const type = this.typeOf(schema);
    switch (type) {
      case "array":
        return `list<${this.typeExpr(schema.items ?? {}, `${pointer}/items`, `${nameHint}Item`)}>`;
      case "object": {
        const extra = schema.additionalProperties;
        if (isObject(extra)) return `map<${this.typeExpr(extra, `${pointer}/additionalProperties`, `${nameHint}Value`)}>`;
        return "map<any>";
      }
      case "string":
        if (schema.format === "date-time") return "date-time";
        if (schema.format === "date") return "date";
        if (schema.format === "binary") this.report.note(this.doc.place(pointer), "binary string", "typed as string");
        return "string";
      case "integer":
      case "number":
      case "boolean":
        return type;
      default:
        return "any";
    }
  }

  /** A schema's single JSON type, from `type` (a string, or 3.1's list without "null") or its keywords. */
  private typeOf(schema: JsonObject): string | undefined {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t): t is string => typeof t === "string" && t !== "null");
    if (types.length === 1) return types[0];
    if (types.length > 1) return undefined;
    if (isObject(schema.properties) || schema.additionalProperties !== undefined) return "object";
    if (schema.items !== undefined) return "array";
    if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) return "string";
    return undefined;
  }

  /** The schema without its null alternative (3.0 `nullable`, 3.1 `type: [x, "null"]`, or `oneOf: [x, {type: null}]`). */
  private withoutNull(schema: Json): { core: Json; nullable: boolean } {
    if (!isObject(schema)) return { core: schema, nullable: false };
    if (schema.nullable === true) return { core: { ...schema, nullable: false }, nullable: true };
    if (Array.isArray(schema.type) && schema.type.includes("null")) {
      const rest = schema.type.filter((t) => t !== "null");
      return { core: { ...schema, type: rest.length === 1 ? rest[0]! : rest }, nullable: true };
    }
    for (const keyword of ["oneOf", "anyOf"] as const) {
      const variants = schema[keyword];
      if (!Array.isArray(variants)) continue;
      const isNull = (v: Json) => isObject(v) && (v.type === "null" || (Array.isArray(v.enum) && v.enum.length === 1 && v.enum[0] === null));
      if (!variants.some(isNull)) continue;
      const rest = variants.filter((v) => !isNull(v));
      const { [keyword]: _dropped, ...others } = schema;
      return { core: rest.length === 1 ? { ...others, ...(isObject(rest[0]) ? rest[0] : {}) } : { ...others, [keyword]: rest }, nullable: true };
    }
    return { core: schema, nullable: false };
  }

  /**
   * Whether a schema becomes a named type — an object (properties, or an allOf of objects), a string enum, or a union
   * of objects — decided before it is named, so a name is only given to what will be defined.
   */
  private isNamedKind(schema: Json | undefined): boolean {
    if (!isObject(schema)) return false;
    const { core } = this.withoutNull(schema);
    if (!isObject(core) || typeof core.$ref === "string") return false;
    if (Array.isArray(core.enum)) return core.enum.length > 0 && core.enum.every((v) => typeof v === "string");
    const variants = core.oneOf ?? core.anyOf;
    if (Array.isArray(variants) && !isObject(core.properties)) {
      return new Set(variants.map((v) => JSON.stringify(v))).size > 1 && variants.every((variant) => this.isObjectSchema(variant));
    }
    if (isObject(core.properties)) return true;
    return Array.isArray(core.allOf) && core.allOf.length > 1 && this.mergedObject(core, "", 0, false) !== undefined;
  }

  /** The manifest definition of a named schema; undefined when it is not an object, enum or union of objects. */
  private definition(schema: Json, pointer: string, name: string): ManifestTypeDefinition | undefined {
    const { core } = this.withoutNull(schema);
    if (!isObject(core)) return undefined;
    const description = typeof core.description === "string" ? core.description : undefined;
    if (Array.isArray(core.enum) && core.enum.length > 0 && core.enum.every((v) => typeof v === "string")) {
      return { ...(description ? { description } : {}), enum: [...new Set(core.enum as string[])] };
    }
    const variants = core.oneOf ?? core.anyOf;
    if (Array.isArray(variants) && variants.length > 1 && !isObject(core.properties)) return this.union(variants, core, pointer, name, description);
    const merged = this.mergedObject(core, pointer);
    if (!merged) return undefined;
    return this.objectDefinition(merged.properties, merged.required, pointer, name, description ?? merged.description);
  }

  private union(variants: Json[], schema: JsonObject, pointer: string, name: string, description: string | undefined): ManifestTypeDefinition | undefined {
    const keyword = schema.oneOf ? "oneOf" : "anyOf";
    const notObject = variants.findIndex((variant) => !this.isObjectSchema(variant));
    if (notObject >= 0) {
      this.report.note(this.doc.place(`${pointer}/${keyword}/${notObject}`), "union variant that is not an object", "the union is typed as any");
      return undefined;
    }
    const names = [...new Set(variants.map((variant, index) => this.typeExpr(variant, `${pointer}/${keyword}/${index}`, `${name}${index + 1}`).replace(/\?$/, "")))];
    if (names.length < 2) return undefined;
    const definition: ManifestTypeDefinition = { ...(description ? { description } : {}), oneOf: names };
    if (isObject(schema.discriminator)) {
      const refs = variants.map((variant) => (isObject(variant) && typeof variant.$ref === "string" ? variant.$ref : undefined));
      this.discriminated.push({ definition, discriminator: schema.discriminator, refs, pointer: `${pointer}/discriminator` });
    }
    return definition;
  }

  /** A type without fields (named after `title`), for a body the document gives no properties. */
  emptyObjectType(title: string): string {
    const name = this.emptyTypes.get(title) ?? this.names.claim(typeNameOf(title));
    this.emptyTypes.set(title, name);
    this.types.set(name, { properties: {} });
    return name;
  }

  /**
   * Gives each union with a discriminator its tag field and mapping, once every variant type exists (call after the
   * whole document is imported). The document's mapping, else OpenAPI's implicit one (the component's name), else
   * the variant's literal tag (`const`); a union whose variants cannot all be told apart by the tag keeps being told
   * apart by their fields, and is reported.
   */
  finishDiscriminators(): void {
    for (const { definition, discriminator, refs, pointer } of this.discriminated) {
      const field = typeof discriminator.propertyName === "string" ? discriminator.propertyName : "";
      const variants = definition.oneOf!;
      const giveUp = (why: string) => this.report.note(this.doc.place(pointer), `discriminator ${why}`, "variants picked by their fields");
      if (!WIRE_NAME.test(field)) {
        giveUp("with a tag name a manifest cannot hold");
        continue;
      }
      const tagFields = variants.map((variant) => this.types.get(variant)?.properties?.[field]);
      if (tagFields.some((tag) => tag === undefined)) {
        giveUp("whose tag is not a field of every variant");
        continue;
      }
      const mapping: Record<string, string> = {};
      const documentMapping = isObject(discriminator.mapping) ? discriminator.mapping : {};
      for (const [value, target] of Object.entries(documentMapping)) {
        const variant = typeof target === "string" ? this.variantOf(target, variants) : undefined;
        if (variant !== undefined) mapping[value] = variant;
      }
      const tagged = new Set(Object.values(mapping));
      let complete = true;
      for (const [index, variant] of variants.entries()) {
        const tag = tagFields[index]!;
        const literal = typeof tag === "object" ? tag.const : undefined;
        if (tagged.has(variant)) continue;
        if (literal !== undefined) continue;
        const ref = refs.find((r) => r !== undefined && this.variantOf(r, [variant]) === variant);
        if (ref?.startsWith(COMPONENT_PREFIX)) mapping[ref.slice(COMPONENT_PREFIX.length)] = variant;
        else complete = false;
      }
      const values = new Set(Object.keys(mapping));
      const literals = variants.flatMap((variant, index) => {
        const tag = tagFields[index]!;
        return typeof tag === "object" && tag.const !== undefined && !tagged.has(variant) ? [tag.const] : [];
      });
      if (!complete || literals.some((literal) => values.has(literal)) || new Set(literals).size !== literals.length) {
        giveUp("that does not name every variant by one value");
        continue;
      }
      // The tag is a string on the wire: an enum type of tag values becomes a string field (the union narrows instead).
      for (const variant of variants) {
        const properties = this.types.get(variant)!.properties!;
        const tag = properties[field]!;
        const type = typeof tag === "string" ? tag : tag.type;
        if (type.replace(/\?$/, "") !== "string") properties[field] = typeof tag === "string" ? "string" : { ...tag, type: "string" };
      }
      definition.discriminator = Object.keys(mapping).length > 0 ? { field, mapping } : { field };
    }
  }

  /** The variant a `$ref` of the document names, when it is one of `variants`. */
  private variantOf(ref: string, variants: readonly string[]): string | undefined {
    // OpenAPI lets a mapping name a component by its bare name as well as by reference.
    const key = ref.startsWith(COMPONENT_PREFIX) ? ref.slice(COMPONENT_PREFIX.length) : /^[^#/]+$/.test(ref) ? ref : undefined;
    const component = key === undefined ? undefined : this.components.get(key);
    return component?.kind === "type" && variants.includes(component.name) ? component.name : undefined;
  }

  /** Whether a schema (through its references) is an object with properties, which a union variant must be. */
  private isObjectSchema(schema: Json | undefined, depth = 0): boolean {
    if (!isObject(schema) || depth > 32) return false;
    if (typeof schema.$ref === "string") return this.isObjectSchema(this.doc.resolve(schema.$ref), depth + 1);
    const { core } = this.withoutNull(schema);
    if (!isObject(core) || Array.isArray(core.enum) || core.oneOf || core.anyOf) return false;
    if (Array.isArray(core.allOf) && core.allOf.length === 1 && !isObject(core.properties)) return this.isObjectSchema(core.allOf[0]!, depth + 1);
    return this.mergedObject(core, "", 0, false) !== undefined;
  }

  /** The properties and required fields of an object schema, its allOf members merged in; undefined when not an object. */
  private mergedObject(schema: JsonObject, pointer: string, depth = 0, notes = true): { properties: [string, Json, string][]; required: string[]; description?: string } | undefined {
    if (depth > 32) return undefined;
    const properties: [string, Json, string][] = [];
    const required: string[] = [];
    let description: string | undefined;
    let isObjectSchema = isObject(schema.properties);
    const add = (from: JsonObject, at: string) => {
      if (isObject(from.properties)) {
        for (const [key, value] of Object.entries(from.properties)) {
          const index = properties.findIndex(([name]) => name === key);
          if (index >= 0) properties[index] = [key, value, `${at}/properties/${pointerOf([key]).slice(1)}`];
          else properties.push([key, value, `${at}/properties/${pointerOf([key]).slice(1)}`]);
        }
      }
      if (Array.isArray(from.required)) for (const key of from.required) if (typeof key === "string" && !required.includes(key)) required.push(key);
    };
    if (Array.isArray(schema.allOf)) {
      for (const [index, member] of schema.allOf.entries()) {
        let resolved = member;
        let at = `${pointer}/allOf/${index}`;
        if (isObject(member) && typeof member.$ref === "string") {
          resolved = this.doc.resolve(member.$ref) ?? {};
          at = member.$ref.slice(1);
        }
        if (!isObject(resolved)) continue;
        // A referenced member is merged once: shared bases (a diamond of allOf) would otherwise be walked once per path.
        const key = typeof (member as JsonObject).$ref === "string" ? `${notes}${(member as JsonObject).$ref as string}` : undefined;
        const inner =
          key !== undefined && this.mergedRefs.has(key)
            ? this.mergedRefs.get(key)
            : this.mergedObject(this.withoutNull(resolved).core as JsonObject, at, depth + 1, notes);
        if (key !== undefined) this.mergedRefs.set(key, inner);
        if (!inner) {
          if (notes) this.report.note(this.doc.place(`${pointer}/allOf/${index}`), "allOf member that is not an object", "left out of the merged type");
          continue;
        }
        isObjectSchema = true;
        for (const [key, value, where] of inner.properties) add({ properties: { [key]: value } }, where.slice(0, where.lastIndexOf("/properties/")));
        add({ required: inner.required }, at);
        description ??= inner.description;
      }
    }
    add(schema, pointer);
    if (!isObjectSchema) return undefined;
    if (notes && isObject(schema.additionalProperties) && isObject(schema.properties)) {
      this.report.note(this.doc.place(`${pointer}/additionalProperties`), "additionalProperties beside properties", "extra properties are left out of the type");
    }
    return { properties, required, description: typeof schema.description === "string" ? schema.description : description };
  }

  private objectDefinition(
    properties: [string, Json, string][],
    required: string[],
    pointer: string,
    name: string,
    description: string | undefined,
  ): ManifestTypeDefinition {
    const fields: Record<string, string | ManifestField> = {};
    const tsNames = new Set<string>();
    for (const [wireName, schema, at] of properties) {
      if (!WIRE_NAME.test(wireName)) {
        this.report.note(this.doc.place(at), "property name with characters a manifest cannot hold", "property left out");
        continue;
      }
      const field = this.field(schema, at, `${name}${typeNameOf(wireName)}`);
      const tsName = memberNameOf(wireName);
      if (tsNames.has(tsName)) {
        let n = 2;
        while (tsNames.has(`${tsName}${n}`)) n++;
        field.name = `${tsName}${n}`;
      }
      tsNames.add(field.name ?? tsName);
      put(fields, wireName, Object.keys(field).length === 1 ? field.type : field);
    }
    const kept = required.filter((key) => Object.hasOwn(fields, key));
    return {
      ...(description ? { description } : {}),
      ...(kept.length > 0 ? { required: kept } : {}),
      properties: fields,
    };
  }

  /** A field (property or parameter) of a schema: its type expression and its description. */
  field(schema: Json, pointer: string, nameHint: string): ManifestField {
    const literal = this.literalOf(schema);
    const field: ManifestField = literal === undefined ? { type: this.typeExpr(schema, pointer, nameHint) } : { type: "string", const: literal };
    if (!isObject(schema)) return field;
    if (typeof schema.description === "string") field.description = schema.description;
    if (schema.deprecated === true) field.deprecated = true;
    this.addLimits(field, this.withoutNull(schema).core, pointer);
    return field;
  }

  /** The one string value of a `const` or single-value enum (inline or one reference away), typed as a literal. */
  private literalOf(schema: Json): string | undefined {
    const { value: target } = this.doc.deref(schema, "");
    if (!isObject(target) || target.nullable === true) return undefined;
    if (typeof target.const === "string") return target.const;
    return Array.isArray(target.enum) && target.enum.length === 1 && typeof target.enum[0] === "string" ? target.enum[0] : undefined;
  }

  /** The documented limits a field's type can carry (the manifest prints them in docs), and int64. */
  private addLimits(field: ManifestField, schema: Json, pointer: string): void {
    if (!isObject(schema)) return;
    const bare = field.type.replace(/\?$/, "");
    const kind = bare === "string" && field.const === undefined ? "string" : bare === "integer" || bare === "number" ? "number" : bare.startsWith("list<") ? "list" : undefined;
    const numberOf = (key: string) => (typeof schema[key] === "number" && Number.isFinite(schema[key]) ? (schema[key] as number) : undefined);
    const limits: Partial<Record<"minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "minLength" | "maxLength" | "minItems" | "maxItems", number>> = {};
    if (kind === "number") {
      limits.minimum = numberOf("minimum");
      limits.maximum = numberOf("maximum");
      // 3.0 says exclusiveness with booleans beside minimum and maximum; 3.1 with numbers of their own.
      if (schema.exclusiveMinimum === true && limits.minimum !== undefined) [limits.exclusiveMinimum, limits.minimum] = [limits.minimum, undefined];
      else limits.exclusiveMinimum = numberOf("exclusiveMinimum");
      if (schema.exclusiveMaximum === true && limits.maximum !== undefined) [limits.exclusiveMaximum, limits.maximum] = [limits.maximum, undefined];
      else limits.exclusiveMaximum = numberOf("exclusiveMaximum");
      if (bare === "integer" && schema.format === "int64") field.format = "int64";
    } else if (kind === "string") {
      limits.minLength = numberOf("minLength");
      limits.maxLength = numberOf("maxLength");
      if (typeof schema.pattern === "string") {
        try {
          new RegExp(schema.pattern, "u");
          field.pattern = schema.pattern;
        } catch {
          this.report.note(this.doc.place(`${pointer}/pattern`), "pattern that is not a JavaScript regular expression", "left out of the docs");
        }
      }
    } else if (kind === "list") {
      limits.minItems = numberOf("minItems");
      limits.maxItems = numberOf("maxItems");
    }
    const contradicts = (low?: number, high?: number) => low !== undefined && high !== undefined && low > high;
    if (contradicts(limits.minimum ?? limits.exclusiveMinimum, limits.maximum ?? limits.exclusiveMaximum) || contradicts(limits.minLength, limits.maxLength) || contradicts(limits.minItems, limits.maxItems)) {
      this.report.note(this.doc.place(pointer), "limits that contradict each other", "left out of the docs");
      return;
    }
    const counts = ["minLength", "maxLength", "minItems", "maxItems"] as const;
    for (const [key, value] of Object.entries(limits) as [keyof typeof limits, number | undefined][]) {
      if (value === undefined) continue;
      if ((counts as readonly string[]).includes(key) && (!Number.isInteger(value) || value < 0)) continue;
      field[key] = value;
    }
  }
}
