import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ProxyAgent, type Agent } from "undici";
import {
  ApiError,
  BadRequestError,
  ConnectionError,
  InternalServerError,
  InvalidArgumentError,
  NotFoundError,
  TimeoutError,
  TooManyRequestsError,
  UserAbortError,
  type SchematicClientOptions,
  type SchematicSyncClientOptions,
} from "../generated/index.js";
import { backoffDelayMs, retryAfterMs, sleep } from "../runtime/retry.js";
import { CLIENT_KINDS, type ClientKind } from "./helpers/clients.js";
import { createDispatcher } from "./helpers/dispatcher-module.js";
import { startConnectProxy } from "./helpers/proxy.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";
import { API_KEY } from "./helpers/wire.js";

const T = { timeout: 15_000 };
const FLAGS = { data: { flags: [] } };

/** Why a test of the async client has no sync twin. */
const NO_SIGNAL = "the sync client takes no signal (test/sync.test.ts checks that it refuses one)";

for (const kind of CLIENT_KINDS) describe(`${kind.name} client`, () => suite(kind));

function suite(kind: ClientKind) {
  let server: TestServer;
  const logLines: string[] = [];

  function client(options: Partial<SchematicClientOptions & SchematicSyncClientOptions> = {}) {
    return kind.create({
      apiKey: API_KEY,
      baseUrl: server.url,
      eventCaptureBaseUrl: server.url,
      retryBaseDelayMs: 10,
      retryMaxDelayMs: 40,
      logger: {
        warn: (line) => logLines.push(line),
        debug: (line) => logLines.push(line),
      },
      ...options,
    } as SchematicClientOptions);
  }

  /** Answers with each handler in turn; the last one repeats. */
  function sequence(...steps: ((res: Parameters<Parameters<TestServer["handle"]>[0]>[1]) => void)[]) {
    let call = 0;
    server.handle((_, res) => steps[Math.min(call++, steps.length - 1)]!(res));
  }

  const status =
    (code: number, headers: Record<string, string> = {}) =>
    (res: Parameters<typeof sendJson>[0]) =>
      sendJson(res, code, code < 300 ? FLAGS : { error: `failure ${code}` }, headers);

  async function rejection(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => assert.fail("expected the call to fail"),
      (error: unknown) => error,
    );
  }

  before(async () => {
    server = await startServer();
  });
  afterEach(() => kind.dispose());
  after(async () => {
    await server.close();
    assert.ok(!logLines.some((line) => line.includes(API_KEY)), "no log line contains the API key");
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  describe("retries", () => {
    it("retries a 503 and returns the later success", T, async () => {
      sequence(status(503), status(201));
      assert.deepStrictEqual(await (await client()).features.checkFlags(), {
        flags: [],
      });
      assert.equal(server.requests.length, 2);
      assert.ok(logLines.some((line) => /^POST \/flags\/check: status 503; retry 1 of 2 in \d+ ms$/.test(line)));
    });

    it("during an outage, 20 failed calls write one retry line per cause, not one per call", T, async () => {
      // Two causes at once: the flags endpoint answers 503, the companies endpoint drops the connection.
      server.handle((request, res) => {
        if (request.path === "/companies") res.socket?.destroy();
        else sendJson(res, 503, { error: "down" });
      });
      const lines: string[] = [];
      const sdk = await client({ maxRetries: 1, retryBaseDelayMs: 5, retryMaxDelayMs: 10, logger: { warn: (line) => lines.push(line) } });
      const calls = [];
      for (let i = 0; i < 10; i++) calls.push(rejection(sdk.features.checkFlags()), rejection(sdk.companies.listCompanies({})));
      const errors = await Promise.all(calls);
      assert.equal(errors.length, 20);
      assert.equal(server.requests.length, 40, "every call was retried once");
      const retryLines = lines.filter((line) => / retry \d+ of \d+ in \d+ ms$/.test(line));
      assert.equal(retryLines.length, 2, retryLines.join("\n"));
      assert.ok(retryLines.some((line) => /^POST \/flags\/check: status 503; retry 1 of 1 in \d+ ms$/.test(line)), retryLines.join("\n"));
      assert.ok(retryLines.some((line) => /^GET \/companies: no response; retry 1 of 1 in \d+ ms$/.test(line)), retryLines.join("\n"));
    });

    it("waits as long as Retry-After says (seconds)", T, async () => {
      sequence(status(429, { "retry-after": "1" }), status(201));
      const started = Date.now();
      await (await client()).features.checkFlags();
      const elapsed = Date.now() - started;
      assert.equal(server.requests.length, 2);
      assert.ok(elapsed >= 950 && elapsed < 5_000, `waited ${elapsed} ms`);
    });

    it("prefers retry-after-ms", T, async () => {
      sequence(status(503, { "retry-after-ms": "300", "retry-after": "30" }), status(201));
      const started = Date.now();
      await (await client()).features.checkFlags();
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 280 && elapsed < 3_000, `waited ${elapsed} ms`);
    });

    it("gives up after maxRetries + 1 attempts with the status's class", T, async () => {
      for (const [code, ErrorClass] of [
        [500, InternalServerError],
        [429, TooManyRequestsError],
        [408, ApiError],
      ] as const) {
        server.requests.length = 0;
        sequence(status(code));
        const error = await rejection((await client()).features.checkFlags());
        assert.ok(error instanceof ErrorClass, `${code}: ${String(error)}`);
        assert.equal((error as ApiError).statusCode, code);
        assert.equal(server.requests.length, 3, `${code} is tried 3 times`);
      }
    });

    it("honours maxRetries per client and per request; 0 disables retries", T, async () => {
      sequence(status(503));
      await rejection((await client({ maxRetries: 0 })).features.checkFlags());
      assert.equal(server.requests.length, 1);
      server.requests.length = 0;
      await rejection((await client({ maxRetries: 0 })).features.checkFlags({}, { maxRetries: 3 }));
      assert.equal(server.requests.length, 4);
      server.requests.length = 0;
      await rejection((await client()).features.checkFlags({}, { maxRetries: 1 }));
      assert.equal(server.requests.length, 2);
    });

    it("does not retry 400 or 404", T, async () => {
      for (const [code, ErrorClass] of [
        [400, BadRequestError],
        [404, NotFoundError],
      ] as const) {
        server.requests.length = 0;
        sequence(status(code));
        assert.ok((await rejection((await client()).features.checkFlags())) instanceof ErrorClass);
        assert.equal(server.requests.length, 1);
      }
    });

    it("sends the same body, idempotency keys included, on every attempt", T, async () => {
      sequence(status(503), status(503), (res) => res.end());
      await (
        await client()
      ).capture.sendBatch({
        events: [
          {
            apiKey: API_KEY,
            type: "track",
            idempotencyKey: "idem-42",
            body: { event: "signup" },
          },
        ],
      });
      assert.equal(server.requests.length, 3);
      const bodies = new Set(server.requests.map((r) => r.body));
      assert.equal(bodies.size, 1);
      assert.match([...bodies][0]!, /"idempotency_key":"idem-42"/);
    });

    it("retries a connection reset mid-body, and reports ConnectionError when every attempt is reset", T, async () => {
      const resetMidBody = (res: Parameters<typeof sendJson>[0]) => {
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": "1000",
        });
        res.write('{"data": {"fl');
        setTimeout(() => res.socket?.destroy(), 5);
      };
      sequence(resetMidBody, status(201));
      assert.deepStrictEqual(await (await client()).features.checkFlags(), {
        flags: [],
      });
      assert.equal(server.requests.length, 2);

      server.requests.length = 0;
      sequence(resetMidBody);
      const error = await rejection((await client()).features.checkFlags());
      assert.ok(error instanceof ConnectionError, String(error));
      assert.equal(server.requests.length, 3);
    });

    it("retries a refused connection, then throws ConnectionError", T, async () => {
      const closed = await startServer();
      const url = closed.url;
      await closed.close();
      const started = Date.now();
      const error = await rejection(
        (
          await client({
            baseUrl: url,
            retryBaseDelayMs: 50,
            retryMaxDelayMs: 50,
          })
        ).features.checkFlags(),
      );
      assert.ok(error instanceof ConnectionError);
      assert.match((error as Error).message, /ECONNREFUSED/);
      assert.ok(Date.now() - started >= 2 * 50 * 0.75, "waited between the attempts");
    });
  });

  describe("timeouts and budgets", () => {
    it("a slow response throws TimeoutError near timeoutMs, is not retried, and releases the socket", T, async () => {
      let socketClosedAt = 0;
      server.handle((request, res) => {
        res.socket?.once("close", () => (socketClosedAt = Date.now()));
        void request;
      });
      const started = Date.now();
      const error = await rejection((await client({ timeoutMs: 300 })).features.checkFlags());
      const elapsed = Date.now() - started;
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal((error as Error).message, "POST /flags/check timed out after 300 ms");
      assert.ok(elapsed >= 290 && elapsed < 2_000, `took ${elapsed} ms`);
      assert.equal(server.requests.length, 1);
      await sleep(200);
      assert.ok(socketClosedAt > 0 && socketClosedAt - started < 1_500, "the socket was closed");
    });

    it("the timeout covers the body too: headers in time, then a stalled body, is a TimeoutError", T, async () => {
      server.handle((_, res) => {
        res.writeHead(201, {
          "content-type": "application/json",
          "content-length": "100",
        });
        res.write('{"data": ');
      });
      const started = Date.now();
      const error = await rejection((await client({ timeoutMs: 300 })).features.checkFlags());
      assert.ok(error instanceof TimeoutError, String(error));
      assert.ok(Date.now() - started < 2_000);
      assert.equal(server.requests.length, 1);
    });

    it("per-request timeoutMs overrides the client's", T, async () => {
      server.handle(() => {});
      const started = Date.now();
      assert.ok((await rejection((await client({ timeoutMs: 60_000 })).features.checkFlags({}, { timeoutMs: 150 }))) instanceof TimeoutError);
      assert.ok(Date.now() - started < 2_000);
    });

    it("totalTimeoutMs bounds a slow attempt", T, async () => {
      server.handle(() => {});
      const started = Date.now();
      const error = await rejection((await client({ timeoutMs: 10_000, totalTimeoutMs: 250 })).features.checkFlags());
      assert.ok(error instanceof TimeoutError);
      assert.match((error as Error).message, /within its total budget of 250 ms/);
      assert.ok(Date.now() - started < 2_000);
    });

    it("a server delay beyond the budget is not waited: the last error comes at once", T, async () => {
      sequence(status(503, { "retry-after": "10" }));
      const started = Date.now();
      const error = await rejection((await client()).features.checkFlags({}, { totalTimeoutMs: 2_000 }));
      assert.ok(error instanceof ApiError && error.statusCode === 503);
      assert.ok(Date.now() - started < 1_000, "did not sleep");
      assert.equal(server.requests.length, 1);
    });

    it(
      "a caller's abort cancels at once, during an attempt or a retry wait, and is never retried",
      { ...T, skip: kind.sync && NO_SIGNAL },
      async () => {
        server.handle(() => {});
        const during = new AbortController();
        setTimeout(() => during.abort(), 100);
        let started = Date.now();
        assert.ok((await rejection((await client()).features.checkFlags({}, { signal: during.signal }))) instanceof UserAbortError);
        assert.ok(Date.now() - started < 1_000);
        assert.equal(server.requests.length, 1);

        server.requests.length = 0;
        sequence(status(503, { "retry-after": "5" }));
        const waiting = new AbortController();
        setTimeout(() => waiting.abort(), 100);
        started = Date.now();
        const error = await rejection((await client()).features.checkFlags({}, { signal: waiting.signal }));
        assert.ok(error instanceof UserAbortError);
        assert.match((error as Error).message, /while waiting to retry/);
        assert.ok(Date.now() - started < 1_000);
        assert.equal(server.requests.length, 1);

        const early = new AbortController();
        early.abort();
        assert.ok((await rejection((await client()).features.checkFlags({}, { signal: early.signal }))) instanceof UserAbortError);
      },
    );
  });

  describe("bad responses", () => {
    it("an empty, truncated or huge error body still gives a useful ApiError", T, async () => {
      sequence((res) => {
        res.writeHead(400);
        res.end();
      });
      let error = (await rejection((await client()).features.checkFlags())) as ApiError;
      assert.equal(error.message, "POST /flags/check failed with 400 Bad Request");
      assert.equal(error.body, undefined);

      sequence((res) => {
        res.writeHead(400, { "content-type": "application/json" });
        res.end('{"error": "trunc');
      });
      error = (await rejection((await client()).features.checkFlags())) as ApiError;
      assert.equal(error.body, '{"error": "trunc');
      assert.match(error.message, /^POST \/flags\/check failed with 400 Bad Request: \{"error": "trunc$/);

      const huge = "x".repeat(5 * 1024 * 1024);
      sequence((res) => {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end(huge);
      });
      error = (await rejection((await client()).features.checkFlags())) as ApiError;
      assert.ok(error instanceof NotFoundError);
      assert.equal(typeof error.body, "string");
      assert.equal((error.body as string).length, 64 * 1024);
      assert.ok(error.message.length < 300);
    });
  });

  describe("options", () => {
    it("invalid values fail at construction, naming the option", T, async () => {
      const cases: [Partial<SchematicClientOptions>, RegExp][] = [
        [{ timeoutMs: -5 }, /^timeoutMs must be a positive number/],
        [{ timeoutMs: Infinity }, /^timeoutMs must be a positive number/],
        [{ maxRetries: 1.5 }, /^maxRetries must be a whole number/],
        [{ maxRetries: -1 }, /^maxRetries must be a whole number/],
        [{ retryStatuses: ["503" as unknown as number] }, /^retryStatuses must be a list of HTTP statuses/],
        [{ retryBaseDelayMs: Number.NaN }, /^retryBaseDelayMs must be a number of milliseconds/],
        [{ totalTimeoutMs: 0 }, /^totalTimeoutMs must be a positive number/],
        [{ baseUrl: "api.schematichq.com" }, /^baseUrl must be an absolute http\(s\) URL/],
        [{ dispatcher: {} as Agent }, kind.sync ? /^the sync client takes no dispatcher object/ : /^dispatcher must be an undici Dispatcher/],
        [{ apiKey: `${API_KEY}\r\nx-injected: 1` }, /^apiKey must be a string without line breaks/],
      ];
      for (const [options, message] of cases) {
        await assert.rejects(
          client(options),
          (error: unknown) => error instanceof InvalidArgumentError && message.test(error.message),
          JSON.stringify(options),
        );
      }
      await client({ totalTimeoutMs: null, maxRetries: 0 });
    });

    it("invalid per-request values are rejected before sending", T, async () => {
      await assert.rejects((await client()).features.checkFlags({}, { maxRetries: -2 }), /options.maxRetries must be a whole number/);
      await assert.rejects((await client()).features.checkFlags({}, { totalTimeoutMs: -1 }), /options.totalTimeoutMs must be a positive number/);
      assert.equal(server.requests.length, 0);
    });
  });

  describe("custom HTTP client", () => {
    it("a ProxyAgent carries every request, REST and capture alike, through a local CONNECT proxy", T, async () => {
      const proxy = await startConnectProxy();
      const { tunnels, url: proxyUrl } = proxy;
      const dispatcher = kind.sync ? undefined : new ProxyAgent(proxyUrl);
      try {
        sequence(status(201));
        // The sync client's worker cannot take a dispatcher object: it builds the ProxyAgent from the URL.
        const proxied = await client(kind.sync ? { proxyUrl } : { dispatcher });
        await proxied.features.checkFlags();
        await proxied.capture.sendBatch({ events: [] });
        assert.equal(server.requests.length, 2);
        assert.ok(tunnels.length >= 1, "traffic went through the proxy");
        assert.ok(tunnels.every((target) => target === new URL(server.url).host));
      } finally {
        await dispatcher?.close();
        await proxy.close();
      }
    });

    it("a dispatcher of your own (an Agent with one connection) carries the client's requests", T, async () => {
      const dispatcher = kind.sync ? undefined : createDispatcher();
      const before = server.connections;
      try {
        sequence(status(201));
        const limited = await client(
          kind.sync
            ? {
                dispatcherModule: fileURLToPath(new URL("./helpers/dispatcher-module.ts", import.meta.url)),
              }
            : { dispatcher },
        );
        await Promise.all(Array.from({ length: 5 }, () => limited.features.checkFlags()));
        assert.equal(server.requests.length, 5);
        assert.ok(
          server.requests.every((request) => request.headers["x-dispatcher"] === "dispatcher-module"),
          "every request went through it",
        );
        assert.equal(server.connections - before, 1, "one connection carried all five requests");
      } finally {
        await dispatcher?.close();
      }
    });
  });
}

describe("timing functions", () => {
  it("backoff doubles from the base, is capped, and jitters down by at most a quarter", () => {
    assert.deepStrictEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, 100, 1_000, () => 0)),
      [100, 200, 400, 800, 1_000],
    );
    assert.deepStrictEqual(
      [1, 2, 5].map((n) => backoffDelayMs(n, 100, 1_000, () => 1)),
      [75, 150, 750],
    );
  });

  it("reads Retry-After as seconds or an HTTP date, and retry-after-ms, capped at 60 s", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    assert.equal(retryAfterMs({ "retry-after": "2" }, now), 2_000);
    assert.equal(retryAfterMs({ "retry-after": "0.5" }, now), 500);
    assert.equal(retryAfterMs({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }, now), 3_000);
    assert.equal(retryAfterMs({ "retry-after": "Tue, 31 Dec 2024 23:00:00 GMT" }, now), undefined);
    assert.equal(retryAfterMs({ "retry-after": "3600" }, now), 60_000);
    assert.equal(retryAfterMs({ "retry-after-ms": "250", "retry-after": "9" }, now), 250);
    assert.equal(retryAfterMs({ "retry-after": "soon" }, now), undefined);
    assert.equal(retryAfterMs({ "retry-after-ms": "-5" }, now), undefined);
    assert.equal(retryAfterMs({}, now), undefined);
  });

  it("sleep resolves after its delay and rejects at once on abort", async () => {
    const started = Date.now();
    await sleep(30);
    assert.ok(Date.now() - started >= 25);
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error("stop"));
    await assert.rejects(pending, /stop/);
  });
});
