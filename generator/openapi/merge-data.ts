import { camelCase } from "../naming.js";

/**
 * Step 1 of a re-import: the merged manifest data (plain objects, the file's key order first, new entries last) and
 * the changes, each with the manifest entry it is about (so a manifest in parts can name the file that holds it).
 */

export interface Change {
  kind: "added" | "changed" | "removed" | "kept";
  /** What: `operation GET /pets/{pet_id} (pets.getPet)`, `type Pet`, `server main`, `version`. */
  subject: string;
  /** How: `added`, `field age retyped integer -> string`, `gone from the document, kept: use --prune`. */
  detail: string;
  /** The file that holds it, for a manifest in parts. */
  file?: string;
}

export type Obj = Record<string, unknown>;

/**
 * Keys a person owns: the file's value wins, and the document's fills in only where the file has none. Every other key
 * of these objects is a wire fact: the document's value, or gone when the document has none.
 */
/** Documented limits of a field: the document's win, and one only the file states is kept. */
const LIMIT_KEYS: ReadonlySet<string> = new Set(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems"]);

const HAND_KEYS = {
  field: new Set(["name", "description", "example"]),
  type: new Set(["description", "example"]),
  operation: new Set(["description", "example", "errorBody", "server"]),
  response: new Set(["envelope"]),
  server: new Set(["option", "description"]),
  auth: new Set(["option", "usernameOption", "passwordOption", "description"]),
};
/**
 * Top-level sections the document decides (servers, types and resources entry by entry, auth key by key). Any other
 * section (name, title, package, options, errors, flagChecks, events, include, ...) is the file's; the document's
 * fills in only one the file lacks.
 */
const DOCUMENT_SECTIONS = new Set(["version", "servers", "auth", "query", "types", "resources"]);
const PATH_PARAMETER = "path parameter";
const MERGED_SECTIONS = new Set(["servers", "types", "resources"]);
const GONE_KEPT = "gone from the document, kept: use --prune";

export const isObj = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);
export const hasKey = (object: Obj, key: string) => Object.hasOwn(object, key);
/** Sets a key as an own property even when it is `__proto__` (a legal wire name). */
export function put(object: Obj, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (value: unknown): string =>
  value === undefined ? "none" : Array.isArray(value) ? `[${value.map(show).join(", ")}]` : typeof value === "string" ? value : JSON.stringify(value);
const fieldObject = (field: unknown): Obj => (typeof field === "string" ? { type: field } : isObj(field) ? field : {});

/** The manifest entry a change is about: a type, resource or server by name; none for the top-level keys. */
export interface Place {
  section: string;
  name: string;
}
export interface MergedData {
  data: Obj;
  changes: Change[];
  places: Map<Change, Place>;
}

/** The file's data (all its parts merged) and the document's, merged. */
export function mergeData(file: Obj, doc: Obj, prune: boolean): MergedData {
  return new Merger(file, doc, prune).run();
}

class Merger {
  readonly changes: Change[] = [];
  private readonly places = new Map<Change, Place>();
  /** The entry being merged: each change noted meanwhile is about it. */
  private at: Place | undefined;
  /** Every string a capability section holds (flagChecks, events): field names it may name are kept under prune. */
  private readonly capabilityNames: ReadonlySet<string>;

  constructor(
    private readonly file: Obj,
    private readonly doc: Obj,
    private readonly prune: boolean,
  ) {
    const names = new Set<string>();
    const collect = (value: unknown): void => {
      if (typeof value === "string") names.add(value);
      else if (Array.isArray(value)) value.forEach(collect);
      else if (isObj(value)) Object.values(value).forEach(collect);
    };
    for (const section of ["flagChecks", "events", "pagination", "webhooks"]) collect(file[section]);
    this.capabilityNames = names;
  }

  run(): MergedData {
    const data: Obj = {};
    for (const [key, value] of Object.entries(this.file)) put(data, key, value);
    for (const [key, value] of Object.entries(this.doc)) {
      if (MERGED_SECTIONS.has(key)) {
        if (!hasKey(data, key)) put(data, key, {}); // merged below, entry by entry, each new one listed
        continue;
      }
      if (!DOCUMENT_SECTIONS.has(key) || !hasKey(data, key)) {
        if (!hasKey(data, key)) put(data, key, value);
        if (DOCUMENT_SECTIONS.has(key)) this.note("added", key, "added");
        continue;
      }
      if (key !== "auth" && !same(data[key], value)) this.note("changed", key, `${show(data[key])} -> ${show(value)}`);
      if (key !== "auth") put(data, key, value);
      if (key === "auth") put(data, key, this.mergeOwned(data.auth as Obj, value as Obj, HAND_KEYS.auth, "auth"));
    }
    if (isObj(this.doc.servers)) put(data, "servers", this.mergeServers(asObject(data.servers), this.doc.servers, data));
    const types = this.mergeTypes(asObject(data.types), asObject(this.doc.types));
    put(data, "resources", this.mergeResources(asObject(data.resources), asObject(this.doc.resources)));
    put(data, "types", this.pruneTypes(types, data));
    const rank = (change: Change) => (change.subject.startsWith("operation ") ? 1 : change.subject.startsWith("type ") ? 2 : 0);
    return { data, changes: this.changes.sort((a, b) => rank(a) - rank(b)), places: this.places };
  }

  private note(kind: Change["kind"], subject: string, detail: string): void {
    const change: Change = { kind, subject, detail };
    this.changes.push(change);
    if (this.at !== undefined) this.places.set(change, this.at);
  }

  /** The file's keys in order (hand keys kept, wire keys from the document or dropped), then the document's new keys. */
  private mergeOwned(file: Obj, doc: Obj, hand: Set<string>, subject: string, label = ""): Obj {
    const out: Obj = {};
    // A limit the document does not state is one a person added (the events capability checks `minimum`): kept.
    const owned = (key: string) => hand.has(key) || (LIMIT_KEYS.has(key) && hasKey(file, key) && !hasKey(doc, key));
    for (const [key, value] of Object.entries(file)) {
      if (owned(key)) put(out, key, value);
      else if (hasKey(doc, key)) put(out, key, doc[key]);
    }
    for (const [key, value] of Object.entries(doc)) if (!hasKey(out, key) && !(hand.has(key) && hasKey(file, key))) put(out, key, value);
    for (const key of new Set([...Object.keys(file), ...Object.keys(doc)])) {
      const what = `${label}${key}`;
      if (hand.has(key) && !hasKey(file, key) && hasKey(doc, key)) this.note("changed", subject, `${what} added from the document`);
      if (owned(key) || same(file[key], doc[key])) continue;
      if (!hasKey(doc, key)) this.note("changed", subject, `${what} ${show(file[key])} removed`);
      else if (!hasKey(file, key)) this.note("changed", subject, `${what} ${show(doc[key])} added`);
      else this.note("changed", subject, `${what} ${show(file[key])} -> ${show(doc[key])}`);
    }
    return out;
  }

  private mergeServers(file: Obj, doc: Obj, data: Obj): Obj {
    const out: Obj = {};
    const matched = new Map<string, string>(); // file key -> document key
    for (const [key, server] of Object.entries(doc)) {
      const byUrl = Object.keys(file).find((name) => !matched.has(name) && !hasKey(doc, name) && same(fieldObject(file[name]).url, fieldObject(server).url));
      const name = hasKey(file, key) ? key : byUrl;
      if (name !== undefined) matched.set(name, key);
    }
    const used = new Set([data.defaultServer, ...operationsOf(asObject(data.resources)).map(({ operation }) => operation.server)]);
    for (const [name, server] of Object.entries(file)) {
      this.at = { section: "servers", name };
      const docKey = matched.get(name);
      if (docKey !== undefined) {
        put(out, name, this.mergeOwned(asObject(server), asObject(doc[docKey]), HAND_KEYS.server, `server ${name}`));
      } else if (this.prune && !used.has(name)) {
        this.note("removed", `server ${name}`, "removed");
      } else {
        put(out, name, server);
        this.note("kept", `server ${name}`, this.prune ? "gone from the document, kept: still used" : GONE_KEPT);
      }
    }
    const taken = new Set(matched.values());
    for (const [key, server] of Object.entries(doc)) {
      if (taken.has(key)) continue;
      this.at = { section: "servers", name: key };
      put(out, key, server);
      this.note("added", `server ${key}`, "added");
    }
    this.at = undefined;
    return out;
  }

  /** Fields by wire name. A path parameter gone from the path goes even without prune: the path names its parameters. */
  private mergeFields(file: Obj, doc: Obj, subject: string, label: string): Obj {
    const out: Obj = {};
    for (const [wire, field] of Object.entries(file)) {
      if (!hasKey(doc, wire)) {
        if (label !== PATH_PARAMETER && this.prune && this.capabilityNames.has(wire)) {
          put(out, wire, field);
          this.note("kept", subject, `${label} ${wire} gone from the document, kept: a capability section names it`);
        } else if (this.prune || label === PATH_PARAMETER) this.note("removed", subject, `${label} ${wire} removed`);
        else {
          put(out, wire, field);
          this.note("kept", subject, `${label} ${wire} ${GONE_KEPT}`);
        }
        continue;
      }
      const before = fieldObject(field);
      const after = fieldObject(doc[wire]);
      if (!same(before.type, after.type)) this.note("changed", subject, `${label} ${wire} retyped ${show(before.type)} -> ${show(after.type)}`);
      // The importer's suffixed name belongs to the document's field list, not to this field: its TypeScript name stays.
      const afterNamed = hasKey(before, "name") ? after : withoutKey(after, "name");
      const merged = this.mergeOwned(withoutType(before), withoutType(afterNamed), HAND_KEYS.field, subject, `${label} ${wire}: `);
      const result: Obj = {};
      for (const key of Object.keys(before)) if (key === "type" || hasKey(merged, key)) put(result, key, key === "type" ? after.type : merged[key]);
      for (const [key, value] of Object.entries(merged)) if (!hasKey(result, key)) put(result, key, value);
      if (!hasKey(result, "type")) put(result, "type", after.type);
      const short = typeof field === "string" && Object.keys(result).length === 1;
      put(out, wire, short ? result.type : result);
    }
    const tsNameOf = (wire: string, field: unknown) => (fieldObject(field).name as string | undefined) ?? camelCase(wire);
    const taken = new Set(Object.entries(out).map(([wire, field]) => tsNameOf(wire, field)));
    for (const [wire, field] of Object.entries(doc)) {
      if (hasKey(file, wire)) continue;
      // A new field never takes the TypeScript name of one already there (code using it would read another field).
      let added = field;
      const base = camelCase(wire);
      if (taken.has(tsNameOf(wire, field))) {
        let n = 2;
        while (taken.has(`${base}${n}`)) n++;
        added = { ...fieldObject(field), name: `${base}${n}` };
      }
      taken.add(tsNameOf(wire, added));
      put(out, wire, added);
      this.note("added", subject, `${label} ${wire} added`);
    }
    return out;
  }

  private mergeTypes(file: Obj, doc: Obj): Obj {
    const out: Obj = {};
    for (const [name, definition] of Object.entries(file)) {
      if (!hasKey(doc, name)) {
        put(out, name, definition); // pruneTypes decides once every reference is known
        continue;
      }
      const subject = `type ${name}`;
      this.at = { section: "types", name };
      const before = asObject(definition);
      const after = asObject(doc[name]);
      const kindOf = (definition: Obj) => (hasKey(definition, "enum") ? "enum" : hasKey(definition, "oneOf") ? "oneOf" : "properties");
      if (kindOf(before) !== kindOf(after)) {
        // An object that became an enum (or a union...): the document's definition, with the file's description kept.
        const kept = Object.fromEntries(Object.entries(before).filter(([key]) => HAND_KEYS.type.has(key)));
        put(out, name, { ...kept, ...withoutKey(after, "description"), ...(hasKey(kept, "description") || !hasKey(after, "description") ? {} : { description: after.description }) });
        this.note("changed", subject, `retyped from ${kindOf(before) === "properties" ? "an object" : `a ${kindOf(before)}`} to ${kindOf(after) === "properties" ? "an object" : `a ${kindOf(after)}`}`);
        continue;
      }
      const merged = this.mergeOwned(withoutKey(before, "properties"), withoutKey(after, "properties"), HAND_KEYS.type, subject);
      const result: Obj = {};
      for (const key of Object.keys(before)) if (key === "properties" || hasKey(merged, key)) put(result, key, merged[key]);
      for (const [key, value] of Object.entries(merged)) if (!hasKey(result, key)) put(result, key, value);
      if (hasKey(before, "properties") || hasKey(after, "properties")) {
        const fields = this.mergeFields(asObject(before.properties), asObject(after.properties), subject, "field");
        if (Object.keys(fields).length > 0 || hasKey(after, "properties")) put(result, "properties", fields);
        else delete result.properties;
      }
      put(out, name, result);
    }
    for (const [name, definition] of Object.entries(doc)) {
      if (hasKey(file, name)) continue;
      this.at = { section: "types", name };
      put(out, name, definition);
      this.note("added", `type ${name}`, "added");
    }
    this.at = undefined;
    return out;
  }

  /** Types gone from the document: kept without prune, and with it while anything kept still names them. */
  private pruneTypes(types: Obj, data: Obj): Obj {
    const docTypes = asObject(this.doc.types);
    const gone = Object.keys(types).filter((name) => !hasKey(docTypes, name));
    const removed = new Set(this.prune ? gone : []);
    for (let changed = true; changed; ) {
      changed = false;
      const named = namesUsed({ ...data, types: Object.fromEntries(Object.entries(types).filter(([name]) => !removed.has(name))) });
      for (const name of removed) if (named.has(name)) (removed.delete(name), (changed = true));
    }
    const out: Obj = {};
    for (const [name, definition] of Object.entries(types)) {
      this.at = { section: "types", name };
      if (removed.has(name)) this.note("removed", `type ${name}`, "removed");
      else put(out, name, definition);
      if (gone.includes(name) && !removed.has(name)) this.note("kept", `type ${name}`, this.prune ? "gone from the document, kept: still used" : GONE_KEPT);
    }
    this.at = undefined;
    return out;
  }

  private mergeResources(file: Obj, doc: Obj): Obj {
    const out: Obj = {};
    for (const [name, resource] of Object.entries(file)) put(out, name, { ...asObject(resource), operations: { ...asObject(asObject(resource).operations) } });
    const byRoute = new Map(operationsOf(file).map((entry) => [identityOf(entry.operation), entry]));
    const seen = new Set<string>();
    // A new operation joins the file's resource that holds the others of its imported resource (renamed or moved).
    const homes = new Map<string, string>();
    for (const { resource, operation } of operationsOf(doc)) {
      const match = byRoute.get(identityOf(operation));
      if (match !== undefined && !homes.has(resource)) homes.set(resource, match.resource);
    }
    const referenced = stringsIn(Object.fromEntries(Object.entries(this.file).filter(([key]) => !DOCUMENT_SECTIONS.has(key))));
    for (const { resource, name, operation } of operationsOf(doc)) {
      const route = routeOf(operation);
      const match = byRoute.get(identityOf(operation));
      if (match !== undefined) {
        seen.add(identityOf(operation));
        this.at = { section: "resources", name: match.resource };
        const subject = `operation ${routeOf(match.operation)} (${match.resource}.${match.name})`;
        put(operationsIn(out, match.resource), match.name, this.mergeOperation(match.operation, operation, subject));
        continue;
      }
      const home = homes.get(resource) ?? resource;
      this.at = { section: "resources", name: home };
      if (!hasKey(out, home)) put(out, home, { ...withoutKey(asObject(doc[resource]), "operations"), operations: {} });
      const target = operationsIn(out, home);
      let free = name;
      for (let suffix = 2; hasKey(target, free); suffix++) free = `${name}${suffix}`;
      put(target, free, operation);
      this.note("added", `operation ${route}`, `added as ${home}.${free}`);
    }
    for (const { resource, name, operation } of operationsOf(file)) {
      if (seen.has(identityOf(operation))) continue;
      this.at = { section: "resources", name: resource };
      const subject = `operation ${routeOf(operation)} (${resource}.${name})`;
      if (!this.prune) this.note("kept", subject, GONE_KEPT);
      else if (referenced.has(`${resource}.${name}`)) this.note("kept", subject, "gone from the document, kept: still used");
      else {
        delete operationsIn(out, resource)[name];
        if (Object.keys(operationsIn(out, resource)).length === 0) delete out[resource];
        this.note("removed", subject, "removed");
      }
    }
    this.at = undefined;
    return out;
  }

  private mergeOperation(file: Obj, doc: Obj, subject: string): Obj {
    const wireOnly = (operation: Obj) => withoutKey(withoutKey(withoutKey(operation, "pathParams"), "query"), "response");
    const merged = this.mergeOwned(wireOnly(file), wireOnly(doc), HAND_KEYS.operation, subject);
    const out: Obj = {};
    for (const key of Object.keys(file)) {
      if (key === "pathParams" || key === "query") {
        const label = key === "query" ? "query parameter" : PATH_PARAMETER;
        const fields = this.mergeFields(asObject(file[key]), asObject(doc[key]), subject, label);
        if (Object.keys(fields).length > 0) put(out, key, fields);
      } else if (key === "response") {
        put(out, key, this.mergeResponse(asObject(file.response), asObject(doc.response), subject));
      } else if (hasKey(merged, key)) put(out, key, merged[key]);
    }
    for (const [key, value] of Object.entries(merged)) if (!hasKey(out, key)) put(out, key, value);
    for (const key of ["pathParams", "query", "response"]) {
      if (!hasKey(out, key) && !hasKey(file, key) && hasKey(doc, key)) {
        put(out, key, doc[key]);
        if (key !== "response") for (const wire of Object.keys(asObject(doc[key]))) this.note("changed", subject, `${key === "query" ? "query parameter" : PATH_PARAMETER} ${wire} added`);
      }
    }
    return out;
  }

  /** A hand-added envelope stays: the document's wrapper type is read through it to the type of its envelope field. */
  private mergeResponse(file: Obj, doc: Obj, subject: string): Obj {
    let wire = doc;
    const envelope = file.envelope;
    if (typeof envelope === "string" && !hasKey(doc, "envelope") && typeof doc.type === "string") {
      const wrapper = asObject(asObject(this.doc.types)[doc.type.replace(/\?$/, "")]);
      const inner = asObject(wrapper.properties)[envelope];
      if (inner !== undefined) wire = { ...doc, type: fieldObject(inner).type };
    }
    return this.mergeOwned(file, wire, HAND_KEYS.response, subject, "response.");
  }
}

export const asObject = (value: unknown): Obj => (isObj(value) ? value : {});
function withoutKey(object: Obj, key: string): Obj {
  const out: Obj = {};
  for (const [name, value] of Object.entries(object)) if (name !== key) put(out, name, value);
  return out;
}
const withoutType = (field: Obj) => withoutKey(field, "type");
const routeOf = (operation: Obj) => `${String(operation.method)} ${String(operation.path)}`;
/** An operation's identity: method and path, whatever its path parameters are called (`/pets/{id}` is `/pets/{pet_id}`). */
const identityOf = (operation: Obj) => routeOf(operation).replace(/\{[^}]*\}/g, "{}");
const operationsIn = (resources: Obj, resource: string) => asObject(asObject(resources[resource]).operations);

function operationsOf(resources: Obj): { resource: string; name: string; operation: Obj }[] {
  return Object.entries(resources).flatMap(([resource, value]) =>
    Object.entries(asObject(asObject(value).operations)).map(([name, operation]) => ({ resource, name, operation: asObject(operation) })),
  );
}

/** Every string value under `value`, whole. */
function stringsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") into.add(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (isObj(value)) for (const item of Object.values(value)) stringsIn(item, into);
  return into;
}

/** Names a manifest's values refer to (type expressions, capability sections); prose and examples name nothing. */
function namesUsed(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") for (const word of value.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) into.add(word);
  else if (Array.isArray(value)) for (const item of value) namesUsed(item, into);
  else if (isObj(value)) for (const [key, item] of Object.entries(value)) if (!["description", "title", "example"].includes(key)) namesUsed(item, into);
  return into;
}
