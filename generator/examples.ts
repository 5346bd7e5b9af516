import { ASYNC, type ClientFlavour } from "./flavour.js";
import type { IrApi, IrObjectType, IrOperation, IrResource, IrTypeRef } from "./ir.js";
import { propertyKey } from "./emit/layout.js";
import { typeNamed } from "./emit/type-expr.js";
import { stringLiteral, valueLiteral } from "./escape.js";
import { RESERVED_WORDS, lowerFirst } from "./naming.js";

/** Example values for docs: enough to show the shape of a call, built from the types alone. */
export function exampleValue(api: IrApi, ref: IrTypeRef, depth = 0): string {
  switch (ref.kind) {
    case "primitive":
      return { string: '"example"', integer: "1", number: "1.5", boolean: "true", any: '"value"' }[ref.name];
    case "dateTime":
      return 'new Date("2025-01-01T00:00:00Z")';
    case "date":
      return '"2025-01-31"';
    case "list":
      // Deep down, an empty list: always a valid value, where an item might need fields of its own without end.
      return depth >= 2 ? "[]" : `[${exampleValue(api, ref.item, depth + 1)}]`;
    case "map":
      return `{ key: ${exampleValue(api, ref.value, depth + 1)} }`;
    case "ref": {
      const type = typeNamed(api, ref.name)!;
      if (type.kind === "enum") return stringLiteral(type.values[0]!);
      // Required fields all the way down (a list cuts the depth short), but not without end: a type can hold itself.
      if (type.kind === "object") return depth > 5 ? "{}" : exampleObject(api, type.properties.filter((p) => p.required), depth + 1);
      // A union: its first variant, tagged as the union's discriminator says when it has one.
      const [tag, variantName] = type.discriminator?.mapping[0] ?? [undefined, type.variants[0]!];
      const variant = typeNamed(api, variantName) as IrObjectType;
      const fields = variant.properties.filter((p) => p.required || p.tsName === type.discriminator?.tsName);
      const tagged = fields.map((p) => (p.tsName === type.discriminator?.tsName && tag !== undefined ? { ...p, const: tag } : p));
      return depth > 5 ? "{}" : exampleObject(api, tagged, depth + 1);
    }
  }
}

function exampleObject(api: IrApi, fields: { tsName: string; type: IrTypeRef; const?: string }[], depth: number): string {
  if (fields.length === 0) return "{}";
  const value = (f: (typeof fields)[number]) => (f.const !== undefined ? stringLiteral(f.const) : exampleValue(api, f.type, depth));
  return `{ ${fields.map((f) => `${propertyKey(f.tsName)}: ${value(f)}`).join(", ")} }`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A manifest example (a JSON value) as TypeScript the way a person writes it: `{ id: "co_123", tags: ["a"] }`, keys
 * unquoted when they are identifiers. Strings and other keys go through stringLiteral; `__proto__` is written
 * computed so that it stays an own property; numbers, booleans and null through valueLiteral.
 */
export function exampleLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(exampleLiteral).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    const key = (name: string) => (name === "__proto__" ? `[${stringLiteral(name)}]` : IDENTIFIER.test(name) ? name : stringLiteral(name));
    return `{ ${entries.map(([name, item]) => `${key(name)}: ${exampleLiteral(item)}`).join(", ")} }`;
  }
  return valueLiteral(value);
}

/** The fields an example call passes: path parameters, required query parameters and required body fields. */
export function exampleArgument(api: IrApi, op: IrOperation): string | undefined {
  if (op.paramsType === undefined) return undefined;
  if (op.example !== undefined) return exampleLiteral(op.example);
  const named = typeNamed(api, op.body);
  const body = named?.kind === "object" ? named : undefined;
  const fields = [
    ...op.pathParams,
    ...op.queryParams.filter((p) => p.required),
    ...(body?.properties.filter((p) => p.required) ?? []),
  ];
  return fields.length === 0 ? undefined : exampleObject(api, fields, 0);
}

/**
 * A call of the operation on the client variable `client`, with per-request options when `options` is given;
 * as the flavour's client writes it (awaited for the async one).
 */
export function exampleCall(api: IrApi, resource: IrResource, op: IrOperation, options?: string, client = "client", flavour: ClientFlavour = ASYNC): string {
  const argument = exampleArgument(api, op) ?? (options && op.paramsType ? "undefined" : undefined);
  const args = [argument, options].filter((arg) => arg !== undefined).join(", ");
  const expression = `${client}.${resource.name}.${op.name}(${args})`;
  if (op.paging) return `${flavour.iterate("item", expression)} console.log(item);`;
  const call = flavour.call(expression);
  return op.response.type || op.response.content !== "json" ? `const ${resultName(op, client)} = ${call};` : `${call};`;
}

/** Names an example's result cannot take: `undefined`, and the variables the README's examples declare themselves. */
const TAKEN_NAMES: ReadonlySet<string> = new Set(["undefined", "controller", "full", "local", "on", "patient", "proxied", "stats"]);

/**
 * A variable name for an operation's result: "getCompany" -> "company", "listCompanies" -> "companies"; "result" when
 * the noun would be a reserved word ("getClass"), the client's own variable ("getClient") or another taken name.
 */
export function resultName(op: IrOperation, client = "client"): string {
  const noun = lowerFirst(op.name.replace(/^(get|list|create|upsert|update|delete|check|send|fetch|find)(?=[A-Z])/, ""));
  return noun === op.name || noun === "" || noun === client || RESERVED_WORDS.has(noun) || TAKEN_NAMES.has(noun) ? "result" : noun;
}
