import {
  Scope,
  StructureKind,
  VariableDeclarationKind,
  type MethodDeclarationStructure,
  type OptionalKind,
  type SourceFileStructure,
  type StatementStructures,
} from "ts-morph";
import { exampleCall } from "../examples.js";
import { FLAVOURS, type ClientFlavour } from "../flavour.js";
import type { IrApi, IrOperation, IrParam, IrResource } from "../ir.js";
import type { IrPaging } from "../capabilities/pagination/types.js";
import { codecName, operationConstName } from "../naming.js";
import { referencedNames } from "../type-expr.js";
import { stringLiteral } from "../escape.js";
import { jsDoc } from "./docs.js";
import { DEFAULT_MESSAGE_FIELD, messageFieldOf } from "./errors.js";
import { Imports, files } from "./layout.js";
import { codecExpression, codecHelpers, codecModels, needsCodec, tsType, typeNamed } from "./type-expr.js";
import { propertySignature } from "./types.js";
import { usedCapabilities } from "../capabilities/index.js";

const operationConst = (op: IrOperation) => operationConstName(op.name);

const pairs = (params: IrParam[]) => `[${params.map((p) => `[${JSON.stringify(p.tsName)}, ${JSON.stringify(p.wireName)}]`).join(", ")}]`;
/**
 * Query entries also say whether the parameter is a list, so the runtime refuses an array where one value is
 * expected, and mark calendar dates, which it checks before sending. A map or object parameter gives its style and,
 * when its entries need converting (field names, dates), its codec.
 */
const queryEntries = (api: IrApi, params: IrParam[], imports: Imports, codecs: string) => `[${params.map((p) => queryEntry(api, p, imports, codecs)).join(", ")}]`;

function queryEntry(api: IrApi, p: IrParam, imports: Imports, codecs: string): string {
  const names = `${JSON.stringify(p.tsName)}, ${JSON.stringify(p.wireName)}`;
  if (p.style !== undefined) {
    if (!needsCodec(api, p.type)) return `[${names}, ${JSON.stringify(p.style)}]`;
    const expression = codecExpression(api, p.type, false);
    imports.add(codecs, codecModels(api, p.type));
    imports.runtime(...codecHelpers(expression));
    return `[${names}, ${JSON.stringify(p.style)}, ${expression}]`;
  }
  const item = p.type.kind === "list" ? p.type.item : p.type;
  const parts = [p.type.kind === "list" ? "list" : "scalar", ...(item.kind === "date" ? ["date"] : [])];
  return `[${names}, ${parts.map((part) => JSON.stringify(part)).join(", ")}]`;
}

/** What the method answers: a Download for a binary body, a string for text, else the response type's value. */
export function resultType(op: IrOperation): string {
  if (op.response.content === "binary") return "Download";
  if (op.response.content === "text") return "string";
  return op.response.type ? tsType(op.response.type) : "void";
}

/** The models whose codecs an operation's descriptor uses. */
export function descriptorModels(api: IrApi, op: IrOperation): string[] {
  const refs = [...op.queryParams.filter((p) => p.style !== undefined && needsCodec(api, p.type)).map((p) => p.type), ...(op.response.type ? [op.response.type] : [])];
  const models = refs.flatMap((ref) => referencedNames(ref)).filter((name) => typeNamed(api, name)?.kind !== "enum");
  return [...models, ...(op.body ? [op.body] : []), ...(op.errorBody ? [op.errorBody.type] : [])];
}

/** An operation's descriptor, its codecs imported from `codecs` (codecs.ts, or client-codecs.ts for one loaded with the client). */
function operationDescriptor(api: IrApi, op: IrOperation, imports: Imports, codecs: string): StatementStructures {
  const fields = [`method: ${JSON.stringify(op.method)}`, `path: ${stringLiteral(op.path)}`, `server: ${JSON.stringify(op.server)}`];
  if (op.pathParams.length > 0) fields.push(`pathParams: ${pairs(op.pathParams)}`);
  if (op.queryParams.length > 0) fields.push(`query: ${queryEntries(api, op.queryParams, imports, codecs)}`);
  if (op.body) {
    fields.push(`body: ${codecName(op.body)}`);
    imports.add(codecs, [codecName(op.body)]);
  }
  if (op.response.type) {
    const expression = codecExpression(api, op.response.type, false);
    imports.add(codecs, codecModels(api, op.response.type));
    imports.runtime(...codecHelpers(expression));
    fields.push(`response: ${expression}`);
  } else {
    fields.push("response: null");
  }
  if (op.response.content !== "json") fields.push(`content: ${JSON.stringify(op.response.content)}`);
  if (op.response.content === "binary") imports.runtimeTypes("Download");
  if (op.response.envelope) fields.push(`envelope: ${JSON.stringify(op.response.envelope)}`);
  if (op.paging) fields.push(`pagination: ${JSON.stringify(pagingSpec(op, op.paging))}`);
  // Only when the error classes (and ApiError, for statuses without one) would read another field.
  const messageField = op.errorBody?.messageField;
  if (messageField !== undefined && (messageField !== DEFAULT_MESSAGE_FIELD || api.errors.some((e) => messageFieldOf(e) !== messageField))) {
    fields.push(`errorMessageField: ${JSON.stringify(messageField)}`);
  }
  if (op.errorBody) {
    fields.push(`errorBody: ${codecName(op.errorBody.type)}`);
    imports.add(codecs, [codecName(op.errorBody.type)]);
  }
  imports.runtime("Operation");
  return {
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: jsDoc(`How \`${op.name}\` is sent; for the runtime, not part of the public API.`, { internal: "" }),
    declarations: [{ name: operationConst(op), type: `Operation<${resultType(op)}>`, initializer: `{\n${fields.join(",\n")}\n}` }],
  };
}

/**
 * The runtime's PaginationSpec of an operation that pages (its item type is the generator's business only), with the
 * documented maximum of its page-size parameter: a server answers no more, so a page that size is a full one.
 */
function pagingSpec(op: IrOperation, { item: _item, ...spec }: IrPaging): object {
  const sizeParam = spec.style === "offset" ? spec.limit : spec.style === "page" ? spec.perPage : undefined;
  const maximum = op.queryParams.find((p) => p.tsName === sizeParam)?.constraints?.maximum;
  return maximum === undefined ? spec : { ...spec, maxPageSize: maximum };
}

/** The declared type of a resource method, for one client flavour. */
export function methodReturns(op: IrOperation, flavour: ClientFlavour): string {
  return op.paging ? flavour.pageReturns(tsType(op.paging.item)) : flavour.operationReturns(resultType(op));
}

function paramsInterface(op: IrOperation): StatementStructures | undefined {
  if (op.pathParams.length === 0 && op.queryParams.length === 0) return undefined;
  return {
    kind: StructureKind.Interface,
    name: op.paramsType!,
    isExported: true,
    extends: op.body ? [op.body] : [],
    docs: jsDoc(`Parameters of \`${op.name}\`${op.body ? `: its path and query parameters beside the fields of ${op.body}` : ""}.`),
    properties: [...op.pathParams, ...op.queryParams].map(propertySignature),
  };
}

/** The operations whose descriptors load with the client: those a capability's client code sends itself. */
export function eagerOperations(api: IrApi): ReadonlySet<IrOperation> {
  return new Set(usedCapabilities(api).flatMap(({ capability, ir }) => capability.eagerOperations?.(ir) ?? []));
}

/** The resource's operations whose descriptors its operations module holds, loaded on the resource's first call. */
const deferredOperations = (resource: IrResource, eager: ReadonlySet<IrOperation>) => resource.operations.filter((op) => !eager.has(op));

/** An operation's method and path template as a string literal: how messages name it ("GET /plans/{plan_id}"). */
const routeLiteral = (op: IrOperation) => stringLiteral(`${op.method} ${op.path}`);

/** The name of the module-level loader of a resource file's operations module. */
const LOADER = "operations";

/**
 * What a method hands its core for the operation: the async core takes the descriptor, or a DeferredOperation (its
 * route, and the way to load it from the operations module); the sync core a SyncCall (the descriptor stays in its
 * worker).
 */
function coreTarget(resource: IrResource, op: IrOperation, flavour: ClientFlavour, eager: boolean): string {
  if (flavour.kind === "async") return eager ? operationConst(op) : `{ route: ${routeLiteral(op)}, load: () => ${LOADER}().then((m) => m.${operationConst(op)}) }`;
  return syncCall(resource, op);
}

/** The runtime's SyncCall of an operation, as an object literal. */
export function syncCall(resource: IrResource, op: IrOperation): string {
  const fields = [
    `method: ${JSON.stringify(`${resource.name}.${op.name}`)}`,
    `route: ${routeLiteral(op)}`,
    `takesParams: ${op.paramsType !== undefined}`,
    ...(op.paging ? [`pagination: ${JSON.stringify(pagingSpec(op, op.paging))}`] : []),
  ];
  return `{ ${fields.join(", ")} }`;
}

function method(api: IrApi, resource: IrResource, op: IrOperation, flavour: ClientFlavour, eager: boolean): OptionalKind<MethodDeclarationStructure> {
  const parameters = [];
  if (op.paramsType) parameters.push({ name: "params", type: op.paramsType, hasQuestionToken: !op.paramsRequired });
  parameters.push({ name: "options", type: flavour.requestOptions, hasQuestionToken: true });
  const args = op.paramsType ? "params" : "{}";
  return {
    name: op.name,
    parameters,
    returnType: methodReturns(op, flavour),
    docs: jsDoc(op.description, {
      remarks: `\`${op.method} ${op.path}\``,
      example: `\n${exampleCall(api, resource, op, undefined, "client", flavour)}`,
      deprecated: op.deprecated ? "" : undefined,
    }),
    statements: `return ${flavour.coreCall(coreTarget(resource, op, flavour, eager), args, op.paging !== undefined)};`,
  };
}

/** The resource's class for one client flavour. */
function resourceClass(api: IrApi, resource: IrResource, flavour: ClientFlavour, eager: ReadonlySet<IrOperation>): StatementStructures {
  return {
    kind: StructureKind.Class,
    name: flavour.resourceClassName(resource),
    isExported: true,
    docs: jsDoc(resource.description, { remarks: flavour.resourceRemarks(api, resource) }),
    ctors: [{ parameters: [{ name: "core", type: flavour.core, scope: Scope.Private, isReadonly: true }] }],
    methods: resource.operations.map((op) => method(api, resource, op, flavour, eager.has(op))),
  };
}

/** The types an operation's descriptor or method names. */
function operationTypeNames(op: IrOperation): string[] {
  return [
    ...(op.body ? [op.body] : []),
    ...[...op.pathParams, ...op.queryParams].flatMap((p) => referencedNames(p.type)),
    ...(op.response.type ? referencedNames(op.response.type) : []),
    ...(op.paging ? referencedNames(op.paging.item) : []),
  ];
}

/**
 * One file per resource: its parameter types and its class for each client flavour, with the descriptors of the
 * operations capabilities send themselves. The other descriptors are in its operations module (emitOperations),
 * which the async class loads on its first call: importing the package costs the same however large the API is.
 */
export function emitResource(api: IrApi, resource: IrResource, runtimeEntry: string): SourceFileStructure {
  const file = files.resource(resource.name);
  const flavours = api.clients.map((kind) => FLAVOURS[kind]);
  const eager = eagerOperations(api);
  const imports = new Imports(file, runtimeEntry).runtimeTypes(...flavours.flatMap((flavour) => [flavour.core, flavour.requestOptions]));
  for (const flavour of flavours) {
    if (resource.operations.some((op) => !op.paging) && flavour.operationResult) imports.runtimeTypes(flavour.operationResult);
    if (resource.operations.some((op) => op.paging)) imports.runtimeTypes(flavour.pageResult);
  }
  const statements: StatementStructures[] = [];
  for (const op of resource.operations) {
    const params = paramsInterface(op);
    if (params) statements.push(params);
    imports.add(files.types, operationTypeNames(op), true);
    if (op.response.content === "binary") imports.runtimeTypes("Download");
    if (eager.has(op)) statements.push(operationDescriptor(api, op, imports, files.clientCodecs));
  }
  if (deferredOperations(resource, eager).length > 0) {
    imports.runtime("loadOnFirstUse");
    const module = imports.specifier(files.operations(resource.name));
    statements.push({
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      docs: jsDoc(`The descriptors of \`client.${resource.name}\`'s operations, loaded on its first call.`),
      declarations: [
        {
          name: LOADER,
          initializer: `loadOnFirstUse(${stringLiteral(`the operations of client.${resource.name}`)}, () => import(${JSON.stringify(module)}))`,
        },
      ],
    });
  }
  statements.push(...flavours.map((flavour) => resourceClass(api, resource, flavour, eager)));
  return { kind: StructureKind.SourceFile, statements: [...imports.structures(), ...statements] };
}

/** A resource's operations module: the descriptors of its operations but those emitResource keeps; none when empty. */
export function emitOperations(api: IrApi, resource: IrResource, runtimeEntry: string): SourceFileStructure | undefined {
  const deferred = deferredOperations(resource, eagerOperations(api));
  if (deferred.length === 0) return undefined;
  const imports = new Imports(files.operations(resource.name), runtimeEntry);
  const statements: StatementStructures[] = [];
  for (const op of deferred) {
    // A descriptor's declared type names only its result.
    imports.add(files.types, op.response.type ? referencedNames(op.response.type) : [], true);
    statements.push(operationDescriptor(api, op, imports, files.codecs));
  }
  return { kind: StructureKind.SourceFile, statements: [...imports.structures(), ...statements] };
}
