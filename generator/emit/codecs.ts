import { StructureKind, VariableDeclarationKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import type { IrApi, IrObjectType, IrUnionType } from "../ir.js";
import { codecName } from "../naming.js";
import { Imports, files, propertyKey } from "./layout.js";
import { codecExpression, codecHelpers, needsCodec, typeNamed } from "./type-expr.js";

function objectCodec(api: IrApi, type: IrObjectType): string {
  const fields = type.properties.map((property) => {
    const wire = JSON.stringify(property.wireName);
    const spec = needsCodec(api, property.type) ? `[${wire}, ${codecExpression(api, property.type)}]` : wire;
    return `${propertyKey(property.tsName)}: ${spec},`;
  });
  return `objectCodec<${type.name}>({\n${fields.join("\n")}\n})`;
}

function unionCodec(api: IrApi, type: IrUnionType): string {
  const variants = type.variants
    .map((name, order) => {
      const variant = typeNamed(api, name) as IrObjectType;
      const required = variant.properties.filter((p) => p.required);
      return { name, order, required };
    })
    // Most required fields first, so that a variant whose fields include another's is recognised before it.
    .sort((a, b) => b.required.length - a.required.length || a.order - b.order)
    .map(
      ({ name, required }) =>
        `{ required: ${JSON.stringify(required.map((p) => p.tsName))}, requiredWire: ${JSON.stringify(required.map((p) => p.wireName))}, codec: () => ${codecName(name)} },`,
    );
  return `unionCodec<${type.name}>([\n${variants.join("\n")}\n])`;
}

/** One codec per object and union model: internal, used by the resources to convert bodies and results. */
export function emitCodecs(api: IrApi, runtimeEntry: string): SourceFileStructure {
  const imports = new Imports(files.codecs, runtimeEntry);
  const statements: StatementStructures[] = [];
  for (const type of api.types) {
    if (type.kind === "enum") continue;
    const initializer = type.kind === "object" ? objectCodec(api, type) : unionCodec(api, type);
    imports.add(files.types, [type.name], true);
    imports.runtime("Codec", type.kind === "object" ? "objectCodec" : "unionCodec", ...codecHelpers(initializer));
    statements.push({
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: codecName(type.name), type: `Codec<${type.name}>`, initializer }],
    });
  }
  return { kind: StructureKind.SourceFile, statements: [...imports.structures(), ...statements] };
}
