import { StructureKind, type ExportDeclarationStructure, type SourceFileStructure } from "ts-morph";
import type { IrApi } from "../ir.js";
import { clientCommonOptionsTypeName, clientOptionsTypeName, syncClientCommonOptionsTypeName, syncClientOptionsTypeName } from "../naming.js";
import { usedCapabilities } from "../capabilities/index.js";
import { contractUse, publicRuntimeTypes, publicRuntimeValues, runtimeErrorClasses } from "../contract.js";
import { FLAVOURS } from "../flavour.js";
import { byRuntimeModule, files, moduleSpecifier } from "./layout.js";

const exportFrom = (toFile: string, names: string[], isTypeOnly = false): ExportDeclarationStructure => ({
  kind: StructureKind.ExportDeclaration,
  moduleSpecifier: moduleSpecifier(files.index, toFile),
  isTypeOnly,
  namedExports: [...names].sort((a, b) => (a.replace(/^type /, "") < b.replace(/^type /, "") ? -1 : 1)),
});

/** The package's public entry: the clients, their options, the errors, the models and the parameter types. */
export function emitIndex(api: IrApi, runtimeEntry: string): SourceFileStructure {
  const flavours = api.clients.map((kind) => FLAVOURS[kind]);
  const capabilities = usedCapabilities(api);
  const sync = api.clients.includes("sync");
  const use = contractUse(api);
  const statements: ExportDeclarationStructure[] = [
    exportFrom(files.client, [
      ...flavours.map((flavour) => flavour.clientClassName(api)),
      `type ${clientOptionsTypeName(api.name)}`,
      `type ${clientCommonOptionsTypeName(api.name)}`,
      ...(sync ? [`type ${syncClientOptionsTypeName(api.name)}`, `type ${syncClientCommonOptionsTypeName(api.name)}`] : []),
      ...capabilities.flatMap(({ capability }) => capability.exportedNames.map((name) => `type ${name}`)),
    ]),
    exportFrom(files.errors, [...runtimeErrorClasses(use), ...api.errors.map((e) => e.className)]),
    ...byRuntimeModule(runtimeEntry, publicRuntimeValues(use)).map(([module, names]) => exportFrom(module, names)),
    ...byRuntimeModule(runtimeEntry, publicRuntimeTypes(use)).map(([module, names]) => exportFrom(module, names, true)),
    exportFrom(
      files.types,
      api.types.map((t) => t.name),
      true,
    ),
  ];
  for (const resource of api.resources) {
    const params = resource.operations
      .filter((op) => op.pathParams.length > 0 || op.queryParams.length > 0)
      .map((op) => `type ${op.paramsType}`);
    statements.push(exportFrom(files.resource(resource.name), [...flavours.map((flavour) => flavour.resourceClassName(resource)), ...params]));
  }
  for (const { capability, ir } of capabilities) {
    for (const file of capability.standalone?.(api, ir, runtimeEntry) ?? []) statements.push(exportFrom(file.path, file.exports));
  }
  return { kind: StructureKind.SourceFile, statements };
}
