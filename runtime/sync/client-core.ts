import { ClientCore, checkCall, checkParams, type ClientSettings, type Operation } from "../client-core.js";
import { InvalidArgumentError } from "../errors.js";
import { checkSyncTransport, type SyncRequestOptions, type SyncRuntimeOptions } from "../options.js";
import { SyncBridge } from "./bridge.js";

/** Where the worker finds the async client it runs: the generated client module and the class it exports. */
export interface SyncClientModule {
  url: string;
  exportName: string;
}

/** Options a sync client keeps in the calling thread; the others go to the async client in the worker. */
// closeOnSignals too: signals reach this thread, where SyncEvents handles them; the worker must not.
const CALLER_OPTIONS = new Set(["logger", "proxyUrl", "dispatcherModule", "cache", "dispatcher", "closeOnSignals"]);

/**
 * What the sync client's resources call: checks a call as the async client does, answers what needs no network
 * (bad arguments, offline) in the calling thread, and sends the rest to the worker through the bridge.
 */
export class SyncClientCore {
  readonly bridge: SyncBridge;
  private readonly offline: boolean;

  constructor(settings: Omit<ClientSettings, "dispatcher">, options: SyncRuntimeOptions & object, client: SyncClientModule) {
    checkSyncTransport(options);
    // The same checks and messages as the async client; the core itself sends nothing.
    new ClientCore(settings);
    this.offline = settings.offline === true;
    const clientOptions: Record<string, unknown> = { cache: false };
    for (const [name, value] of Object.entries(options)) if (!CALLER_OPTIONS.has(name)) clientOptions[name] = value;
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

  /** Sends an operation through the worker's client method `method` ("companies.upsertCompany") and returns its result. */
  request<Result>(op: Operation<Result>, method: string, args: object = {}, options: SyncRequestOptions = {}): Result {
    checkCall(op, args, options, this.offline);
    // Here rather than in the worker: a function or symbol could not even cross to it, and the error names the parameter.
    checkParams(op, args);
    if ("signal" in options && options.signal !== undefined) {
      throw new InvalidArgumentError(`${method}: the sync client takes no signal (nothing could fire it while the call blocks); use timeoutMs or totalTimeoutMs`);
    }
    return this.bridge.call(method, [args, options]) as Result;
  }
}
