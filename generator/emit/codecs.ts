import { StructureKind, VariableDeclarationKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import { stringLiteral } from "../escape.js";
import type { IrApi, IrObjectType, IrTypeRef, IrUnionType } from "../ir.js";
import { codecName } from "../naming.js";
import { Imports, files, propertyKey } from "./layout.js";
import { needsCodec, typeNamed } from "./type-expr.js";

/** How a value converts, in the runtime codec table's notation (runtime/codec-table.ts ValueShape). */
function valueShape(api: IrApi, ref: IrTypeRef): unknown {
  switch (ref.kind) {
    case "dateTime":
      return "t";
    case "date":
      return "d";
    case "ref":
      return `#${ref.name}`;
    case "list":
      return ["l", valueShape(api, ref.item)];
    case "map":
      return ["m", valueShape(api, ref.value)];
    default:
      return "i";
  }
}

/** A model's wire shape in the codec table's notation: fields, plain union variants, or a discriminated union. */
function modelShape(api: IrApi, type: IrObjectType | IrUnionType): unknown {
  if (type.kind === "object") {
    return { o: type.properties.map((p) => (needsCodec(api, p.type) ? [p.tsName, p.wireName, valueShape(api, p.type)] : [p.tsName, p.wireName])) };
  }
  if (type.discriminator) return { d: [type.discriminator.wireName, type.discriminator.tsName, type.discriminator.mapping] };
  // Variants in the manifest's order, which breaks ties between equally good fits.
  return {
    u: type.variants.map((name) => {
      const required = (typeNamed(api, name) as IrObjectType).properties.filter((p) => p.required);
      return [required.map((p) => p.tsName), required.map((p) => p.wireName), name];
    }),
  };
}

/**
 * One codec per object and union model, internal, used by the resources to convert bodies and results: a table of
 * each model's wire shape as JSON text (read when the model is first converted), and a named codec per model.
 */
export function emitCodecs(api: IrApi, runtimeEntry: string): SourceFileStructure {
  const imports = new Imports(files.codecs, runtimeEntry);
  const models = api.types.filter((type): type is IrObjectType | IrUnionType => type.kind !== "enum");
  if (models.length === 0) return { kind: StructureKind.SourceFile, statements: [] };
  imports.runtime("codecTable").runtimeTypes("Codec");
  imports.add(files.types, models.map((type) => type.name), true);
  const rows = models.map((type) => `${propertyKey(type.name)}: ${stringLiteral(JSON.stringify(modelShape(api, type)))},`);
  const statements: StatementStructures[] = [
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      docs: ["Each model's wire shape (runtime/codec-table.ts), read when the model is first converted."],
      declarations: [{ name: "models", initializer: `codecTable({\n${rows.join("\n")}\n})` }],
    },
    ...models.map(
      (type): StatementStructures => ({
        kind: StructureKind.VariableStatement,
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        declarations: [{ name: codecName(type.name), type: `Codec<${type.name}>`, initializer: `models.codec(${JSON.stringify(type.name)})` }],
      }),
    ),
  ];
  return { kind: StructureKind.SourceFile, statements: [...imports.structures(), ...statements] };
}
