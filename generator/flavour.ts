import type { RuntimeName } from "./contract.js";
import type { IrApi, IrResource } from "./ir.js";

/**
 * What makes the async and the sync client differ, in one value: emitters and docs take a flavour and ask it, instead
 * of testing a boolean. The sync client runs the async one in a worker thread, so a package with it has both.
 */
export interface ClientFlavour {
  readonly kind: "async" | "sync";
  clientClassName(api: IrApi): string;
  resourceClassName(resource: IrResource): string;
  /** The client's core: ClientCore, or SyncClientCore, which reaches a ClientCore in its worker. */
  readonly core: RuntimeName;
  readonly requestOptions: RuntimeName;
  readonly runtimeOptions: RuntimeName;
  /** The declared type of a method answering `type`. */
  returns(type: string): string;
  /** A call expression as user code writes it (awaited or not). */
  call(expression: string): string;
  /** "resolves" or "returns", for doc comments. */
  readonly settles: string;
}

export const ASYNC: ClientFlavour = {
  kind: "async",
  clientClassName: (api) => api.clientClassName,
  resourceClassName: (resource) => resource.className,
  core: "ClientCore",
  requestOptions: "RequestOptions",
  runtimeOptions: "RuntimeOptions",
  returns: (type) => `Promise<${type}>`,
  call: (expression) => `await ${expression}`,
  settles: "resolves",
};

export const SYNC: ClientFlavour = {
  kind: "sync",
  clientClassName: (api) => api.syncClientClassName,
  resourceClassName: (resource) => resource.syncClassName,
  core: "SyncClientCore",
  requestOptions: "SyncRequestOptions",
  runtimeOptions: "SyncRuntimeOptions",
  returns: (type) => type,
  call: (expression) => expression,
  settles: "returns",
};

export const FLAVOURS: Readonly<Record<ClientFlavour["kind"], ClientFlavour>> = { async: ASYNC, sync: SYNC };
