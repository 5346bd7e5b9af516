/**
 * Runs every planned call of a manifest through its generated async client and, when the manifest has one, its sync
 * client, against one recording server, and reports per call what differed from the expected wire exchange.
 */
import type { IrApi } from "../../../generator/ir.js";
import { startServer, type RecordedRequest } from "../server.js";
import { differences } from "./compare.js";
import { loadIr } from "./manifest.js";
import { planCalls, type WireCall } from "./plan.js";
import { runSyncBatch, type CallResult } from "./sync-thread.js";

export interface WireTarget {
  /** Name in test titles, e.g. the fixture's folder. */
  label: string;
  manifestPath: string;
  /** file: URL of the generated module (its index.ts). */
  moduleUrl: string;
}

export type ClientName = "async" | "sync";

export interface CallOutcome {
  client: ClientName;
  call: WireCall;
  problems: string[];
}

export interface WireReport {
  api: IrApi;
  calls: WireCall[];
  clients: ClientName[];
  outcomes: CallOutcome[];
}

const CASE_HEADER = "x-wire-case";
const CREDENTIALS = { secret: "wire_test_secret_123", username: "wire-user" };

/** Client options: every server at the recording server, the manifest's credentials, no retries. */
function clientOptions(api: IrApi, url: string): Record<string, unknown> {
  const options: Record<string, unknown> = { maxRetries: 0, timeoutMs: 15_000, totalTimeoutMs: 15_000 };
  for (const server of api.servers) options[server.option] = url;
  if (api.auth.option) options[api.auth.option] = CREDENTIALS.secret;
  if (api.auth.usernameOption) options[api.auth.usernameOption] = CREDENTIALS.username;
  return options;
}

export async function runWire(target: WireTarget): Promise<WireReport> {
  const api = await loadIr(target.manifestPath);
  const calls = planCalls(api, CREDENTIALS);
  const byKey = new Map<string, WireCall>(calls.flatMap((call) => (["async", "sync"] as const).map((client) => [`${client} ${call.id}`, call] as const)));
  const server = await startServer((request, response) => {
    const call = byKey.get(String(request.headers[CASE_HEADER]));
    if (call === undefined) return void response.writeHead(599).end(`no call ${request.headers[CASE_HEADER]}`);
    response.writeHead(call.response.status, { ...call.response.headers, "content-length": call.response.body.length });
    response.end(call.response.body);
  });
  const clients: ClientName[] = api.clients.includes("sync") ? ["async", "sync"] : ["async"];
  const outcomes: CallOutcome[] = [];
  try {
    const options = clientOptions(api, server.url);
    const headersOf = (client: ClientName, call: WireCall) => ({ [CASE_HEADER]: `${client} ${call.id}` });
    const results: Record<ClientName, CallResult[]> = { async: await runAsync(api, target.moduleUrl, options, calls, (call) => headersOf("async", call)), sync: [] };
    if (clients.includes("sync")) {
      const batch = calls.map((call) => ({ resource: call.resource, operation: call.operation, args: call.takesArgs ? call.args : undefined, headers: headersOf("sync", call) }));
      results.sync = await runSyncBatch(target.moduleUrl, api.syncClientClassName, options, batch);
    }
    const recorded = new Map<string, RecordedRequest>(server.requests.map((r) => [String(r.headers[CASE_HEADER]), r]));
    for (const client of clients) {
      calls.forEach((call, index) => {
        outcomes.push({ client, call, problems: differences(call, recorded.get(`${client} ${call.id}`), results[client][index]!) });
      });
    }
  } finally {
    await server.close();
  }
  return { api, calls, clients, outcomes };
}

async function runAsync(api: IrApi, moduleUrl: string, options: Record<string, unknown>, calls: WireCall[], headersOf: (call: WireCall) => Record<string, string>): Promise<CallResult[]> {
  const sdk = (await import(moduleUrl)) as Record<string, new (options: Record<string, unknown>) => Record<string, unknown>>;
  const client = new sdk[api.clientClassName]!(options);
  try {
    return await Promise.all(
      calls.map(async (call): Promise<CallResult> => {
        try {
          const resource = client[call.resource] as Record<string, (...args: unknown[]) => Promise<unknown>>;
          const options = { headers: headersOf(call) };
          return { value: itemsOfPage(await (call.takesArgs ? resource[call.operation]!(call.args, options) : resource[call.operation]!(options))) };
        } catch (error) {
          return { error: `${(error as Error).name}: ${(error as Error).message}` };
        }
      }),
    );
  } finally {
    await (client.close as (() => Promise<unknown>) | undefined)?.call(client);
  }
}

/** A page's items (the result the plan expects of a list method that answers pages); any other value as it is. */
export function itemsOfPage(value: unknown): unknown {
  return typeof (value as { hasNextPage?: unknown } | null)?.hasNextPage === "function" ? (value as { items: unknown }).items : value;
}
