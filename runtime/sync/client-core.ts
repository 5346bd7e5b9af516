import { ClientCore, checkCall, checkParams, type ClientSettings, type Operation, type RequestGate } from "../client-core.js";
import { InvalidArgumentError } from "../errors.js";
import { checkSyncTransport, type SyncRequestOptions, type SyncRuntimeOptions } from "../options.js";
import { SyncBridge } from "./bridge.js";

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
 * What the sync client's resources call: checks a call as the async client does, answers what needs no network
 * (bad arguments, a closed request gate) in the calling thread, and sends the rest to the worker through the bridge.
 */
export class SyncClientCore {
  readonly bridge: SyncBridge;
  private readonly gate: RequestGate | undefined;

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

  /** Sends an operation through the worker's client method `method` ("companies.upsertCompany") and returns its result. */
  request<Result>(op: Operation<Result>, method: string, args: object = {}, options: SyncRequestOptions = {}): Result {
    checkCall(op, args, options, this.gate);
    // Here rather than in the worker: a function or symbol could not even cross to it, and the error names the parameter.
    checkParams(op, args);
    if ("signal" in options && options.signal !== undefined) {
      throw new InvalidArgumentError(`${method}: the sync client takes no signal (nothing could fire it while the call blocks); use timeoutMs or totalTimeoutMs`);
    }
    // The worker calls the async client's method, which takes the argument object only when the operation has one.
    const takesArguments = op.pathParams !== undefined || op.query !== undefined || op.body !== undefined;
    return this.bridge.call(method, takesArguments ? [args, options] : [options]) as Result;
  }
}
