// Defects an independent review found in pages, raw responses, webhooks and the shared flag cache, one test each
// (each failed before its fix). Real servers on 127.0.0.1, random ports, bounded time.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { readFileSync } from "node:fs";
import { after, before, beforeEach, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { ApiError, ApiPromise, PagePromise, PagesClient } from "./fixtures/pages/expected/index.js";
import { sendJson, startServer, type RecordedRequest, type TestServer } from "./helpers/server.js";
import { irOf } from "./helpers/manifests.js";
import { emitSources } from "../generator/emit/index.js";
import { parseOpenApi } from "../generator/openapi/document.js";
import { importDocument } from "../generator/openapi/import.js";
import { renderDocs } from "../generator/render.js";
import { verifyWebhookBody, verifyWebhookStream, type WebhookSpec } from "../runtime/webhooks.js";
import type { Codec } from "../runtime/codec.js";

const T = { timeout: 30_000 };
const API_KEY = "sch_pages_secret_key_0123456789";
const RECORDS = Array.from({ length: 600 }, (_, i) => ({ record_id: `r${i}`, position: i }));

let server: TestServer;
let handler: (request: RecordedRequest) => { body: unknown; headers?: Record<string, string> };

before(async () => {
  server = await startServer((request, response) => {
    const { body, headers } = handler(request);
    sendJson(response, 200, body, headers);
  });
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const client = () => new PagesClient({ apiKey: API_KEY, baseUrl: server.url, retryBaseDelayMs: 1, retryMaxDelayMs: 5, maxRetries: 0 });

/** Iterates at most `maxItems` items (a bound, so that a loop that never ends fails instead of hanging). */
async function collect<T>(iterable: AsyncIterable<T>, maxItems = 100): Promise<T[]> {
  const seen: T[] = [];
  for await (const item of iterable) {
    seen.push(item);
    if (seen.length >= maxItems) break;
  }
  return seen;
}

describe("review: pages against hostile or ordinary servers", () => {
  it("cursor style: an empty page that still names a next cursor does not end the list", T, async () => {
    // Servers that filter after reading (search, scans) answer empty pages with a cursor; the docs say a cursor list
    // ends "when the response gives no next cursor".
    handler = (request) => {
      const after = request.query.get("after");
      if (after === null) return { body: { records: [RECORDS[0]], next_cursor: "c1" } };
      if (after === "c1") return { body: { records: [], next_cursor: "c2" } };
      return { body: { records: [RECORDS[1]], next_cursor: null } };
    };
    const seen = await collect(client().cursors.listAfter({ limit: 10 }));
    assert.deepEqual(seen.map((r) => r.position), [0, 1], `asked: ${server.requests.map((r) => r.url).join(" ")}`);
  });

  it("cursor style: a cursor cycle (A -> B -> A) is refused like a cursor that repeats", T, async () => {
    handler = (request) => {
      const after = request.query.get("after");
      const next = after === "A" ? "B" : "A";
      return { body: { records: [RECORDS[server.requests.length]], next_cursor: next } };
    };
    let error: unknown;
    try {
      await collect(client().cursors.listAfter({ limit: 1 }), 50);
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ApiError, `the loop kept going: ${server.requests.length} requests for a list of two cursors`);
  });

  it("offset style: a server that caps the page size below `limit` does not cut the list short", T, async () => {
    // Schematic's own spec: limit "maximum: 250" (specs/schematic-openapi.yaml); a server that clamps answers 250. The
    // fixture documents that maximum, so a page of 250 is a full one whatever was asked.
    handler = (request) => {
      const limit = Math.min(Number(request.query.get("limit") ?? 100), 250);
      const offset = Number(request.query.get("offset") ?? 0);
      return { body: { data: RECORDS.slice(offset, offset + limit) } };
    };
    const seen = await collect(client().records.listRecords({ limit: 1000 }), 10_000);
    assert.equal(seen.length, RECORDS.length, `asked: ${server.requests.map((r) => r.url).join(" ")}`);
  });
});

describe("review: ApiPromise and PagePromise as promises", () => {
  it("the Promise statics they inherit work (ApiPromise.resolve, PagePromise.all)", T, async () => {
    // TypeScript offers them (a mock in a user's test: ApiPromise.resolve(company)); the constructor takes an answer
    // promise, not an executor, so Promise's statics get no resolve function.
    assert.equal(await ApiPromise.resolve(1), 1);
    assert.deepEqual(await PagePromise.all([1, 2]), [1, 2]);
  });
});

describe("review: withResponse never shows the API key", () => {
  it("not in a response header's name either (errors drop such a header)", T, async () => {
    handler = () => ({ body: { data: RECORDS[1] }, headers: { [`x-debug-${API_KEY}`]: "1" } });
    const { response } = await client().records.getRecord({ recordId: "1" }).withResponse();
    assert.ok(!JSON.stringify(response).includes(API_KEY), JSON.stringify(response.headers));
  });
});

describe("review: webhooks", () => {
  const spec: WebhookSpec = { signatureHeader: "X-Sig", timestampHeader: "X-Ts", scheme: "hmac-sha256-hex", toleranceMs: 300_000 };
  const codec: Codec<unknown> = { fromWire: (value: unknown) => value, toWire: (value: unknown) => value } as unknown as Codec<unknown>;
  const SECRET = "whsec_review";
  const body = JSON.stringify({ action: "company.created" });
  const ts = String(Math.floor(Date.now() / 1000));
  const good = createHmac("sha256", SECRET).update(`${body}+${ts}`).digest("hex");
  const other = "0".repeat(64);

  it("of a repeated signature header the first value counts (README), from a Headers", T, () => {
    const headers = new Headers([["x-sig", good], ["x-sig", other], ["x-ts", ts]]);
    assert.doesNotThrow(() => verifyWebhookBody(spec, codec, body, headers, SECRET));
  });

  it("of a repeated signature header the first value counts (README), from a Node request", T, async () => {
    const { createServer } = await import("node:http");
    const outcome = new Promise<string>((resolve) => {
      const hook = createServer((request, response) => {
        verifyWebhookStream(spec, codec, request, SECRET).then(
          () => resolve("verified"),
          (error: Error) => resolve(`${error.name}: ${error.message}`),
        );
        response.end();
        hook.close();
      });
      hook.listen(0, "127.0.0.1", () => {
        const { port } = hook.address() as { port: number };
        const sent = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/", headers: { "X-Sig": [good, other], "X-Ts": ts } });
        sent.on("response", (r) => r.resume());
        sent.on("error", () => undefined);
        sent.end(body);
      });
    });
    assert.equal(await outcome, "verified");
  });
});

describe("review: generator", () => {
  it("the README's pagination example passes the operation's own page-size parameter", T, () => {
    const manifest = `name: Shelf
title: Shelf API
version: "1"
package: shelf-sdk
defaultServer: main
servers:
  main: { url: https://shelf.example, option: baseUrl }
types:
  Book:
    properties:
      book_id: string
pagination:
  default: { style: page, perPage: page_size }
resources:
  books:
    operations:
      listBooks:
        method: GET
        path: /books
        query: { page: integer, page_size: integer }
        response: { status: 200, type: list<Book> }
`;
    const readme = renderDocs(irOf(manifest)).find((doc) => doc.path === "README.md")!.text;
    const example = readme.split("\n").filter((line) => line.includes("client.books.listBooks("));
    assert.ok(example.length > 0);
    for (const line of example) assert.doesNotMatch(line, /\{ limit: 100 \}/, `listBooks has no "limit" parameter: ${line}`);
  });

  it("a shared cache store's namespace covers every credential (basic: the username too)", T, () => {
    const data = parse(readFileSync(new URL("../manifest.yaml", import.meta.url), "utf8"));
    delete data.events;
    data.auth = { scheme: "basic", usernameOption: "username", passwordOption: "password" };
    const text = emitSources(irOf(stringify(data)), { runtimeEntry: "../runtime/index.ts" }).find((f) => f.path === "client.ts")!.text;
    const hashed = text.split("\n").find((line) => /^\s*apiKey: /.test(line))!;
    // Two accounts with one password (or an empty one, as APIs that put the key in the username have) share entries.
    assert.match(hashed, /username/, `the namespace hashes only what this line gives: ${hashed.trim()}`);
  });

  it("the importer does not take a next-page URL (`next`, format uri) for a cursor", T, () => {
    // As Spotify's recently-played: `after` and `limit`, answering { items, next: "https://...?before=..." }.
    const list = { type: "array", items: { $ref: "#/components/schemas/Item" } };
    const doc = parseOpenApi(
      stringify({
        openapi: "3.0.3",
        info: { title: "Played", version: "1" },
        servers: [{ url: "https://played.example" }],
        paths: {
          "/played": {
            get: {
              operationId: "listPlayed",
              parameters: [
                { name: "after", in: "query", schema: { type: "integer" } },
                { name: "limit", in: "query", schema: { type: "integer" } },
              ],
              responses: { "200": { description: "OK", content: { "application/json": { schema: { $ref: "#/components/schemas/PlayedPage" } } } } },
            },
          },
        },
        components: {
          schemas: {
            Item: { type: "object", properties: { id: { type: "string" } } },
            PlayedPage: { type: "object", properties: { items: list, next: { type: "string", format: "uri", description: "URL of the next page" } } },
          },
        },
      }),
      "doc.yaml",
    );
    const pagination = importDocument(doc, {}).manifest.pagination;
    assert.equal(pagination, undefined, `recorded: ${JSON.stringify(pagination)} (the next request would send the URL as ?after=)`);
  });
});
