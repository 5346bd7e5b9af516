import { Worker } from "node:worker_threads";
import * as sdk from "../../generated/index.js";
import type { Logger, SchematicClient, SchematicClientOptions, SchematicSyncClientOptions } from "../../generated/index.js";

/**
 * The two clients the end-to-end suites run against, behind one interface: each suite body is written once, against
 * the async client's surface, and runs for both. The sync client lives in a runner thread (sync-runner.ts), since it
 * blocks the thread it runs in; calls reach it as messages, and results and errors come back.
 */
export interface ClientKind {
  name: "async" | "sync";
  sync: boolean;
  /** A client with these options; resolves once it is built (a bad option rejects). */
  create(options: SchematicClientOptions | SchematicSyncClientOptions): Promise<SchematicClient>;
  /** Closes the clients created so far (a sync client's worker thread stops). */
  dispose(): Promise<void>;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
export interface LogLine {
  level: LogLevel;
  line: string;
}

/** An error of the sync client as it crosses back: enough to rebuild it, and to tell whether its class was right. */
export interface ErrorSummary {
  className: string;
  exact: boolean;
  isApiError: boolean;
  name: string;
  message: string;
  statusCode?: number | undefined;
  body?: unknown;
  headers?: Record<string, string> | undefined;
}

export type RunnerRequest =
  | { op: "create"; options: Record<string, unknown>; logLevels: LogLevel[] }
  | { op: "call"; clientId: number; method: string; args: unknown[] }
  | { op: "dispose" }
  | { op: "scenario"; name: string; args: unknown[] };

export type RunnerReply = ({ value: unknown } | { error: ErrorSummary }) & { logs: LogLine[] };

const LEVELS: LogLevel[] = ["debug", "info", "warn", "error"];

let runner: Worker | undefined;
let lastRequest = 0;
const pending = new Map<number, (reply: RunnerReply) => void>();

function runnerThread(): Worker {
  if (runner) return runner;
  runner = new Worker(new URL("./sync-runner.mjs", import.meta.url));
  runner.on("message", ({ id, reply }: { id: number; reply: RunnerReply }) => {
    pending.get(id)!(reply);
    pending.delete(id);
    if (pending.size === 0) runner?.unref();
  });
  runner.on("error", (error) => {
    for (const resolve of pending.values()) resolve({ error: runnerFailure(error), logs: [] });
    pending.clear();
    runner = undefined;
  });
  // Referenced only while a reply is awaited (see runInSyncThread); a listener added later would take a reference again.
  runner.unref();
  return runner;
}

/** The summary of an error of the runner thread itself: never an ApiError, so it fails the test plainly. */
function runnerFailure(error: Error): ErrorSummary {
  return { className: "Error", exact: false, isApiError: false, name: error.name, message: `the sync runner failed: ${error.message}`, statusCode: undefined };
}

/** The error the sync client threw, as the class it was; anything else fails the test plainly. */
export function rebuild(error: ErrorSummary): Error {
  const ErrorClass = (sdk as Record<string, unknown>)[error.className] as typeof sdk.ApiError | undefined;
  if (!error.isApiError || !error.exact || ErrorClass === undefined || error.name !== error.className) {
    const wrong = new Error(`the sync client threw ${error.className} (name ${error.name}), not an exported ApiError class: ${error.message}`);
    return wrong;
  }
  return new ErrorClass(error.message, { statusCode: error.statusCode, body: error.body, headers: error.headers });
}

/** Sends a request to the runner; its log lines are replayed into `logger`, in the test thread, before it settles. */
export function runInSyncThread(request: RunnerRequest, logger?: Logger): Promise<unknown> {
  const thread = runnerThread();
  const id = ++lastRequest;
  return new Promise((resolve, reject) => {
    pending.set(id, (reply) => {
      for (const { level, line } of reply.logs) logger?.[level]?.(line);
      if ("error" in reply) reject(rebuild(reply.error));
      else resolve(reply.value);
    });
    thread.ref();
    thread.postMessage({ id, request });
  });
}

/** A stand-in for a client in the runner: every property path is a method path, every call a message. */
function remote(clientId: number, logger: Logger | undefined, path: string[] = []): unknown {
  return new Proxy(function () {}, {
    get: (_, name) => (name === "then" || typeof name === "symbol" ? undefined : remote(clientId, logger, [...path, name])),
    apply: (_, __, args: unknown[]) => runInSyncThread({ op: "call", clientId, method: path.join("."), args }, logger),
  });
}

const asyncKind: ClientKind = {
  name: "async",
  sync: false,
  create: async (options) => new sdk.SchematicClient(options as SchematicClientOptions),
  dispose: async () => undefined,
};

const syncKind: ClientKind = {
  name: "sync",
  sync: true,
  async create(options) {
    const { logger, ...rest } = options as SchematicClientOptions;
    const logLevels = LEVELS.filter((level) => typeof logger?.[level] === "function");
    const clientId = (await runInSyncThread({ op: "create", options: rest, logLevels })) as number;
    return remote(clientId, logger) as SchematicClient;
  },
  dispose: async () => void (await runInSyncThread({ op: "dispose" })),
};

export const CLIENT_KINDS: readonly ClientKind[] = [asyncKind, syncKind];

/** Runs a named function of test/scripts/sync-scenarios.ts in the runner thread, with plain-data arguments. */
export function syncScenario(name: string, ...args: unknown[]): Promise<unknown> {
  return runInSyncThread({ op: "scenario", name, args });
}
