import { StructureKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import type { IrApi, IrObjectType, IrProperty } from "../ir.js";
import { camelCase } from "../naming.js";
import { stringLiteral } from "../escape.js";
import { jsDoc } from "./docs.js";
import { propertyKey } from "./layout.js";
import { formatNote, tsType } from "./type-expr.js";

function withFormatNote(description: string | undefined, note: string | undefined): string | undefined {
  if (note === undefined) return description;
  return description === undefined ? note : `${description.trim()} ${note}`;
}

export function propertySignature(property: Pick<IrProperty, "tsName" | "type" | "required" | "description" | "wireName" | "minimum">) {
  return {
    name: propertyKey(property.tsName),
    type: tsType(property.type),
    hasQuestionToken: !property.required,
    // The wire name is only worth a note where the manifest renamed the field.
    docs: jsDoc(withFormatNote(property.description, formatNote(property.type)), {
      remarks: property.tsName === camelCase(property.wireName) ? undefined : `Wire name: \`${property.wireName}\`.`,
      minimum: property.minimum === undefined ? undefined : String(property.minimum),
    }),
  };
}

function objectInterface(type: IrObjectType): StatementStructures {
  return {
    kind: StructureKind.Interface,
    name: type.name,
    isExported: true,
    docs: jsDoc(type.description),
    properties: type.properties.map(propertySignature),
  };
}

/** Model interfaces, enums as open string unions, unions as type aliases. */
export function emitTypes(api: IrApi): SourceFileStructure {
  const statements: StatementStructures[] = api.types.map((type) => {
    switch (type.kind) {
      case "object":
        return objectInterface(type);
      case "enum":
        return {
          kind: StructureKind.TypeAlias,
          name: type.name,
          isExported: true,
          // `string & {}` keeps editor completion for the known values and accepts values a newer server adds.
          docs: jsDoc(type.description, { remarks: "Values the server adds later are passed through as plain strings." }),
          type: [...type.values.map(stringLiteral), "(string & {})"].join(" | "),
        };
      case "union":
        return {
          kind: StructureKind.TypeAlias,
          name: type.name,
          isExported: true,
          docs: jsDoc(type.description),
          type: type.variants.join(" | "),
        };
    }
  });
  return { kind: StructureKind.SourceFile, statements };
}
