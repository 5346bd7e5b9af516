// Everything a user can see of a client and of its errors, printed as one JSON object: the test that runs this script
// against an echoing server asserts the API key appears nowhere in it. Arguments: "async" | "sync", base URL, key.
import { inspect } from "node:util";
import { SchematicClient, SchematicSyncClient } from "../../generated/index.js";

const [mode, baseUrl, apiKey] = process.argv.slice(2) as [string, string, string];
const logLines: string[] = [];
const logger = {
  debug: (line: string) => logLines.push(`debug ${line}`),
  info: (line: string) => logLines.push(`info ${line}`),
  warn: (line: string) => logLines.push(`warn ${line}`),
  error: (line: string) => logLines.push(`error ${line}`),
};
const options = {
  apiKey,
  baseUrl,
  eventCaptureBaseUrl: baseUrl,
  logger,
  maxRetries: 1,
  retryBaseDelayMs: 1,
  retryMaxDelayMs: 5,
  closeTimeoutMs: 5_000,
  cache: false as const,
};
const client = mode === "sync" ? new SchematicSyncClient(options) : new SchematicClient(options);

const views: Record<string, unknown> = {};
function view(name: string, make: () => unknown): void {
  try {
    views[name] = make();
  } catch (error) {
    views[name] = `threw ${String(error)}`;
  }
}

/** Every way an error shows itself: message, stack, body, headers, inspect, JSON, and its causes. */
function errorViews(error: unknown): Record<string, unknown> {
  const causes: string[] = [];
  for (let link = (error as Error).cause; link instanceof Error && causes.length < 10; link = link.cause) {
    causes.push(`${link.message}\n${link.stack}`);
  }
  const e = error as Error & { body?: unknown; headers?: unknown };
  return {
    name: e.name,
    message: e.message,
    stack: e.stack,
    body: e.body,
    headers: e.headers,
    inspect: inspect(error, { depth: Infinity, showHidden: true }),
    json: JSON.stringify(error),
    string: String(error),
    causes,
  };
}

async function settle(name: string, call: () => unknown): Promise<void> {
  try {
    views[name] = { value: await call() };
  } catch (error) {
    views[name] = errorViews(error);
  }
}

// Before any request, and again after the worker (sync) or the connection pool (async) exists.
view("inspect before", () => inspect(client, { depth: Infinity, showHidden: true }));
view("json before", () => JSON.stringify(client));
for (const companyId of ["bad400", "bad500", "nodata", "notjson"]) {
  await settle(`getCompany ${companyId}`, () => client.companies.getCompany({ companyId }));
}
await settle("upsertCompany 400", () => client.companies.upsertCompany({ keys: { id: "bad400" }, name: "Acme" }));
await settle("checkFlag", () => client.checkFlagWithEntitlement("echo-flag", { company: { id: "co_1" } }));
client.track({ event: "echo", company: { id: "co_1" } });
await settle("close", () => client.close());
view("inspect after", () => inspect(client, { depth: Infinity, showHidden: true }));
view("json after", () => JSON.stringify(client));
view("console.log", () => inspect(client));

console.log(JSON.stringify({ views, logLines }));
