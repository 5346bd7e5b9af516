import { StructureKind, type ExportDeclarationStructure, type SourceFileStructure } from "ts-morph";
import type { IrApi } from "../ir.js";
import { clientCommonOptionsTypeName, clientOptionsTypeName, syncClientCommonOptionsTypeName, syncClientOptionsTypeName } from "../naming.js";
import { runtimeErrorClasses } from "../runtime-contract.js";
import { files, moduleSpecifier } from "./layout.js";

const exportFrom = (toFile: string, names: string[], isTypeOnly = false): ExportDeclarationStructure => ({
  kind: StructureKind.ExportDeclaration,
  moduleSpecifier: moduleSpecifier(files.index, toFile),
  isTypeOnly,
  namedExports: [...names].sort((a, b) => (a.replace(/^type /, "") < b.replace(/^type /, "") ? -1 : 1)),
});

/** The package's public entry: the client, its options, the errors, the models and the parameter types. */
export function emitIndex(api: IrApi, runtimeEntry: string): SourceFileStructure {
  const statements: ExportDeclarationStructure[] = [
    exportFrom(files.client, [
      api.clientClassName,
      api.syncClientClassName,
      `type ${clientOptionsTypeName(api.name)}`,
      `type ${clientCommonOptionsTypeName(api.name)}`,
      `type ${syncClientOptionsTypeName(api.name)}`,
      `type ${syncClientCommonOptionsTypeName(api.name)}`,
      ...(api.flagChecks ? ["type FlagCheckContext", "type FlagCheckResult"] : []),
    ]),
    exportFrom(files.errors, [...runtimeErrorClasses(api), ...api.errors.map((e) => e.className)]),
    exportFrom(
      runtimeEntry,
      [
        "Logger",
        "RequestOptions",
        "RuntimeOptions",
        "SyncRequestOptions",
        "SyncRuntimeOptions",
        ...(api.flagChecks ? ["CacheProvider", "FlagCacheOption", "FlagCacheOptions", "FlagCheckOptions", "FlagFallback"] : []),
        ...(api.events ? ["EventOptions", "EventStats"] : []),
      ],
      true,
    ),
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
    statements.push(exportFrom(files.resource(resource.name), [resource.className, resource.syncClassName, ...params]));
  }
  return { kind: StructureKind.SourceFile, statements };
}
