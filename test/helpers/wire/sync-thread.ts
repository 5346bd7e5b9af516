/**
 * Runs batches of calls on a generated module's sync client, in one thread shared by every manifest: the sync client
 * blocks the thread it runs in, and the recording server lives in the test's thread. Each batch builds a client, makes
 * its calls in order, closes it, and answers every outcome at once (results by structured clone, errors as name and
 * message).
 */
import { Worker } from "node:worker_threads";

export interface SyncCall {
  resource: string;
  operation: string;
  /** Undefined when the method takes options only. */
  args: unknown;
  headers: Record<string, string>;
}

export type CallResult = { value: unknown } | { error: string };

// Node 20 gives worker threads no tsx hooks of their parent, so the thread registers them before loading TypeScript.
const runnerSource = `
const { parentPort } = require("node:worker_threads");
(async () => {
  (await import("tsx/esm/api")).register();
  parentPort.on("message", async ({ id, moduleUrl, className, options, calls }) => {
    let client;
    try {
      const sdk = await import(moduleUrl);
      client = new sdk[className](options);
      const results = calls.map(({ resource, operation, args, headers }) => {
        try {
          const value = args === undefined ? client[resource][operation]({ headers }) : client[resource][operation](args, { headers });
          // A page's items: the result the plan expects of a list method that answers pages.
          return { value: value && typeof value.hasNextPage === "function" ? value.items : value };
        } catch (error) {
          return { error: String(error && error.name) + ": " + String(error && error.message) };
        }
      });
      parentPort.postMessage({ id, results });
    } catch (error) {
      parentPort.postMessage({ id, failure: String(error && error.stack || error) });
    } finally {
      client?.close?.();
    }
  });
  parentPort.postMessage({ ready: true });
})();
`;

let thread: Promise<Worker> | undefined;
let lastId = 0;
const pending = new Map<number, (reply: { results?: CallResult[]; failure?: string }) => void>();

function syncThread(): Promise<Worker> {
  thread ??= new Promise((resolve, reject) => {
    const worker = new Worker(runnerSource, { eval: true });
    worker.unref();
    worker.on("error", reject);
    worker.on("message", (message: { id?: number; ready?: boolean; results?: CallResult[]; failure?: string }) => {
      if (message.ready) return resolve(worker);
      pending.get(message.id!)!(message);
      pending.delete(message.id!);
      if (pending.size === 0) worker.unref();
    });
  });
  return thread;
}

/** The outcome of each call, in order, on a new sync client of `className` from the module at `moduleUrl`. */
export async function runSyncBatch(moduleUrl: string, className: string, options: Record<string, unknown>, calls: SyncCall[]): Promise<CallResult[]> {
  const worker = await syncThread();
  const id = ++lastId;
  const reply = await new Promise<{ results?: CallResult[]; failure?: string }>((resolve) => {
    pending.set(id, resolve);
    worker.ref();
    worker.postMessage({ id, moduleUrl, className, options, calls });
  });
  if (reply.failure !== undefined) throw new Error(`the sync client's batch failed: ${reply.failure}`);
  return reply.results!;
}
