import { ClientCore, checkCall, type ClientSettings, type RequestGate } from "../client-core.js";
import { InvalidArgumentError } from "../errors.js";
import { checkSyncTransport, type SyncRequestOptions, type SyncRuntimeOptions } from "../options.js";
import type { WithResponse } from "../api-promise.js";
import { SyncBridge } from "./bridge.js";
import { trailOf, type CursorTrail, type PaginationSpec } from "../pagination.js";
import { SyncPage } from "./pagination.js";

/**
 * Where the worker finds the async client it runs (the generated client module and the class it exports), and which
 * options of the API stay in the calling thread: those of parts the sync client runs there itself, with what the
 * worker's client gets instead (a store kept in the calling thread is off in the worker).
 */
export interface SyncClientModule {
  url: string;
  exportName: string;
  callerOptions?: readonly string[];
  workerOptions?: Readonly<Record<string, unknown>>;
}

/** Options every sync client keeps in the calling thread; the others go to the async client in the worker. */
const CALLER_OPTIONS: readonly string[] = ["logger", "proxyUrl", "dispatcherModule", "dispatcher"];

/**
 * A sync resource method's call, as the calling thread needs it: the operation's descriptor stays in the worker (the
 * async client there loads it), so the sync client loads no descriptors and no codecs.
 */
export interface SyncCall {
  /** The async client's method the worker calls: "companies.upsertCompany". */
  readonly method: string;
  /** Method and path template, for messages: "POST /companies". */
  readonly route: string;
  /** Whether the method takes an argument object before its options. */
  readonly takesParams: boolean;
  /** How its pages follow one another, for a list that answers in pages. */
  readonly pagination?: PaginationSpec;
}

/**
 * What the sync client's resources call: refuses in the calling thread what needs no network (arguments or options
 * that are not objects, a signal, a closed request gate), and sends the rest to the worker through the bridge, where
 * the async client checks the parameters themselves with the same messages.
 */
export class SyncClientCore {
  readonly bridge: SyncBridge;
  private readonly gate: RequestGate | undefined;
  /** Whether calls answer `{ data, response }` (the core of a client's `withResponse` view). */
  private readonly withResponse: boolean = false;
  #responses: SyncClientCore | undefined;

  constructor(settings: Omit<ClientSettings, "dispatcher">, options: SyncRuntimeOptions & object, client: SyncClientModule) {
    checkSyncTransport(options);
    // The same checks and messages as the async client; the core itself sends nothing.
    new ClientCore(settings);
    this.gate = settings.gate;
    const callerOptions = new Set([...CALLER_OPTIONS, ...(client.callerOptions ?? [])]);
    const clientOptions: Record<string, unknown> = { ...client.workerOptions };
    for (const [name, value] of Object.entries(options)) if (!callerOptions.has(name)) clientOptions[name] = value;
    this.bridge = new SyncBridge({
      clientModule: client.url,
      clientExport: client.exportName,
      clientOptions,
      proxyUrl: options.proxyUrl,
      dispatcherModule: options.dispatcherModule,
      logger: options.logger,
      errorClasses: Object.values(settings.errorClasses),
    });
  }

  /** The same core, whose calls answer each result beside its response: what a client's `withResponse` view calls. */
  responses(): SyncClientCore {
    if (this.withResponse) return this;
    if (this.#responses === undefined) {
      const view: SyncClientCore = Object.create(this);
      Object.defineProperty(view, "withResponse", { value: true });
      this.#responses = view;
    }
    return this.#responses;
  }

  /** Sends a call through the worker's client method (`call.method`) and returns its result. */
  request<Result>(call: SyncCall, args: object = {}, options: SyncRequestOptions = {}): Result {
    return this.send(call, args, options, this.withResponse) as Result;
  }

  /** Sends a list call's first page through the worker; each next one is sent as its SyncPage is asked. */
  page<Item>(call: SyncCall, args: object = {}, options: SyncRequestOptions = {}): SyncPage<Item> {
    const { route: where } = call;
    const spec = call.pagination!;
    // The worker answers each page alone; the trail of cursors, which tells a cycle, is kept here.
    const toPage = ({ items, next }: CrossedPage<Item>, params: object, before: CursorTrail | undefined): SyncPage<Item> =>
      new SyncPage(items, next, fetch, where, trailOf(spec, params as Readonly<Record<string, unknown>>, next, before, where));
    const fetch = (params: object, trail: CursorTrail | undefined): SyncPage<Item> =>
      toPage(this.send(call, params, options, false) as CrossedPage<Item>, params, trail);
    if (!this.withResponse) return fetch(args, undefined);
    const { data, response } = this.send(call, args, options, true) as WithResponse<CrossedPage<Item>>;
    // The view's declared type maps SyncPage<Item> to WithResponse<SyncPage<Item>>.
    return { data: toPage(data, args, undefined), response } as unknown as SyncPage<Item>;
  }

  private send(call: SyncCall, args: object, options: SyncRequestOptions, withResponse: boolean): unknown {
    checkCall(call.route, args, options, this.gate);
    if ("signal" in options && options.signal !== undefined) {
      throw new InvalidArgumentError(`${call.method}: the sync client takes no signal (nothing could fire it while the call blocks); use timeoutMs or totalTimeoutMs`);
    }
    return this.bridge.call(call.method, call.takesParams ? [args, options] : [options], withResponse, call.takesParams ? 1 : 0);
  }
}

/** A page as the worker sends it: its items, and the arguments of the next page's request. */
interface CrossedPage<Item> {
  items: Item[];
  next: Record<string, unknown> | null;
}

/** A sync resource's methods, each answering its result beside its response. */
export type WithResponses<Resource> = {
  [Method in keyof Resource]: Resource[Method] extends (...args: infer Args) => infer Result ? (...args: Args) => WithResponse<Result> : never;
};

/** A sync client's resources as its `withResponse` view has them. */
export type ResponsesView<Resources> = { readonly [Name in keyof Resources]: WithResponses<Resources[Name]> };

/** The `withResponse` view of a sync client: its resources, built on first use over the core's responses(). */
export function responsesView<Resources>(core: SyncClientCore, classes: { [Name in keyof Resources]: new (core: SyncClientCore) => Resources[Name] }): ResponsesView<Resources> {
  const view = {};
  for (const [name, Resource] of Object.entries<new (core: SyncClientCore) => unknown>(classes)) {
    let resource: unknown;
    Object.defineProperty(view, name, { enumerable: true, get: () => (resource ??= new Resource(core.responses())) });
  }
  return Object.freeze(view) as ResponsesView<Resources>;
}
