import { StructureKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import { UNKNOWN_VARIANT_MEMBER, type IrApi, type IrDiscriminator, type IrObjectType, type IrProperty, type IrUnionType } from "../ir.js";
import { camelCase } from "../naming.js";
import { stringLiteral } from "../escape.js";
import { INT64_NOTE, constraintTags, jsDoc } from "./docs.js";
import { propertyKey } from "./layout.js";
import { formatNote, tsType, typeNamed } from "./type-expr.js";

function withFormatNote(description: string | undefined, note: string | undefined): string | undefined {
  if (note === undefined) return description;
  return description === undefined ? note : `${description.trim()} ${note}`;
}

export function propertySignature(property: Pick<IrProperty, "tsName" | "type" | "required" | "description" | "wireName" | "minimum"> & Pick<Partial<IrProperty>, "const" | "constraints" | "deprecated">) {
  return {
    name: propertyKey(property.tsName),
    // A field with one value is typed as that value, which lets a discriminated union narrow on it.
    type: property.const === undefined ? tsType(property.type) : stringLiteral(property.const),
    hasQuestionToken: !property.required,
    // The wire name is only worth a note where the manifest renamed the field.
    docs: jsDoc(withFormatNote(property.description, formatNote(property.type) ?? (property.constraints?.int64 ? INT64_NOTE : undefined)), {
      remarks: property.tsName === camelCase(property.wireName) ? undefined : `Wire name: \`${property.wireName}\`.`,
      minimum: property.minimum === undefined ? undefined : String(property.minimum),
      ...constraintTags(property.constraints),
      deprecated: property.deprecated ? "" : undefined,
    }),
  };
}

/**
 * A discriminated union: each variant with its tag values made part of its type (unless its tag field already is a
 * required const), so that a switch on the tag narrows; and the case of a tag this SDK does not know, whose tag field
 * is absent, so that a switch over the known tags alone is not exhaustive (runtime/union-codec.ts).
 */
function discriminatedUnion(api: IrApi, type: IrUnionType, discriminator: IrDiscriminator): string {
  const tag = propertyKey(discriminator.tsName);
  const members = type.variants.map((name) => {
    const tags = discriminator.mapping.filter(([, variant]) => variant === name).map(([value]) => stringLiteral(value));
    const field = (typeNamed(api, name) as IrObjectType).properties.find((p) => p.wireName === discriminator.wireName);
    return field?.required && field.const !== undefined ? name : `(${name} & { ${tag}: ${tags.join(" | ")} })`;
  });
  const unknown = `{ ${tag}?: undefined; ${UNKNOWN_VARIANT_MEMBER}: { tag: string | undefined; raw: Record<string, unknown> } }`;
  return [...members, unknown].join(" | ");
}

function unionDocs(type: IrUnionType) {
  const discriminator = type.discriminator;
  if (discriminator === undefined) return jsDoc(type.description);
  const tags = discriminator.mapping.map(([value, variant]) => `${JSON.stringify(value)} ${variant}`).join(", ");
  return jsDoc(type.description, {
    remarks:
      `Told apart by \`${discriminator.tsName}\` (${tags}). A value whose tag this SDK does not know (a variant the server ` +
      `added later) is \`{ ${UNKNOWN_VARIANT_MEMBER}: { tag, raw } }\`, \`raw\` being the object as received; passed back in a ` +
      "request, it is sent unchanged.",
  });
}

function objectInterface(type: IrObjectType): StatementStructures {
  return {
    kind: StructureKind.Interface,
    name: type.name,
    isExported: true,
    docs: jsDoc(type.description, { deprecated: type.deprecated ? "" : undefined }),
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
          docs: unionDocs(type),
          type: type.discriminator ? discriminatedUnion(api, type, type.discriminator) : type.variants.join(" | "),
        };
    }
  });
  return { kind: StructureKind.SourceFile, statements };
}
