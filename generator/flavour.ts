import type { RuntimeName } from "./contract.js";
import type { IrApi, IrResource } from "./ir.js";
import { clientOptionsTypeName, syncClientOptionsTypeName } from "./naming.js";

/**
 * What makes the async and the sync client differ, in one value: emitters and docs take a flavour and ask it, instead
 * of testing a boolean. The sync client runs the async one in a worker thread, so a package with it has both.
 */
export interface ClientFlavour {
  readonly kind: "async" | "sync";
  clientClassName(api: IrApi): string;
  /** The type of the client's constructor argument. */
  optionsTypeName(api: IrApi): string;
  resourceClassName(resource: IrResource): string;
  /** The doc remark of a resource class. */
  resourceRemarks(api: IrApi, resource: IrResource): string;
  /**
   * How a resource method calls its core (`target`: what the core takes for the operation, see resources.ts
   * coreTarget; `args`: the argument expression); `paged` for an operation that answers in pages.
   */
  coreCall(target: string, args: string, paged: boolean): string;
  /** The client's core: ClientCore, or SyncClientCore, which reaches a ClientCore in its worker. */
  readonly core: RuntimeName;
  readonly requestOptions: RuntimeName;
  readonly runtimeOptions: RuntimeName;
  /** The declared type of a method answering `type`. */
  returns(type: string): string;
  /** The declared type of a resource method answering `type`, and the runtime type that needs, if any. */
  operationReturns(type: string): string;
  readonly operationResult: RuntimeName | undefined;
  /** The declared type of a resource method answering pages of `item`, and the runtime type that needs. */
  pageReturns(item: string): string;
  readonly pageResult: RuntimeName;
  /** A loop over every item a call answers, as user code writes it. */
  iterate(variable: string, expression: string): string;
  /** A call expression as user code writes it (awaited or not). */
  call(expression: string): string;
  /** "resolves" or "returns", for doc comments. */
  readonly settles: string;
}

export const ASYNC: ClientFlavour = {
  kind: "async",
  clientClassName: (api) => api.clientClassName,
  optionsTypeName: (api) => clientOptionsTypeName(api.name),
  resourceClassName: (resource) => resource.className,
  resourceRemarks: (_api, resource) => `Reached as \`client.${resource.name}\`.`,
  coreCall: (target, args, paged) => `this.core.${paged ? "page" : "call"}(${target}, ${args}, options)`,
  core: "ClientCore",
  requestOptions: "RequestOptions",
  runtimeOptions: "RuntimeOptions",
  returns: (type) => `Promise<${type}>`,
  operationReturns: (type) => `ApiPromise<${type}>`,
  operationResult: "ApiPromise",
  pageReturns: (item) => `PagePromise<${item}>`,
  pageResult: "PagePromise",
  iterate: (variable, expression) => `for await (const ${variable} of ${expression})`,
  call: (expression) => `await ${expression}`,
  settles: "resolves",
};

export const SYNC: ClientFlavour = {
  kind: "sync",
  clientClassName: (api) => api.syncClientClassName,
  optionsTypeName: (api) => syncClientOptionsTypeName(api.name),
  resourceClassName: (resource) => resource.syncClassName,
  resourceRemarks: (api, resource) =>
    `Reached as \`client.${resource.name}\` of {@link ${api.syncClientClassName}}: the methods of {@link ${resource.className}}, returning values instead of promises.`,
  coreCall: (target, args, paged) => `this.core.${paged ? "page" : "request"}(${target}, ${args}, options)`,
  core: "SyncClientCore",
  requestOptions: "SyncRequestOptions",
  runtimeOptions: "SyncRuntimeOptions",
  returns: (type) => type,
  operationReturns: (type) => type,
  operationResult: undefined,
  pageReturns: (item) => `SyncPage<${item}>`,
  pageResult: "SyncPage",
  iterate: (variable, expression) => `for (const ${variable} of ${expression})`,
  call: (expression) => expression,
  settles: "returns",
};

export const FLAVOURS: Readonly<Record<ClientFlavour["kind"], ClientFlavour>> = { async: ASYNC, sync: SYNC };
