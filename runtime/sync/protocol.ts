import type { MessagePort } from "node:worker_threads";

/** Messages between a sync client (the calling thread) and its worker. Everything here crosses by structured clone. */

/** A call of a method of the async client in the worker, by its path ("companies.upsertCompany", "close"). */
export interface CallMessage {
  /** Absent for calls that are not waited for (fire-and-forget methods): they get no reply. */
  id?: number;
  method: string;
  args: unknown[];
  /** Answer the result beside its response (the async method's `withResponse()`). */
  withResponse?: true;
}

/** An error as it crosses threads; the caller rebuilds the class of the same name. */
export interface ErrorData {
  name: string;
  message: string;
  statusCode?: number | undefined;
  body?: unknown;
  headers?: Record<string, string>;
  cause?: { name: string; message: string; code?: string } | undefined;
  /** Set when the error was not an ApiError: a defect rather than an answer. */
  foreign?: boolean;
}

export type ReplyMessage =
  | { id: number; value: unknown }
  | { id: number; error: ErrorData }
  | { log: "debug" | "info" | "warn" | "error"; message: string };

export interface WorkerData {
  /**
   * Shared memory: word 0 the worker sets to WORKER_POSTED and notifies after each message; word LOADED it sets to 1
   * once its code runs, and word STOPPED to 1 as it stops (then notifies too).
   */
  signal: Int32Array;
  /** Replies, and log lines of the call under way: read by the caller while it waits. */
  port: MessagePort;
  /** Log lines written while no call is under way (work in the background): handled when the caller's thread is idle. */
  logPort: MessagePort;
  clientModule: string;
  clientExport: string;
  clientOptions: Record<string, unknown>;
  proxyUrl: string | undefined;
  dispatcherModule: string | undefined;
  /** Logger methods the caller has: only those are forwarded. */
  logLevels: ("debug" | "info" | "warn" | "error")[];
}

/** Index of the word that says the worker has loaded. */
export const LOADED = 1;
/** Index of the word that says the worker has stopped; the caller never resets it, so it is seen even between calls. */
export const STOPPED = 2;
/** Words of the signal buffer. */
export const SIGNAL_WORDS = 3;

/** Values of the signal word. */
export const IDLE = 0;
export const WORKER_POSTED = 1;

/**
 * What in a call's arguments cannot cross to the worker, named by its path: `parameter "limit" is a function`,
 * `options.headers.x is a symbol`, `parameter "companyId" is a Promise` (a forgotten await). `optionsAt`: the index of
 * the options argument, if the call has one. Only asked once structured clone has refused the arguments.
 */
export function uncrossable(args: readonly unknown[], optionsAt: number): string | undefined {
  try {
    for (const [index, arg] of args.entries()) {
      const isOptions = index === optionsAt;
      const found = at(arg, isOptions ? "options" : "", new Set());
      if (found !== undefined) return isOptions || found.path === "" ? `${found.path || "the argument"} is ${found.kind}` : `parameter ${JSON.stringify(found.path)} is ${found.kind}`;
    }
  } catch {
    // A getter that throws: the caller reports structured clone's own message.
  }
  return undefined;
}

function at(value: unknown, path: string, seen: Set<object>): { path: string; kind: string } | undefined {
  if (typeof value === "function" || typeof value === "symbol") return { path, kind: `a ${typeof value}` };
  if (typeof value !== "object" || value === null || seen.has(value)) return undefined;
  seen.add(value);
  try {
    structuredClone(value);
    return undefined;
  } catch {
    // Something in it, or the object itself (a Promise, a WeakMap), cannot be cloned.
  }
  for (const [key, item] of Object.entries(value)) {
    const found = at(item, Array.isArray(value) ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`, seen);
    if (found !== undefined) return found;
  }
  const name = typeof value.constructor?.name === "string" && value.constructor.name !== "" ? value.constructor.name : "Object";
  return { path, kind: `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}` };
}
