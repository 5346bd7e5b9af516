import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot } from "./helpers/cli.js";
import { syncScenario } from "./helpers/clients.js";
import { sendJson, startServer, type RecordedRequest, type TestServer } from "./helpers/server.js";
import { API_KEY, wireCompany } from "./helpers/wire.js";

// What only the sync client has: its thread, its worker, and programs without a single await. The behaviour it shares
// with the async client is proven by the suites that run for both (e2e, transport, flags, events).

const T = { timeout: 60_000 };
let server: TestServer;
let failing: TestServer;

/** Flags are on for gold companies; companies are upserted; batches are accepted. */
function service(request: RecordedRequest, res: Parameters<typeof sendJson>[0]) {
  if (request.path.startsWith("/flags/")) {
    const body = JSON.parse(request.body || "{}");
    return sendJson(res, 200, { data: { flag: request.path.split("/")[2], value: body.company?.plan === "gold" || body.company?.id === "co_1", reason: "rule" } });
  }
  if (request.path === "/companies") return sendJson(res, 200, { data: wireCompany() });
  if (request.path === "/batch") return sendJson(res, 200, {});
  sendJson(res, 404, { error: "not found" });
}

before(async () => {
  server = await startServer(service);
  failing = await startServer((_, res) => sendJson(res, 503, { error: "down" }));
});
after(async () => {
  await server.close();
  await failing.close();
});

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: repoRoot, timeout: 30_000 });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })));
}

describe("a plain synchronous program", () => {
  it("checks a flag, upserts a company, records an event, and exits by itself with the event delivered", T, async () => {
    const script = path.join(repoRoot, "test/scripts/sync-script.ts");
    const source = await readFile(script, "utf8");
    assert.doesNotMatch(source.replace(/^\s*\/\/.*$/gm, ""), /\bawait\b|\.then\(|\basync\b/, "the program has no await, promise or async function");
    server.requests.length = 0;
    const { code, stdout, stderr } = await run(script, [server.url, API_KEY]);
    assert.equal(code, 0, stderr);
    assert.deepStrictEqual(JSON.parse(stdout), { on: true, again: true, company: { id: "co_1", name: "Acme", createdAt: "2025-01-02T03:04:05.000Z" } });
    const paths = server.requests.map((request) => `${request.method} ${request.path}`);
    assert.deepStrictEqual(paths, ["POST /flags/new-dashboard/check", "POST /companies", "POST /batch"], "the second check came from the cache");
    assert.equal(server.requests.at(-1)!.headers["x-schematic-api-key"], API_KEY);
    assert.match(server.requests.at(-1)!.body, /"event":"script-ran"/, "the event queued without close() was delivered before exit");
  });
});

describe("the worker thread", () => {
  it("starts on the first request, not before; cache hits, defaults, bad input and offline clients never start one", T, async () => {
    const result = (await syncScenario("workerStarts", server.url)) as Record<string, unknown>;
    assert.deepStrictEqual(result, {
      atConstruction: 0,
      badInput: { name: "InvalidArgumentError", message: 'flag key must be a non-empty string, got string ""', invalidArgument: true },
      beforeFirstRequest: 0,
      first: true,
      afterFirstRequest: 1,
      stats: { accepted: 0, delivered: 0, retried: 0, dropped: 0, failed: 0, pending: 0 },
      hits: true,
      withEntitlement: true,
      afterHits: 1,
      droppedAfterClose: 1,
      miss: true,
      afterMiss: 2,
      offlineAnswers: [true, "offline"],
      offlineError: {
        name: "OfflineError",
        message: "GET /companies/{company_id} was not sent: the client is offline (offline: true) and makes no requests",
        invalidArgument: false,
      },
      offlineStats: { accepted: 0, delivered: 0, retried: 0, dropped: 0, failed: 0, pending: 0 },
      offlineStarts: 0,
    });
  });

  it("a dispatcher module that cannot be loaded fails the request with the reason; a relative path fails construction", T, async () => {
    const result = (await syncScenario("badDispatcherModules", server.url)) as Record<string, { name: string; message: string } | undefined>;
    assert.equal(result.missingError?.name, "InvalidArgumentError");
    assert.match(result.missingError!.message, /^dispatcherModule .*no-such-dispatcher-module\.mjs could not be loaded: /);
    assert.equal(result.missingCheck?.name, "InvalidArgumentError", "a misconfigured client is not a service failure to answer with a default");
    assert.equal(result.missingClose?.name, "InvalidArgumentError");
    assert.match(result.relative!.message, /^dispatcherModule must be an absolute path or a file: URL, got string "\.\/dispatcher\.mjs"$/);
    assert.match(result.both!.message, /^give proxyUrl or dispatcherModule, not both/);
  });
});

describe("a worker that crashes", () => {
  it("fails the call under way with an ApiError instead of hanging, and is replaced at the next call", T, async () => {
    const slow = await startServer(async (request, res) => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      service(request, res);
    });
    try {
      const result = (await syncScenario("workerCrash", slow.url, server.url)) as Record<string, unknown>;
      assert.deepStrictEqual(result.duringCall, {
        name: "ApiError",
        message: "features.checkFlags failed: the sync client's worker thread stopped unexpectedly",
        invalidArgument: false,
      });
      assert.equal(result.after, true, "the next call started a new worker (which found the marker and did not crash)");
      assert.equal(result.second, true, "a worker that died between two calls was replaced");
    } finally {
      await slow.close();
    }
  });
});

describe("the calling thread", () => {
  it("keeps the cache: a store of your own answers synchronously; a failing or promise-returning store is reported and skipped", T, async () => {
    const result = (await syncScenario("cacheProviders", server.url)) as Record<string, unknown>;
    assert.deepStrictEqual(result.answers, [true, true]);
    assert.deepStrictEqual(result.calls, ["get", "set 5000", "get"]);
    assert.equal(result.brokenAnswer, true);
    assert.equal(result.asyncAnswer, true);
    const warnings = result.warnings as string[];
    assert.ok(warnings.includes("flag cache read failed: store down"), warnings.join("\n"));
    assert.ok(warnings.includes("flag cache write failed: store full"), warnings.join("\n"));
    assert.ok(
      warnings.includes("flag cache read failed: the sync client needs a cache store that answers synchronously, and this one returned a promise"),
      warnings.join("\n"),
    );
    assert.match((result.badProvider as { message: string }).message, /CacheProvider with get, set and delete/);
  });

  it("freezes cached answers, calls a default function and the logger here, and refuses a signal or arguments that cannot be cloned", T, async () => {
    const result = (await syncScenario("callerThreadRules", server.url, failing.url)) as Record<string, unknown>;
    assert.equal(result.frozen, true);
    assert.equal(result.again, true);
    assert.equal(result.fromFunction, true);
    assert.equal(result.asked, 1);
    assert.ok((result.linesWhenCallReturned as number) >= 2, "the retry and fallback warnings arrived before the call returned");
    assert.equal(result.loggedInThisThread, true);
    assert.ok((result.lines as string[]).some((line) => /^POST \/flags\/a\/check: status 503; retry 1 of 1 in \d+ ms$/.test(line)));
    assert.ok((result.lines as string[]).some((line) => line.startsWith('flag "a": answered with the call\'s default (true) because the service failed')));
    assert.deepStrictEqual(result.signal, {
      name: "InvalidArgumentError",
      message: "features.checkFlags: the sync client takes no signal (nothing could fire it while the call blocks); use timeoutMs or totalTimeoutMs",
      invalidArgument: true,
    });
    assert.equal((result.notCloneable as { name: string }).name, "InvalidArgumentError");
    assert.match((result.notCloneable as { message: string }).message, /^companies\.upsertCompany: arguments must be plain data .*parameter "traits.compute" is a function, which cannot cross to the worker thread/);
  });
});
