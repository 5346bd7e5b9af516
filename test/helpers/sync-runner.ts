import { parentPort } from "node:worker_threads";
import * as sdk from "../../generated/index.js";
import type { SchematicSyncClient, SchematicSyncClientOptions } from "../../generated/index.js";
import * as scenarios from "../scripts/sync-scenarios.js";
import type { ErrorSummary, LogLine, RunnerReply, RunnerRequest } from "./clients.js";

/**
 * The thread where the tests' sync clients live. A sync client blocks its thread while it waits, so it cannot share
 * one with the test servers; the test thread sends it calls, and gets plain results and error summaries back.
 */
const clients = new Map<number, { client: SchematicSyncClient; logs: LogLine[] }>();
let lastId = 0;

function summary(error: unknown): ErrorSummary {
  const value = error as Partial<sdk.ApiError> & { constructor?: { name?: string } };
  const className = value?.constructor?.name ?? typeof error;
  const exported = (sdk as Record<string, unknown>)[className];
  return {
    className,
    // The very class the package exports under that name, not a look-alike.
    exact: typeof exported === "function" && Object.getPrototypeOf(error) === (exported as { prototype: object }).prototype,
    isApiError: error instanceof sdk.ApiError,
    name: String(value?.name),
    message: String(value?.message ?? error),
    statusCode: value?.statusCode,
    body: value?.body,
    headers: value?.headers,
  };
}

function handle(request: RunnerRequest): RunnerReply {
  switch (request.op) {
    case "create": {
      const logs: LogLine[] = [];
      const logger = Object.fromEntries(request.logLevels.map((level) => [level, (line: string) => logs.push({ level, line })]));
      const options = { ...request.options, ...(request.logLevels.length > 0 ? { logger } : {}) } as SchematicSyncClientOptions;
      const client = new sdk.SchematicSyncClient(options);
      clients.set(++lastId, { client, logs });
      return { value: lastId, logs: [] };
    }
    case "call": {
      const entry = clients.get(request.clientId)!;
      let target: Record<string, unknown> = entry.client as unknown as Record<string, unknown>;
      const path = request.method.split(".");
      for (const name of path.slice(0, -1)) target = target[name] as Record<string, unknown>;
      const fn = target[path.at(-1)!] as (...args: unknown[]) => unknown;
      try {
        const value = fn.apply(target, request.args);
        return { value, logs: entry.logs.splice(0) };
      } catch (error) {
        return { error: summary(error), logs: entry.logs.splice(0) };
      }
    }
    case "dispose": {
      for (const [id, { client }] of clients) {
        client.close();
        clients.delete(id);
      }
      return { value: undefined, logs: [] };
    }
    case "scenario": {
      const scenario = (scenarios as unknown as Record<string, (...args: unknown[]) => unknown>)[request.name]!;
      return { value: scenario(...request.args), logs: [] };
    }
  }
}

parentPort!.on("message", ({ id, request }: { id: number; request: RunnerRequest }) => {
  let reply: RunnerReply;
  try {
    reply = handle(request);
  } catch (error) {
    reply = { error: summary(error), logs: [] };
  }
  parentPort!.postMessage({ id, reply });
});
