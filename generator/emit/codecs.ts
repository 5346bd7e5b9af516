import { StructureKind, VariableDeclarationKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import type { RuntimeName } from "../contract.js";
import { stringLiteral } from "../escape.js";
import type { IrApi, IrDiscriminator, IrObjectType, IrUnionType } from "../ir.js";
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

/** A union without a discriminator: variants in the manifest's order, which breaks ties between equally good fits. */
function unionCodec(api: IrApi, type: IrUnionType): string {
  const variants = type.variants.map((name) => {
    const required = (typeNamed(api, name) as IrObjectType).properties.filter((p) => p.required);
    return `{ required: ${JSON.stringify(required.map((p) => p.tsName))}, requiredWire: ${JSON.stringify(required.map((p) => p.wireName))}, codec: () => ${codecName(name)} },`;
  });
  return `unionCodec<${type.name}>([\n${variants.join("\n")}\n])`;
}

/** A discriminated union: the variant's codec by tag value. */
function discriminatedUnionCodec(type: IrUnionType, discriminator: IrDiscriminator): string {
  const variants = discriminator.mapping.map(([tag, variant]) => `[${stringLiteral(tag)}, () => ${codecName(variant)}],`);
  return `discriminatedUnionCodec<${type.name}>({
wireTag: ${JSON.stringify(discriminator.wireName)},
tag: ${JSON.stringify(discriminator.tsName)},
variants: [\n${variants.join("\n")}\n],
})`;
}

function modelCodec(api: IrApi, type: IrObjectType | IrUnionType): [initializer: string, factory: RuntimeName] {
  if (type.kind === "object") return [objectCodec(api, type), "objectCodec"];
  if (type.discriminator) return [discriminatedUnionCodec(type, type.discriminator), "discriminatedUnionCodec"];
  return [unionCodec(api, type), "unionCodec"];
}

/** One codec per object and union model: internal, used by the resources to convert bodies and results. */
export function emitCodecs(api: IrApi, runtimeEntry: string): SourceFileStructure {
  const imports = new Imports(files.codecs, runtimeEntry);
  const statements: StatementStructures[] = [];
  for (const type of api.types) {
    if (type.kind === "enum") continue;
    const [initializer, factory] = modelCodec(api, type);
    imports.add(files.types, [type.name], true);
    imports.runtime("Codec", "lazyCodec", factory, ...codecHelpers(initializer));
    statements.push({
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      // Built on first use: importing a package of many models builds none of them.
      declarations: [{ name: codecName(type.name), type: `Codec<${type.name}>`, initializer: `lazyCodec(() => ${initializer})` }],
    });
  }
  return { kind: StructureKind.SourceFile, statements: [...imports.structures(), ...statements] };
}
