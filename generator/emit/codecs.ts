import { StructureKind, VariableDeclarationKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import { stringLiteral } from "../escape.js";
import type { IrApi, IrObjectType, IrTypeRef, IrUnionType } from "../ir.js";
import { codecName } from "../naming.js";
import { Imports, files, propertyKey } from "./layout.js";
import { needsCodec, typeNamed } from "./type-expr.js";
import { usedCapabilities } from "../capabilities/index.js";
import { descriptorModels, eagerOperations } from "./resources.js";

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

/** The models a model's shape names (fields' models, union variants). */
function modelsNamed(shape: unknown): string[] {
  if (typeof shape === "string") return shape.startsWith("#") ? [shape.slice(1)] : [];
  if (!Array.isArray(shape)) {
    const { o, u, d } = shape as { o?: unknown[][]; u?: unknown[][]; d?: [string, string, [string, string][]] };
    if (o) return o.flatMap((field) => modelsNamed(field[2] ?? "i"));
    if (u) return u.map((variant) => variant[2] as string);
    return d![2].map(([, variant]) => variant);
  }
  return shape.flatMap(modelsNamed);
}

type Model = IrObjectType | IrUnionType;

/** The models `names` name and every model those convert through, in the API's order. */
export function modelsReached(api: IrApi, names: readonly string[]): Model[] {
  const reached = new Set<string>();
  const visit = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    const type = typeNamed(api, name);
    if (type !== undefined && type.kind !== "enum") modelsNamed(modelShape(api, type)).forEach(visit);
  };
  names.forEach(visit);
  return api.types.filter((type): type is Model => type.kind !== "enum" && reached.has(type.name));
}

/**
 * One codec per object and union model, internal, used by the operation descriptors to convert bodies and results: a
 * table of each model's wire shape as JSON text (read when the model is first converted), and a named codec per model.
 * The operations modules import it, so it loads on the first call of a resource.
 */
export function emitCodecs(api: IrApi, runtimeEntry: string): SourceFileStructure {
  return codecModule(api, files.codecs, api.types.filter((type): type is Model => type.kind !== "enum"), runtimeEntry);
}

/** The models whose codecs load with the package: error bodies, the operations and models capabilities use themselves. */
export function clientModels(api: IrApi): Model[] {
  const eager = eagerOperations(api);
  const named = [
    ...api.errors.flatMap((error) => (error.body ? [error.body.type] : [])),
    ...api.resources.flatMap((resource) => resource.operations.filter((op) => eager.has(op)).flatMap((op) => descriptorModels(api, op))),
    ...usedCapabilities(api).flatMap(({ capability, ir }) => capability.eagerModels?.(ir) ?? []),
  ];
  return modelsReached(api, [...new Set(named)]);
}

/** The codecs of clientModels, which codecs.ts has too: importing the package loads these few rather than every model's. */
export function emitClientCodecs(api: IrApi, runtimeEntry: string): SourceFileStructure | undefined {
  const models = clientModels(api);
  return models.length === 0 ? undefined : codecModule(api, files.clientCodecs, models, runtimeEntry);
}

function codecModule(api: IrApi, file: string, models: readonly Model[], runtimeEntry: string): SourceFileStructure {
  const imports = new Imports(file, runtimeEntry);
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
