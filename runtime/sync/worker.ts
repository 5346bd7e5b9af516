import { workerData } from "node:worker_threads";
import { ApiError, InvalidArgumentError } from "../errors.js";
import type { Logger } from "../options.js";
import { checkDispatcher } from "../options.js";
import { proxyDispatcher, type Dispatcher } from "../transport.js";
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

async function dispatcherOf(): Promise<Dispatcher | undefined> {
  if (data.proxyUrl !== undefined) return proxyDispatcher(data.proxyUrl);
  if (data.dispatcherModule === undefined) return undefined;
  const specifier = data.dispatcherModule.startsWith("file:") ? data.dispatcherModule : new URL(`file://${data.dispatcherModule}`).href;
  let factory: unknown;
  try {
    const module = (await import(specifier)) as { createDispatcher?: unknown; default?: { createDispatcher?: unknown } };
    factory = module.createDispatcher ?? module.default?.createDispatcher;
  } catch (error) {
    throw new InvalidArgumentError(`dispatcherModule ${data.dispatcherModule} could not be loaded: ${(error as Error).message}`);
  }
  if (typeof factory !== "function") {
    throw new InvalidArgumentError(`dispatcherModule ${data.dispatcherModule} must export a function createDispatcher()`);
  }
  return checkDispatcher(await (factory as () => unknown)());
}

type Client = Record<string, unknown>;

const ready: Promise<Client> = (async () => {
  const module = (await import(data.clientModule)) as Record<string, new (options: object) => Client>;
  const Client = module[data.clientExport]!;
  return new Client({ ...data.clientOptions, dispatcher: await dispatcherOf(), logger });
})();
// A client that cannot be built fails every call with the reason; it must not end the worker unheard.
ready.catch(() => undefined);
let client: Client | undefined;
void ready.then(
  (built) => (client = built),
  () => undefined,
);

async function invoke(method: string, args: unknown[]): Promise<unknown> {
  let target: Record<string, unknown> = client ?? (await ready);
  const path = method.split(".");
  for (const name of path.slice(0, -1)) target = target[name] as Record<string, unknown>;
  const fn = target?.[path.at(-1)!];
  if (typeof fn !== "function") throw new Error(`the client has no method ${method}`);
  return (fn as (...args: unknown[]) => unknown).apply(target, args);
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

async function serve({ id, method, args }: CallMessage): Promise<void> {
  if (id !== undefined) serving++;
  try {
    const value = await invoke(method, args);
    if (id !== undefined) post({ id, value });
  } catch (error) {
    if (id !== undefined) post({ id, error: errorData(error) });
    else logger.error?.(`${method} failed: ${(error as Error).message}`);
  } finally {
    if (id !== undefined) serving--;
  }
}

port.on("message", (message: CallMessage) => void serve(message));
