import { workerData } from "node:worker_threads";
import { ApiError, InvalidArgumentError, TimeoutError } from "../errors.js";
import { isDispatcher, type Logger } from "../options.js";
import { loadUndici, proxyDispatcher, type Dispatcher } from "../transport.js";
import { describe } from "../url.js";
import { LOADED, STOPPED, WORKER_POSTED, type CallMessage, type ErrorData, type ReplyMessage, type WorkerData } from "./protocol.js";

/**
 * The worker of a sync client: runs the generated async client on the shared runtime and answers the calls the
 * caller blocks on. Every message it posts is followed by a notify on the signal word, which wakes the caller.
 */
const data = workerData as WorkerData;
const { port, logPort, signal } = data;
/** Calls under way: while one is, log lines go with the reply, so that they arrive before the call returns. */
let serving = 0;

function wake(): void {
  Atomics.store(signal, 0, WORKER_POSTED);
  Atomics.notify(signal, 0);
}

function post(message: ReplyMessage): void {
  port.postMessage(message);
  wake();
}

// The caller must hear when this worker stops, whatever the reason: while it waits, or at its next call.
process.on("exit", () => {
  Atomics.store(signal, STOPPED, 1);
  wake();
});
Atomics.store(signal, LOADED, 1);

const logger: Logger = {};
for (const level of data.logLevels) {
  logger[level] = (message: string) => (serving > 0 ? post({ log: level, message }) : logPort.postMessage({ log: level, message }));
}

/**
 * Longest wait for the dispatcher module (its import and createDispatcher()) within one call: fixed, not the client's
 * timeoutMs, since importing undici alone may take longer than a short timeoutMs on a busy machine.
 * SDK_DISPATCHER_MODULE_TIMEOUT_MS overrides it: a test hook, so that a hanging module fails in a test quickly.
 */
const DISPATCHER_MODULE_TIMEOUT_MS = Number(process.env.SDK_DISPATCHER_MODULE_TIMEOUT_MS) || 10_000;

/** The dispatcher module's load, started once: a call that gave up waiting leaves it running for the next call. */
let dispatcherLoading: Promise<Dispatcher> | undefined;

/** Marks the failure a later call may overcome (the wait ran out), unlike a module that threw or returned junk. */
class DispatcherModuleTimeout extends TimeoutError {}

async function dispatcherOf(): Promise<Dispatcher | undefined> {
  if (data.proxyUrl !== undefined) return proxyDispatcher(data.proxyUrl);
  const where = data.dispatcherModule;
  if (where === undefined) return undefined;
  dispatcherLoading ??= loadDispatcher(where);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    const message = `dispatcherModule ${where}: loading it and createDispatcher() did not settle within ${DISPATCHER_MODULE_TIMEOUT_MS} ms; the next call waits for it again`;
    timer = setTimeout(() => reject(new DispatcherModuleTimeout(message)), DISPATCHER_MODULE_TIMEOUT_MS).unref();
  });
  try {
    return await Promise.race([dispatcherLoading, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

async function loadDispatcher(where: string): Promise<Dispatcher> {
  const specifier = where.startsWith("file:") ? where : new URL(`file://${where}`).href;
  let factory: unknown;
  try {
    const module = (await import(specifier)) as { createDispatcher?: unknown; default?: { createDispatcher?: unknown } };
    factory = module.createDispatcher ?? module.default?.createDispatcher;
  } catch (error) {
    throw new InvalidArgumentError(`dispatcherModule ${where} could not be loaded: ${(error as Error).message}`);
  }
  if (typeof factory !== "function") {
    throw new InvalidArgumentError(`dispatcherModule ${where} must export a function createDispatcher()`);
  }
  let dispatcher: unknown;
  try {
    dispatcher = await (factory as () => unknown)();
  } catch (error) {
    throw new InvalidArgumentError(`dispatcherModule ${where}: createDispatcher() failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
  if (!isDispatcher(dispatcher)) {
    throw new InvalidArgumentError(`dispatcherModule ${where}: createDispatcher() must return an undici Dispatcher (Agent, ProxyAgent...), got ${describe(dispatcher)}`);
  }
  return dispatcher;
}

type Client = Record<string, unknown>;

// The worker exists to send requests: undici loads now, beside the client, rather than within the first call's timeoutMs.
const undiciLoaded = loadUndici().catch(() => undefined);

async function buildClient(): Promise<Client> {
  const module = (await import(data.clientModule)) as Record<string, new (options: object) => Client>;
  const Client = module[data.clientExport]!;
  const built = new Client({ ...data.clientOptions, dispatcher: await dispatcherOf(), logger });
  await undiciLoaded;
  return built;
}

let client: Client | undefined;
/**
 * The client being built. A client that cannot be built fails every call with the reason (it must not end the worker
 * unheard), except when only the wait for the dispatcher module ran out: the next call tries again.
 */
let building: Promise<Client> | undefined;

function clientReady(): Promise<Client> {
  building ??= buildClient().then(
    (built) => (client = built),
    (error: unknown) => {
      if (error instanceof DispatcherModuleTimeout) building = undefined;
      throw error;
    },
  );
  return building;
}
clientReady().catch(() => undefined);

async function invoke(method: string, args: unknown[], withResponse: boolean): Promise<unknown> {
  let target: Record<string, unknown> = client ?? (await clientReady());
  const path = method.split(".");
  for (const name of path.slice(0, -1)) target = target[name] as Record<string, unknown>;
  const fn = target?.[path.at(-1)!];
  if (typeof fn !== "function") throw new Error(`the client has no method ${method}`);
  const result = (fn as (...args: unknown[]) => unknown).apply(target, args);
  if (!withResponse) return crossable(await result);
  const { data, response } = await (result as { withResponse(): Promise<{ data: unknown; response: object }> }).withResponse();
  return { data: crossable(data), response: { ...response } };
}

/** A page of a list as it crosses to the caller: its items and the next page's arguments (its methods stay here). */
function crossable(value: unknown): unknown {
  const page = value as { items?: unknown; next?: unknown; hasNextPage?: unknown } | null;
  return typeof page?.hasNextPage === "function" ? { items: page.items, next: page.next } : value;
}

function errorData(error: unknown): ErrorData {
  if (error instanceof ApiError) {
    const cause = error.cause as { name?: string; message?: string; code?: string } | undefined;
    return {
      name: error.name,
      message: error.message,
      statusCode: error.statusCode,
      body: error.body,
      headers: error.headers,
      cause: cause === undefined ? undefined : { name: String(cause.name ?? "Error"), message: String(cause.message ?? cause), code: cause.code },
    };
  }
  const plain = error instanceof Error ? error : new Error(String(error));
  return { name: plain.name, message: plain.message, foreign: true };
}

async function serve({ id, method, args, withResponse }: CallMessage): Promise<void> {
  if (id !== undefined) serving++;
  try {
    const value = await invoke(method, args, withResponse === true);
    if (id !== undefined) post({ id, value });
  } catch (error) {
    if (id !== undefined) post({ id, error: errorData(error) });
    else logger.error?.(`${method} failed: ${(error as Error).message}`);
  } finally {
    if (id !== undefined) serving--;
  }
}

port.on("message", (message: CallMessage) => void serve(message));
