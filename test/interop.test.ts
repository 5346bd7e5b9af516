import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { repoRoot } from "./helpers/cli.js";
import { startConnectProxy } from "./helpers/proxy.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";
import { wireCompany } from "./helpers/wire.js";

// The client beside every undici a process may hold: each scenario runs in a child process of its own
// (test/scripts/interop-child.ts), since what owns the global dispatcher depends on what was loaded first.

const T = { timeout: 60_000 };
const CHILD = path.join(repoRoot, "test/scripts/interop-child.ts");
/** What every scenario's client must get: the server's answers, not defaults or errors. */
const SERVED = { value: true, fallback: null, companyId: "co_1" };

let server: TestServer;
let proxy: { url: string; tunnels: string[]; close(): Promise<void> };

before(async () => {
  server = await startServer((request, res) => {
    if (request.path.startsWith("/flags/")) return sendJson(res, 200, { data: { flag: "new-dashboard", value: true, reason: "rule" } });
    if (request.path === "/companies") return sendJson(res, 200, { data: wireCompany() });
    sendJson(res, 200, {});
  });
  proxy = await startConnectProxy();
});
after(async () => {
  await server.close();
  await proxy.close();
});
beforeEach(() => {
  server.requests.length = 0;
  proxy.tunnels.length = 0;
});

/** Runs one scenario in a child process, bounded in time; resolves with the JSON line it printed. */
function scenario(name: string, env: Record<string, string> = {}): Promise<Record<string, any>> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, name, server.url, proxy.url], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    timeout: 45_000,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) =>
    child.on("close", (code, signal) => {
      if (code !== 0) return reject(new Error(`scenario ${name} exited with ${code ?? signal}:\n${stderr}\n${stdout}`));
      resolve(JSON.parse(stdout.trim().split("\n").at(-1)!));
    }),
  );
}

/** The API requests the server received (the scenario's own fetch() of /ping aside), with the dispatcher that marked them. */
function apiRequests() {
  return server.requests.filter((request) => request.path !== "/ping").map((request) => `${request.path} via ${request.headers["x-dispatcher"] ?? "-"}`);
}

describe("another undici owns the global dispatcher", () => {
  it("Node's bundled undici, after fetch() ran first: the client uses its Agent and works", T, async () => {
    const result = await scenario("fetch-first");
    assert.equal(result.globalBefore, "Agent", "fetch() installed Node's own Agent as the global dispatcher");
    assert.deepStrictEqual(result.answer, SERVED);
    assert.equal(result.sameGlobal, true, "the client did not replace the global dispatcher");
    assert.deepStrictEqual(apiRequests(), ["/flags/new-dashboard/check via -", "/companies via -"]);
  });

  it("an undici 6 Agent set with setGlobalDispatcher carries the client's requests", T, async () => {
    const result = await scenario("undici6-global");
    assert.deepStrictEqual(result.answer, SERVED);
    assert.deepStrictEqual(apiRequests(), ["/flags/new-dashboard/check via undici6-global", "/companies via undici6-global"]);
  });

  it("an app's undici 7 ProxyAgent set as global dispatcher keeps being honoured: the proxy sees the traffic", T, async () => {
    const result = await scenario("undici7-global-proxy");
    assert.deepStrictEqual(result.answer, SERVED);
    assert.deepStrictEqual(apiRequests(), ["/flags/new-dashboard/check via undici7-global-proxy", "/companies via undici7-global-proxy"]);
    assert.ok(proxy.tunnels.length >= 1, "the requests went through the proxy");
    assert.ok(proxy.tunnels.every((target) => target === new URL(server.url).host));
  });
});

describe("a dispatcher of undici 6 given to the client", () => {
  it("dispatcher: an undici 6 Agent carries the requests", T, async () => {
    const result = await scenario("undici6-dispatcher");
    assert.deepStrictEqual(result.answer, SERVED);
    assert.deepStrictEqual(apiRequests(), ["/flags/new-dashboard/check via undici6-agent", "/companies via undici6-agent"]);
  });

  it("dispatcher: an undici 6 ProxyAgent sends the requests through the proxy", T, async () => {
    const result = await scenario("undici6-proxy-dispatcher");
    assert.deepStrictEqual(result.answer, SERVED);
    assert.deepStrictEqual(apiRequests(), ["/flags/new-dashboard/check via undici6-proxy", "/companies via undici6-proxy"]);
    assert.ok(proxy.tunnels.length >= 1, "the requests went through the proxy");
  });

  it("sync client: a dispatcherModule returning an undici 6 Agent carries the requests", T, async () => {
    const result = await scenario("sync-undici6-module");
    assert.deepStrictEqual(result.answer, SERVED);
    assert.deepStrictEqual(apiRequests(), ["/flags/new-dashboard/check via undici6-module", "/companies via undici6-module"]);
  });
});

describe("lazy undici", () => {
  it("importing the package does not load undici; the first request does, and works", T, async () => {
    const result = await scenario("lazy-import");
    assert.equal(result.undiciAfterImport, false, "undici was loaded by the import");
    assert.deepStrictEqual(result.answer, SERVED);
    assert.equal(result.undiciAfterRequest, true, "the request loaded undici for its default global dispatcher");
  });
});

describe("sync client: a dispatcherModule whose createDispatcher() is broken fails every call, never hangs", () => {
  // The wait for the module is cut from its 10 s to 1.5 s by the worker's test hook, to keep the tests short.
  const BOUND = { SDK_DISPATCHER_MODULE_TIMEOUT_MS: "1500" };
  const cases = [
    { variant: "throw", message: /^dispatcherModule .*: createDispatcher\(\) failed: no client certificate in this test$/ },
    { variant: "not-a-dispatcher", message: /^dispatcherModule .*: createDispatcher\(\) must return an undici Dispatcher .*, got an object$/ },
  ];
  for (const { variant, message } of cases) {
    it(`createDispatcher() that ${variant === "throw" ? "throws" : "returns a plain object"}`, T, async () => {
      const result = await scenario("sync-broken-module", { INTEROP_DISPATCHER: variant, ...BOUND });
      assert.equal(result.calls.length, 2);
      for (const call of result.calls) {
        assert.equal(call.error, "InvalidArgumentError");
        assert.equal(call.invalidArgument, true);
        assert.match(call.message, message);
      }
      // The module's answer is final: the second call hears the same reason at once.
      assert.ok(result.calls[1].ms < 1_000, `second call took ${result.calls[1].ms} ms`);
      // close() does not wait either: it reports the same reason at once (no events could have been delivered).
      assert.deepStrictEqual(result.close.error, "InvalidArgumentError");
      assert.ok(result.close.ms < 1_000, `close() took ${result.close.ms} ms`);
      assert.equal(server.requests.length, 0, "nothing was sent");
    });
  }

  it("createDispatcher() that never settles: each call waits the bound, then fails with TimeoutError", T, async () => {
    const result = await scenario("sync-broken-module", { INTEROP_DISPATCHER: "hang", ...BOUND });
    assert.equal(result.calls.length, 2);
    for (const call of result.calls) {
      assert.equal(call.error, "TimeoutError");
      assert.match(call.message, /^dispatcherModule .*interop-dispatcher-module\.ts: loading it and createDispatcher\(\) did not settle within 1500 ms; the next call waits for it again$/);
    }
    // Not cached as final: the second call waits again (the module may still answer), within the same bound.
    assert.ok(result.calls[1].ms >= 1_000 && result.calls[1].ms < 10_000, `second call took ${result.calls[1].ms} ms`);
    assert.deepStrictEqual(result.close.error, "TimeoutError");
    assert.ok(result.close.ms < 10_000, `close() took ${result.close.ms} ms`);
    assert.equal(server.requests.length, 0, "nothing was sent");
  });
});

describe("sync client: a slow dispatcherModule", () => {
  it("slower than timeoutMs (200 ms) but within the bound: the calls wait for it and go through it", T, async () => {
    const result = await scenario("sync-slow-module", { INTEROP_DISPATCHER: "slow", INTEROP_DISPATCHER_DELAY_MS: "1000" });
    assert.deepStrictEqual(result.calls.map((call: { error: unknown }) => call.error), [null, null], JSON.stringify(result.calls));
    assert.ok(result.calls[0].ms >= 800, `the first call waited for the module (${result.calls[0].ms} ms)`);
    assert.deepStrictEqual(apiRequests(), ["/companies via undici6-module", "/companies via undici6-module"]);
  });

  it("slower than the bound: the first call times out, and a later call uses the module once it is ready", T, async () => {
    const result = await scenario("sync-slow-module", {
      INTEROP_DISPATCHER: "slow",
      INTEROP_DISPATCHER_DELAY_MS: "1500",
      SDK_DISPATCHER_MODULE_TIMEOUT_MS: "300",
      INTEROP_PAUSE_MS: "3000",
    });
    assert.equal(result.calls[0].error, "TimeoutError", JSON.stringify(result.calls));
    assert.match(result.calls[0].message, /did not settle within 300 ms; the next call waits for it again$/);
    assert.equal(result.calls[1].error, null, JSON.stringify(result.calls));
    assert.deepStrictEqual(apiRequests(), ["/companies via undici6-module"]);
  });
});
