import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { Agent, type Dispatcher } from "undici";
import { ApiError, InvalidArgumentError, type SchematicClientOptions, type SchematicSyncClientOptions } from "../generated/index.js";
import { CLIENT_KINDS, type ClientKind } from "./helpers/clients.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";
import { API_KEY } from "./helpers/wire.js";

// A 2xx body is capped (maxResponseBytes), and every failure while reading a body settles the call.

const T = { timeout: 30_000 };
const LIMIT = 64 * 1024;

for (const kind of CLIENT_KINDS) describe(`${kind.name} client`, () => suite(kind));

function suite(kind: ClientKind) {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });
  afterEach(async () => {
    await kind.dispose();
  });

  function client(options: Partial<SchematicClientOptions & SchematicSyncClientOptions> = {}) {
    return kind.create({ apiKey: API_KEY, baseUrl: server.url, retryBaseDelayMs: 10, retryMaxDelayMs: 40, ...options } as SchematicClientOptions);
  }

  it("a 2xx body that never ends fails once it passes maxResponseBytes, without retries, and the connection is dropped", T, async () => {
    let streamStopped!: () => void;
    const stopped = new Promise<void>((resolve) => (streamStopped = resolve));
    // An endless 200 body, 16 KiB at a time, for as long as the client reads it.
    server.handle((_, res) => {
      res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_over_cap" });
      const chunk = Buffer.alloc(16 * 1024, " ");
      res.write("{");
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      res.once("close", streamStopped);
      pump();
    });
    const capped = await client({ maxResponseBytes: LIMIT, timeoutMs: 20_000, maxRetries: 2 });
    const started = Date.now();
    await assert.rejects(capped.companies.listCompanies({}), (error: Error) => {
      assert.ok(error instanceof ApiError, `${error.name}: ${error.message}`);
      assert.equal(error.constructor, ApiError);
      assert.equal(error.message, `GET /companies returned 200 with a body over the limit of ${LIMIT} bytes (maxResponseBytes)`);
      assert.equal((error as ApiError).statusCode, 200);
      // The request id is what support asks for: the headers come with the error.
      assert.equal((error as ApiError).headers["x-request-id"], "req_over_cap");
      return true;
    });
    assert.ok(Date.now() - started < 10_000, "answered at the cap, not at timeoutMs");
    assert.equal(server.requests.length, 1, "a body over the cap is not retried");
    await stopped; // the server's response was closed: the client dropped the connection
  });

  it("a 2xx body of exactly maxResponseBytes is accepted; one byte more is refused", T, async () => {
    const bodyOf = (size: number) => {
      const prefix = '{"data":[],"padding":"';
      return prefix + "x".repeat(size - prefix.length - 2) + '"}';
    };
    let size = LIMIT;
    server.handle((_, res: ServerResponse) => {
      const text = bodyOf(size);
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
    const capped = await client({ maxResponseBytes: LIMIT, maxRetries: 0 });
    assert.deepStrictEqual((await capped.companies.listCompanies({})).items, []);
    size = LIMIT + 1;
    await assert.rejects(capped.companies.listCompanies({}), /^ApiError: GET \/companies returned 200 with a body over the limit of 65536 bytes \(maxResponseBytes\)$/);
  });

  it("maxResponseBytes that is not a whole number from 1 to the longest string is refused at construction", T, async () => {
    for (const value of [0, -1, 1.5, "big", 2 ** 30, null]) {
      await assert.rejects(client({ maxResponseBytes: value as number }), (error: Error) => {
        assert.ok(error instanceof InvalidArgumentError, `${value}: ${error.name}: ${error.message}`);
        assert.match(error.message, /^maxResponseBytes must be a whole number of bytes from 1 to \d+, got /);
        return true;
      });
    }
    assert.equal(server.requests.length, 0);
  });
}

describe("a body that cannot be read", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer((_, res) => sendJson(res, 200, { data: [] }));
  });
  after(async () => {
    await server.close();
  });

  it("a dispatcher that hands the body over as text rather than bytes: the call settles with ApiError", T, async () => {
    // A faulty interceptor in the app's dispatcher chain: the body arrives in two string chunks, which cannot be joined as bytes.
    const textChunks: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) =>
      dispatch(options, {
        onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
        onResponseStart: (controller, status, headers, message) => handler.onResponseStart?.(controller, status, headers, message),
        onResponseData: (controller, chunk) => {
          const text = chunk.toString("latin1");
          handler.onResponseData?.(controller, text.slice(0, 3) as unknown as Buffer);
          handler.onResponseData?.(controller, text.slice(3) as unknown as Buffer);
        },
        onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
        onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
      });
    const dispatcher = new Agent().compose(textChunks);
    const { SchematicClient } = await import("../generated/index.js");
    const faulty = new SchematicClient({ apiKey: API_KEY, baseUrl: server.url, maxRetries: 0, timeoutMs: 20_000, dispatcher });
    const started = Date.now();
    await assert.rejects(faulty.companies.listCompanies({}), (error: Error) => {
      assert.ok(error instanceof ApiError, `${error.name}: ${error.message}`);
      assert.match(error.message, /^GET \/companies returned 200 with a body that could not be read: /);
      return true;
    });
    assert.ok(Date.now() - started < 10_000, "settled at once, not at timeoutMs");
    await faulty.close();
    await dispatcher.close();
  });
});
