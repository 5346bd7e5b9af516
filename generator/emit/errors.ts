import { StructureKind, VariableDeclarationKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import type { IrApi, IrError } from "../ir.js";
import { codecName } from "../naming.js";
import { contractUse, runtimeErrorClasses } from "../contract.js";
import { jsDoc } from "./docs.js";
import { Imports, byRuntimeModule, files } from "./layout.js";

/** The runtime's DEFAULT_MESSAGE_FIELD: a class whose message field is this one needs no static. */
export const DEFAULT_MESSAGE_FIELD = "error";

/** Body field of an error class's server message. */
export const messageFieldOf = (error: IrError) => error.body?.messageField ?? DEFAULT_MESSAGE_FIELD;

/**
 * The body types an error of this class may carry: its own (or the API's) and those of operations that declare their
 * own. Undefined (the body stays unknown) when an operation without a body of its own may throw it undecoded: neither
 * the class nor the API declares one, and not every operation does.
 */
function bodyTypes(api: IrApi, error: IrError): string[] | undefined {
  const operations = api.resources.flatMap((resource) => resource.operations);
  if (!error.body && (operations.length === 0 || operations.some((op) => !op.errorBody))) return undefined;
  const types = new Set(error.body ? [error.body.type] : []);
  for (const op of operations) if (op.errorBody) types.add(op.errorBody.type);
  return [...types].sort();
}

/** One ApiError subclass per status (the standard ones and the manifest's), and the table the runtime uses to pick one. */
export function emitErrors(api: IrApi, runtimeEntry: string): SourceFileStructure {
  const imports = new Imports(files.errors, runtimeEntry).runtime("ApiError", "ApiErrorClass");
  const classes: StatementStructures[] = api.errors.map((error) => {
    const types = bodyTypes(api, error);
    if (types) imports.add(files.types, types, true);
    const messageField = messageFieldOf(error);
    if (error.body) imports.add(files.clientCodecs, [codecName(error.body.type)]);
    return {
      kind: StructureKind.Class,
      name: error.className,
      isExported: true,
      extends: types ? `ApiError<${types.join(" | ")}>` : "ApiError",
      docs: jsDoc(error.description, { remarks: `Thrown for HTTP ${error.status} responses.` }),
      properties: [
        ...(messageField === DEFAULT_MESSAGE_FIELD
          ? []
          : [{ name: "messageField", isStatic: true, isReadonly: true, hasOverrideKeyword: true, initializer: JSON.stringify(messageField) }]),
        ...(error.body
          ? [{ name: "bodyCodec", isStatic: true, isReadonly: true, hasOverrideKeyword: true, initializer: codecName(error.body.type) }]
          : []),
        { name: "name", hasOverrideKeyword: true, initializer: JSON.stringify(error.className) },
      ],
    };
  });
  const table = api.errors.map((error) => `${error.status}: ${error.className},`).join("\n");
  return {
    kind: StructureKind.SourceFile,
    statements: [
      ...imports.structures(),
      ...byRuntimeModule(runtimeEntry, runtimeErrorClasses(contractUse(api))).map(
        ([module, names]): StatementStructures => ({ kind: StructureKind.ExportDeclaration, moduleSpecifier: imports.specifier(module), namedExports: names }),
      ),
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
