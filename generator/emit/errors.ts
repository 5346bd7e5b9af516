import { StructureKind, VariableDeclarationKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import type { IrApi } from "../ir.js";
import { RUNTIME_ERROR_CLASSES } from "../runtime-contract.js";
import { jsDoc } from "./docs.js";
import { Imports, files } from "./layout.js";

/** One ApiError subclass per documented status, and the table the runtime uses to pick one. */
export function emitErrors(api: IrApi, runtimeEntry: string): SourceFileStructure {
  const imports = new Imports(files.errors).add(runtimeEntry, ["ApiError"]).add(runtimeEntry, ["ApiErrorClass"], true);
  const classes: StatementStructures[] = api.errors.map((error) => ({
    kind: StructureKind.Class,
    name: error.className,
    isExported: true,
    extends: "ApiError",
    docs: jsDoc(error.description, { remarks: `Thrown for HTTP ${error.status} responses.` }),
    properties: [{ name: "name", hasOverrideKeyword: true, initializer: JSON.stringify(error.className) }],
  }));
  const table = api.errors.map((error) => `${error.status}: ${error.className},`).join("\n");
  return {
    kind: StructureKind.SourceFile,
    statements: [
      ...imports.structures(),
      {
        kind: StructureKind.ExportDeclaration,
        moduleSpecifier: imports.specifier(runtimeEntry),
        namedExports: [...RUNTIME_ERROR_CLASSES],
      },
      ...classes,
      {
        kind: StructureKind.VariableStatement,
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        docs: jsDoc("The error class for each status the API documents; other statuses throw ApiError."),
        declarations: [
          { name: "errorClassesByStatus", type: "Readonly<Record<number, ApiErrorClass>>", initializer: `Object.freeze({\n${table}\n})` },
        ],
      },
    ],
  };
}
