// One interop scenario per process (test/interop.test.ts): which undici owns the global dispatcher, or carries the
// client's requests, depends on what was loaded first, so every import below is dynamic and in scenario order.
// Usage: interop-child.ts <scenario> <server url> [proxy url]. Prints one JSON line with what the client answered.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const [scenario, url, proxyUrl] = process.argv.slice(2) as [string, string, string | undefined];
const apiKey = "sch_interop_key";
const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");
const require = createRequire(import.meta.url);

/** Whether the undici 7 package (not undici6, not Node's bundled copy) has been loaded into this process. */
function undici7Loaded(): boolean {
  return Object.keys(require.cache).some((file) => /[\\/]node_modules[\\/]undici[\\/]/.test(file));
}

/** Adds a header naming the dispatcher to every request it carries: the server sees which one did. */
function marked<T extends new (...args: any[]) => { dispatch(options: any, handler: any): boolean }>(Base: T, name: string): T {
  return class extends Base {
    override dispatch(options: { headers?: Record<string, string> }, handler: unknown): boolean {
      return super.dispatch({ ...options, headers: { ...options.headers, "x-dispatcher": name } }, handler);
    }
  };
}

const result: Record<string, unknown> = { scenario };

switch (scenario) {
  case "lazy-import": {
    // Importing the package must not load undici; the first request does (nothing owns the global dispatcher here).
    const sdk = await import("../../generated/index.js");
    result.undiciAfterImport = undici7Loaded();
    result.answer = await callService(new sdk.SchematicClient({ apiKey, baseUrl: url, maxRetries: 0 }));
    result.undiciAfterRequest = undici7Loaded();
    break;
  }
  case "fetch-first": {
    // Node's bundled undici (6.x in Node 20) now owns the global dispatcher, with an Agent that knows only the legacy handler API.
    await (await fetch(`${url}/ping`)).text();
    result.globalBefore = (globalThis as Record<symbol, object>)[GLOBAL_DISPATCHER]?.constructor.name;
    const sdk = await import("../../generated/index.js");
    result.answer = await callService(new sdk.SchematicClient({ apiKey, baseUrl: url, maxRetries: 0 }));
    result.sameGlobal = result.globalBefore === (globalThis as Record<symbol, object>)[GLOBAL_DISPATCHER]?.constructor.name;
    break;
  }
  case "undici6-global": {
    const undici6 = await import("undici6");
    undici6.setGlobalDispatcher(new (marked(undici6.Agent, "undici6-global"))());
    const sdk = await import("../../generated/index.js");
    result.answer = await callService(new sdk.SchematicClient({ apiKey, baseUrl: url, maxRetries: 0 }));
    break;
  }
  case "undici7-global-proxy": {
    const undici = await import("undici");
    undici.setGlobalDispatcher(new (marked(undici.ProxyAgent, "undici7-global-proxy"))(proxyUrl!));
    const sdk = await import("../../generated/index.js");
    result.answer = await callService(new sdk.SchematicClient({ apiKey, baseUrl: url, maxRetries: 0 }));
    break;
  }
  case "undici6-dispatcher": {
    const undici6 = await import("undici6");
    const sdk = await import("../../generated/index.js");
    const dispatcher = new (marked(undici6.Agent, "undici6-agent"))();
    result.answer = await callService(new sdk.SchematicClient({ apiKey, baseUrl: url, maxRetries: 0, dispatcher: dispatcher as never }));
    break;
  }
  case "undici6-proxy-dispatcher": {
    const undici6 = await import("undici6");
    const sdk = await import("../../generated/index.js");
    const dispatcher = new (marked(undici6.ProxyAgent, "undici6-proxy"))(proxyUrl!);
    result.answer = await callService(new sdk.SchematicClient({ apiKey, baseUrl: url, maxRetries: 0, dispatcher: dispatcher as never }));
    break;
  }
  case "sync-undici6-module": {
    // Node's fetch first as well: the calling thread's global dispatcher must not matter to the worker.
    await (await fetch(`${url}/ping`)).text();
    const sdk = await import("../../generated/index.js");
    const dispatcherModule = fileURLToPath(new URL("./interop-dispatcher-module.ts", import.meta.url));
    const client = new sdk.SchematicSyncClient({ apiKey, baseUrl: url, maxRetries: 0, dispatcherModule });
    const flag = client.checkFlagWithEntitlement("new-dashboard", { company: { id: "co_1" } });
    const company = client.companies.upsertCompany({ keys: { id: "co_1" }, name: "Acme" });
    result.answer = { value: flag.value, fallback: flag.fallback ?? null, companyId: company.id };
    client.close();
    break;
  }
  case "sync-broken-module": {
    // INTEROP_DISPATCHER (inherited by the worker) makes createDispatcher() hang, throw, or return a non-dispatcher.
    const sdk = await import("../../generated/index.js");
    const dispatcherModule = fileURLToPath(new URL("./interop-dispatcher-module.ts", import.meta.url));
    const client = new sdk.SchematicSyncClient({ apiKey, baseUrl: url, maxRetries: 0, timeoutMs: 1_500, dispatcherModule });
    const calls = [];
    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      try {
        client.companies.upsertCompany({ keys: { id: "co_1" }, name: "Acme" });
        calls.push({ error: null });
      } catch (error) {
        calls.push({ error: (error as Error).name, invalidArgument: error instanceof sdk.InvalidArgumentError, message: (error as Error).message, ms: Date.now() - started });
      }
    }
    result.calls = calls;
    const closing = Date.now();
    try {
      client.close();
      result.close = { error: null, ms: Date.now() - closing };
    } catch (error) {
      result.close = { error: (error as Error).name, ms: Date.now() - closing };
    }
    break;
  }
  case "sync-slow-module": {
    // INTEROP_DISPATCHER=slow: createDispatcher() answers after INTEROP_DISPATCHER_DELAY_MS, longer than timeoutMs.
    const sdk = await import("../../generated/index.js");
    const dispatcherModule = fileURLToPath(new URL("./interop-dispatcher-module.ts", import.meta.url));
    const client = new sdk.SchematicSyncClient({ apiKey, baseUrl: url, maxRetries: 0, timeoutMs: 200, dispatcherModule });
    const calls = [];
    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      try {
        const company = client.companies.upsertCompany({ keys: { id: "co_1" }, name: "Acme" });
        calls.push({ error: null, companyId: company.id, ms: Date.now() - started });
      } catch (error) {
        calls.push({ error: (error as Error).name, message: (error as Error).message, ms: Date.now() - started });
        // Blocks this thread only: the worker's load goes on meanwhile.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.INTEROP_PAUSE_MS ?? 0));
      }
    }
    result.calls = calls;
    client.close();
    break;
  }
  default:
    throw new Error(`unknown scenario ${scenario}`);
}

/** A flag check (which would answer its default on failure) and a resource call (which would throw). */
async function callService(client: import("../../generated/index.js").SchematicClient) {
  const flag = await client.checkFlagWithEntitlement("new-dashboard", { company: { id: "co_1" } });
  const company = await client.companies.upsertCompany({ keys: { id: "co_1" }, name: "Acme" });
  await client.close();
  return { value: flag.value, fallback: flag.fallback ?? null, companyId: company.id };
}

console.log(JSON.stringify(result));
// Dispatchers keep idle connections open for seconds; the answer is out, so the child ends now.
process.exit(0);
