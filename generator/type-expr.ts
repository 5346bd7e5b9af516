import type { IrPrimitive, IrTypeRef } from "./ir.js";

/**
 * The manifest's type expressions: `string`, `integer`, `number`, `boolean`, `any`, `date-time`, `date`, `list<T>`,
 * `map<T>` (an object with arbitrary keys), or a type name; a trailing `?` makes the value nullable.
 */
export class TypeExprError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const PRIMITIVES = new Set<string>(["string", "integer", "number", "boolean", "any"]);
const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;

export function parseTypeExpr(text: string): IrTypeRef {
  let pos = 0;
  const skipSpace = () => {
    while (text[pos] === " ") pos++;
  };
  const parse = (): IrTypeRef => {
    skipSpace();
    const start = pos;
    while (pos < text.length && /[A-Za-z0-9-]/.test(text[pos]!)) pos++;
    const word = text.slice(start, pos);
    if (word === "") throw new TypeExprError(`expected a type at "${text.slice(start) || "end of text"}"`, start);
    let ref: IrTypeRef;
    if (word === "list" || word === "map") {
      skipSpace();
      if (text[pos] !== "<") throw new TypeExprError(`expected "<" after "${word}"`, pos);
      pos++;
      const inner = parse();
      skipSpace();
      if (text[pos] !== ">") throw new TypeExprError(`expected ">" to close "${word}<"`, pos);
      pos++;
      ref = word === "list" ? { kind: "list", item: inner, nullable: false } : { kind: "map", value: inner, nullable: false };
    } else if (word === "date-time") {
      ref = { kind: "dateTime", nullable: false };
    } else if (word === "date") {
      ref = { kind: "date", nullable: false };
    } else if (PRIMITIVES.has(word)) {
      ref = { kind: "primitive", name: word as IrPrimitive, nullable: false };
    } else if (TYPE_NAME.test(word)) {
      ref = { kind: "ref", name: word, nullable: false };
    } else {
      throw new TypeExprError(
        `unknown type "${word}": expected string, integer, number, boolean, any, date-time, date, list<T>, map<T> or a PascalCase type name`,
        start,
      );
    }
    skipSpace();
    if (text[pos] === "?") {
      ref.nullable = true;
      pos++;
    }
    return ref;
  };
  const ref = parse();
  skipSpace();
  if (pos < text.length) throw new TypeExprError(`unexpected "${text.slice(pos)}" after the type`, pos);
  return ref;
}

/** Every type name an expression refers to. */
export function referencedNames(ref: IrTypeRef): string[] {
  switch (ref.kind) {
    case "ref":
      return [ref.name];
    case "list":
      return referencedNames(ref.item);
    case "map":
      return referencedNames(ref.value);
    default:
      return [];
  }
}

export function formatTypeExpr(ref: IrTypeRef): string {
  const suffix = ref.nullable ? "?" : "";
  switch (ref.kind) {
    case "primitive":
      return ref.name + suffix;
    case "dateTime":
      return "date-time" + suffix;
    case "date":
      return "date" + suffix;
    case "ref":
      return ref.name + suffix;
    case "list":
      return `list<${formatTypeExpr(ref.item)}>${suffix}`;
    case "map":
      return `map<${formatTypeExpr(ref.value)}>${suffix}`;
  }
}
