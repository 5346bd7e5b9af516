import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { MessagePort, Worker } from "node:worker_threads";
import { ApiError, InvalidArgumentError, RUNTIME_ERROR_CLASSES, type ApiErrorClass } from "../errors.js";
import type { Logger } from "../options.js";
import { IDLE, LOADED, SIGNAL_WORDS, STOPPED, uncrossable, type CallMessage, type ErrorData, type ReplyMessage, type WorkerData } from "./protocol.js";

/** node:worker_threads, loaded by the first sync client to start: it costs an import of the package milliseconds. */
let threads: typeof import("node:worker_threads") | undefined;
const workerThreads = () => (threads ??= process.getBuiltinModule("node:worker_threads"));

export interface SyncBridgeSettings {
  /** URL of the module that exports the async client the worker runs: the generated client module. */
  clientModule: string;
  clientExport: string;
  /** Options of that client; plain data only. */
  clientOptions: Record<string, unknown>;
  proxyUrl: string | undefined;
  dispatcherModule: string | undefined;
  logger: Logger | undefined;
  /** The API's own error classes, so that an error crosses as the class it was thrown as. */
  errorClasses: readonly ApiErrorClass[];
}

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** Longest wait for a new worker to load before a call gives up on it: it may have failed before it could say so. */
const WORKER_START_TIMEOUT_MS = 30_000;

/** Options of the parent process that a worker must not inherit: they are about the parent's own entry script. */
const ENTRY_OPTIONS = new Set(["-e", "--eval", "-p", "--print", "--input-type"]);

function workerExecArgv(): string[] {
  const kept: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const argument = process.execArgv[i]!;
    const name = argument.split("=")[0]!;
    if (!ENTRY_OPTIONS.has(name)) kept.push(argument);
    else if (!argument.includes("=")) i++; // its value is the next argument
  }
  return kept;
}

/** The worker sits beside this file: worker.js once built; from the TypeScript sources, an entry that loads worker.ts. */
const workerUrl = new URL(import.meta.url.endsWith(".ts") ? "./worker-source.mjs" : "./worker.js", import.meta.url);

/**
 * Runs an async client in a worker thread and calls it synchronously. The caller posts a call, then sleeps in
 * Atomics.wait on a shared word until the worker notifies it, and takes the reply off the port with
 * receiveMessageOnPort: no busy-waiting, and no event-loop turn in the caller. The worker starts on the first call
 * and never keeps the process alive.
 */
export class SyncBridge {
  /** #private, as is the worker it is handed to: the options hold the API key, which no inspect or JSON may show. */
  readonly #settings: SyncBridgeSettings;
  #worker: Worker | undefined;
  private port: MessagePort | undefined;
  private logPort: MessagePort | undefined;
  /** One per worker: a worker that is stopping must not wake the caller of its successor. */
  private signal = new Int32Array(new SharedArrayBuffer(SIGNAL_WORDS * 4));
  private lastId = 0;
  /**
   * Replies taken off the port by a call other than theirs: a logger may make a call of its own while an outer call
   * waits, and whichever call reads a reply keeps it here for the call it belongs to.
   */
  private readonly repliesById = new Map<number, ReplyMessage>();
  private errorClassesByName: Map<string, ApiErrorClass> | undefined;

  constructor(settings: SyncBridgeSettings) {
    try {
      structuredClone(settings.clientOptions);
    } catch (error) {
      throw new InvalidArgumentError(`sync client options must be plain data (no functions or class instances): ${(error as Error).message}`);
    }
    this.#settings = settings;
  }

  /** Whether the worker has been started (by a call or a post). */
  get started(): boolean {
    return this.#worker !== undefined;
  }

  /**
   * Calls a method of the client in the worker and blocks until it settles; returns its value or throws its error.
   * May be re-entered from the logger, which runs while a call waits: each call takes its own reply.
   */
  call(method: string, args: unknown[], withResponse = false, optionsAt = args.length - 1): unknown {
    const port = this.start();
    const { signal } = this;
    const id = ++this.lastId;
    this.send(port, withResponse ? { id, method, args, withResponse } : { id, method, args }, optionsAt);
    const startBy = Date.now() + WORKER_START_TIMEOUT_MS;
    for (;;) {
      // Reset before reading the port: a message posted after the last read sets the word again, so the wait below
      // returns at once rather than missing it.
      Atomics.store(signal, 0, IDLE);
      const { receiveMessageOnPort } = workerThreads();
      for (let received = receiveMessageOnPort(port); received !== undefined; received = receiveMessageOnPort(port)) {
        const reply = received.message as ReplyMessage;
        if ("log" in reply) this.log(reply);
        else this.repliesById.set(reply.id, reply);
      }
      const reply = this.repliesById.get(id);
      if (reply !== undefined) {
        this.repliesById.delete(id);
        if ("error" in reply) throw this.rebuild(reply.error);
        return (reply as { value: unknown }).value;
      }
      if (Atomics.load(signal, STOPPED) === 1) {
        if (this.signal === signal) this.stopped();
        throw new ApiError(`${method} failed: the sync client's worker thread stopped unexpectedly`);
      }
      // Until the worker has loaded it cannot report its own failure, so only that wait is bounded.
      const loaded = Atomics.load(signal, LOADED) === 1;
      const outcome = Atomics.wait(signal, 0, IDLE, loaded ? Infinity : Math.max(0, startBy - Date.now()));
      if (outcome === "timed-out" && Atomics.load(signal, LOADED) === 0) {
        this.stop();
        throw new ApiError(`${method} failed: the sync client's worker thread did not start within ${WORKER_START_TIMEOUT_MS} ms`);
      }
    }
  }

  /** Posts a call that is not waited for: its errors are logged, not thrown. */
  post(method: string, args: unknown[], optionsAt = -1): void {
    this.send(this.start(), { method, args }, optionsAt);
  }

  /** `optionsAt`: the index of the call's options among its arguments (-1: none), for the message of a refusal. */
  private send(port: MessagePort, message: CallMessage, optionsAt: number): void {
    try {
      port.postMessage(message);
    } catch (error) {
      const culprit = uncrossable(message.args, optionsAt);
      const why = culprit === undefined ? (error as Error).message : `${culprit}, which cannot cross to the worker thread`;
      throw new InvalidArgumentError(`${message.method}: arguments must be plain data (objects, arrays, strings, numbers, booleans, null, Date): ${why}`);
    }
  }

  private start(): MessagePort {
    // A worker that stopped between two calls (a crash) is replaced.
    if (this.port && Atomics.load(this.signal, STOPPED) === 1) this.stopped();
    if (this.port) return this.port;
    if (workerUrl.protocol === "file:" && !existsSync(fileURLToPath(workerUrl))) {
      // Without its worker file (a bundle that left it out) the caller would wait forever: say so instead.
      throw new ApiError(`the sync client cannot start: its worker file ${fileURLToPath(workerUrl)} is missing`);
    }
    const { MessageChannel, Worker } = workerThreads();
    const { port1, port2 } = new MessageChannel();
    const logs = new MessageChannel();
    const settings = this.#settings;
    this.signal = new Int32Array(new SharedArrayBuffer(SIGNAL_WORDS * 4));
    const workerData: WorkerData = {
      signal: this.signal,
      port: port2 as unknown as WorkerData["port"],
      logPort: logs.port2 as unknown as WorkerData["logPort"],
      clientModule: settings.clientModule,
      clientExport: settings.clientExport,
      clientOptions: settings.clientOptions,
      proxyUrl: settings.proxyUrl,
      dispatcherModule: settings.dispatcherModule,
      logLevels: LOG_LEVELS.filter((level) => typeof settings.logger?.[level] === "function"),
    };
    const worker = new Worker(workerUrl, { workerData, transferList: [port2, logs.port2], execArgv: workerExecArgv() });
    worker.unref();
    // Reported when this thread is idle; a call under way learns of a stopped worker from the signal word.
    worker.on("error", (error) => this.log({ log: "error", message: `the sync client's worker failed: ${error.message}` }));
    worker.on("exit", () => {
      if (this.#worker === worker) this.stopped();
    });
    // Replies are only ever read by call(), with receiveMessageOnPort: no listener, so posting one does not also
    // wake this thread's event loop. Log lines written while no call waits are handled when this thread is idle.
    port1.unref();
    logs.port1.on("message", (line: Extract<ReplyMessage, { log: string }>) => this.log(line));
    logs.port1.unref();
    this.logPort = logs.port1;
    this.#worker = worker;
    this.port = port1;
    return port1;
  }

  /** Stops the worker, if any; the next call starts a new one. */
  stop(): void {
    void this.#worker?.terminate();
    this.stopped();
  }

  /** Forgets a stopped worker: the next call starts a new one. */
  private stopped(): void {
    this.port?.close();
    this.logPort?.close();
    this.#worker = undefined;
    this.port = undefined;
    this.logPort = undefined;
    this.repliesById.clear();
  }

  private log(reply: { log: (typeof LOG_LEVELS)[number]; message: string }): void {
    try {
      this.#settings.logger?.[reply.log]?.(reply.message);
    } catch {
      // A logger that throws (a nested call that failed, say) must not fail the call whose line it was given.
    }
  }

  /** The error the worker threw, as an instance of the same class, with the same message and details. */
  private rebuild(data: ErrorData): Error {
    if (data.foreign) {
      const error = new Error(data.message);
      error.name = data.name;
      return error;
    }
    this.errorClassesByName ??= new Map(
      [...RUNTIME_ERROR_CLASSES, ...this.#settings.errorClasses].map((ErrorClass) => [new ErrorClass("").name, ErrorClass]),
    );
    const ErrorClass = this.errorClassesByName.get(data.name) ?? ApiError;
    const cause = data.cause && Object.assign(new Error(data.cause.message), { name: data.cause.name, code: data.cause.code });
    return new ErrorClass(data.message, { statusCode: data.statusCode, body: data.body, headers: data.headers, cause });
  }
}
