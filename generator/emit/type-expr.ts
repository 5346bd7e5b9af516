import type { RuntimeName } from "../contract.js";
import type { IrApi, IrType, IrTypeRef } from "../ir.js";
import { codecName } from "../naming.js";
import { referencedNames } from "../type-expr.js";

/** Types by name, indexed once per API: a search per reference made emitting large manifests quadratic. */
const typesByName = new WeakMap<IrApi, Map<string, IrType>>();

/** The type of the API named `name`. */
export function typeNamed(api: IrApi, name: string | undefined): IrType | undefined {
  let index = typesByName.get(api);
  if (index === undefined) {
    index = new Map(api.types.map((type) => [type.name, type]));
    typesByName.set(api, index);
  }
  return name === undefined ? undefined : index.get(name);
}

/** The TypeScript type of a manifest type. */
export function tsType(ref: IrTypeRef): string {
  let text: string;
  switch (ref.kind) {
    case "primitive":
      text = { string: "string", integer: "number", number: "number", boolean: "boolean", any: "unknown" }[ref.name];
      break;
    case "dateTime":
      text = "Date";
      break;
    case "date":
      text = "string";
      break;
    case "ref":
      text = ref.name;
      break;
    case "list": {
      const item = tsType(ref.item);
      text = ref.item.nullable ? `(${item})[]` : `${item}[]`;
      break;
    }
    case "map":
      text = `Record<string, ${tsType(ref.value)}>`;
      break;
  }
  return ref.nullable ? `${text} | null` : text;
}

/** What the TypeScript type alone does not say about a value's format, for its doc comment. */
export function formatNote(ref: IrTypeRef): string | undefined {
  switch (ref.kind) {
    case "date":
      return "Calendar date, `YYYY-MM-DD`.";
    case "list":
    case "map":
      return formatNote(ref.kind === "list" ? ref.item : ref.value) && "Calendar dates, `YYYY-MM-DD`.";
    default:
      return undefined;
  }
}

/** Whether values of the type differ between their TypeScript and wire shapes. */
export function needsCodec(api: IrApi, ref: IrTypeRef): boolean {
  switch (ref.kind) {
    case "dateTime":
    case "date":
      return true;
    case "ref":
      return typeNamed(api, ref.name)?.kind !== "enum";
    case "list":
      return needsCodec(api, ref.item);
    case "map":
      return needsCodec(api, ref.value);
    default:
      return false;
  }
}

/**
 * A runtime expression for the codec of a type that needs one. Model codecs are referenced lazily (`() => fooCodec`)
 * so that tables may name models declared later in the file.
 */
export function codecExpression(api: IrApi, ref: IrTypeRef, lazy = true): string {
  switch (ref.kind) {
    case "dateTime":
      return "dateTimeCodec";
    case "date":
      return "dateCodec";
    case "ref":
      return lazy ? `() => ${codecName(ref.name)}` : codecName(ref.name);
    case "list":
      return `listCodec(${codecExpression(api, ref.item, lazy)})`;
    case "map":
      return `mapCodec(${codecExpression(api, ref.value, lazy)})`;
    default:
      return "identityCodec";
  }
}

/** Runtime helper functions a codec expression calls. */
export function codecHelpers(expression: string): RuntimeName[] {
  return (["dateCodec", "dateTimeCodec", "identityCodec", "listCodec", "mapCodec"] as const).filter((helper) => expression.includes(helper));
}

/** Model codecs a codec expression refers to. */
export function codecModels(api: IrApi, ref: IrTypeRef): string[] {
  return referencedNames(ref)
    .filter((name) => typeNamed(api, name)?.kind !== "enum")
    .map(codecName);
}
