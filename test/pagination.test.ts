// Pages and raw responses, for both clients of the pages fixture (offset, page and cursor styles), against a local
// server holding 1 001 numbered records: every item once, pages fetched only when the loop needs them, failures after
// retries, per-request options on every page, and `withResponse` with status, headers and request id.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { ApiError, PagesClient, TimeoutError, type PageRecord } from "./fixtures/pages/expected/index.js";
import { sendJson, startServer, type RecordedRequest, type TestServer } from "./helpers/server.js";

const T = { timeout: 30_000 };
const API_KEY = "sch_pages_secret_key_0123456789";
const TOTAL = 1001;
const DEFAULT_PAGE_SIZE = 25;
const RECORDS = Array.from({ length: TOTAL }, (_, i) => ({ record_id: `r${i}`, position: i }));

let server: TestServer;
/** Per path: a status to answer instead of the page, for the next N requests asking for it. */
let faults: { match: (request: RecordedRequest) => boolean; status: number; times: number }[] = [];
let delayMs = 0;

const int = (request: RecordedRequest, name: string, fallback: number) => {
  const value = request.query.get(name);
  return value === null ? fallback : Number(value);
};

before(async () => {
  server = await startServer(async (request, response) => {
    const fault = faults.find((f) => f.times > 0 && f.match(request));
    if (fault) {
      fault.times--;
      return sendJson(response, fault.status, { error: "try again" });
    }
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const headers = { "x-request-id": `req-${server.requests.length}`, "x-echo": `key=${request.headers["x-api-key"]}` };
    if (request.path === "/records") {
      const limit = int(request, "limit", DEFAULT_PAGE_SIZE);
      const offset = int(request, "offset", 0);
      return sendJson(response, 200, { data: RECORDS.slice(offset, offset + limit), params: {} }, headers);
    }
    if (request.path === "/records/recent") return sendJson(response, 200, { data: RECORDS.slice(0, 3) }, headers);
    if (request.path.startsWith("/records/")) return sendJson(response, 200, { data: RECORDS[Number(request.path.slice(9))] }, headers);
    if (request.path === "/numbered") {
      const size = int(request, "page_size", DEFAULT_PAGE_SIZE);
      const page = int(request, "page", 1);
      return sendJson(response, 200, { data: RECORDS.slice((page - 1) * size, page * size) }, headers);
    }
    if (request.path === "/cursors") {
      const limit = int(request, "limit", DEFAULT_PAGE_SIZE);
      const start = request.query.has("after") ? Number(request.query.get("after")!.slice(1)) + 1 : 0;
      const records = RECORDS.slice(start, start + limit);
      const stuck = request.query.get("after") === "c500";
      const next = stuck ? "c500" : start + limit < TOTAL ? `c${start + limit - 1}` : null;
      return sendJson(response, 200, { records, next_cursor: next }, headers);
    }
    sendJson(response, 404, { error: "no such path" });
  });
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  faults = [];
  delayMs = 0;
});

const client = (options: { maxRetries?: number } = {}) =>
  new PagesClient({ apiKey: API_KEY, baseUrl: server.url, retryBaseDelayMs: 1, retryMaxDelayMs: 5, ...options });

const positions = (records: PageRecord[]) => records.map((r) => r.position);
const pathsAsked = () => server.requests.map((r) => r.url);

describe("pages, async client", () => {
  it("iterates every record across pages, each once, in order", T, async () => {
    const seen: PageRecord[] = [];
    for await (const record of client().records.listRecords({ limit: 100 })) seen.push(record);
    assert.equal(seen.length, TOTAL);
    assert.deepEqual(positions(seen), RECORDS.map((r) => r.position));
    assert.equal(new Set(seen.map((r) => r.recordId)).size, TOTAL);
    assert.deepEqual(pathsAsked(), Array.from({ length: 11 }, (_, i) => (i === 0 ? "/records?limit=100" : `/records?limit=100&offset=${i * 100}`)));
  });

  it("fetches the next page only when the loop reaches it, and none after break", T, async () => {
    let count = 0;
    for await (const record of client().records.listRecords({ limit: 100 })) {
      count++;
      if (count === 100) assert.equal(server.requests.length, 1, "the first page answers the first 100 items");
      if (count === 101) {
        assert.equal(server.requests.length, 2);
        assert.equal(record.position, 100);
        break;
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(server.requests.length, 2);

    server.requests.length = 0;
    const firstFive: number[] = [];
    for await (const record of client().records.listRecords({ limit: 100 })) {
      firstFive.push(record.position);
      if (firstFive.length === 5) break;
    }
    assert.deepEqual(firstFive, [0, 1, 2, 3, 4]);
    assert.equal(server.requests.length, 1);
  });

  it("answers the first page when awaited, with hasNextPage, getNextPage and pages()", T, async () => {
    const first = await client().records.listRecords({ limit: 400, tag: "x" });
    assert.deepEqual(positions(first.items), RECORDS.slice(0, 400).map((r) => r.position));
    assert.equal(first.hasNextPage(), true);
    const second = await first.getNextPage();
    assert.equal(second.items[0]!.position, 400);
    const third = await second.getNextPage();
    assert.equal(third.items.length, 201);
    assert.equal(third.hasNextPage(), false);
    await assert.rejects(third.getNextPage(), (error: unknown) => error instanceof ApiError && /this is the last page/.test(error.message));
    assert.deepEqual(pathsAsked(), ["/records?limit=400&tag=x", "/records?limit=400&offset=400&tag=x", "/records?limit=400&offset=800&tag=x"]);

    server.requests.length = 0;
    const sizes: number[] = [];
    for await (const page of first.pages()) sizes.push(page.items.length);
    assert.deepEqual(sizes, [400, 400, 201]);
    assert.equal(server.requests.length, 2, "pages() starts from the page it is called on");
  });

  it("learns the page size from the first page when the call gives no limit, and sends it from then on", T, async () => {
    let count = 0;
    for await (const _ of client().records.listRecords()) count++;
    assert.equal(count, TOTAL);
    assert.equal(server.requests.length, Math.ceil(TOTAL / DEFAULT_PAGE_SIZE));
    assert.equal(server.requests[0]!.url, "/records");
    assert.equal(server.requests[1]!.url, `/records?limit=${DEFAULT_PAGE_SIZE}&offset=${DEFAULT_PAGE_SIZE}`);
  });

  it("throws a failed page's ApiError from the loop, after the client's retries", T, async () => {
    faults = [{ match: (r) => r.path === "/records" && r.query.get("offset") === "200", status: 503, times: Infinity }];
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const record of client({ maxRetries: 2 }).records.listRecords({ limit: 100 })) seen.push(record.position);
      })(),
      (error: unknown) => error instanceof ApiError && error.statusCode === 503,
    );
    assert.equal(seen.length, 200, "the first two pages were yielded before the third failed");
    assert.equal(server.requests.filter((r) => r.query.get("offset") === "200").length, 3, "one attempt and two retries");
  });

  it("goes on when a retry of a page succeeds", T, async () => {
    faults = [{ match: (r) => r.query.get("offset") === "300", status: 503, times: 2 }];
    let count = 0;
    for await (const _ of client({ maxRetries: 2 }).records.listRecords({ limit: 100 })) count++;
    assert.equal(count, TOTAL);
  });

  it("applies the call's options to every page request: headers and timeoutMs", T, async () => {
    let count = 0;
    for await (const _ of client().records.listRecords({ limit: 300 }, { headers: { "x-trace": "t-1" } })) count++;
    assert.equal(count, TOTAL);
    assert.deepEqual(server.requests.map((r) => r.headers["x-trace"]), ["t-1", "t-1", "t-1", "t-1"]);

    const first = await client().records.listRecords({ limit: 500 }, { timeoutMs: 300, maxRetries: 0 });
    delayMs = 2_000;
    await assert.rejects(first.getNextPage(), TimeoutError);
  });

  it("stops at a signal the call was given, before the next page", T, async () => {
    const controller = new AbortController();
    let count = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of client().records.listRecords({ limit: 100 }, { signal: controller.signal })) {
          if (++count === 150) controller.abort();
        }
      })(),
      (error: unknown) => error instanceof ApiError && /aborted/.test(error.message),
    );
    assert.equal(count, 200, "the page in hand is yielded to its end");
    assert.equal(server.requests.length, 2);
  });

  it("pages by page number, counted from 1, with the manifest's page-size parameter", T, async () => {
    const seen: number[] = [];
    for await (const record of client().numbered.listNumbered({ pageSize: 300 })) seen.push(record.position);
    assert.deepEqual(seen, RECORDS.map((r) => r.position));
    assert.deepEqual(pathsAsked(), [1, 2, 3, 4].map((page) => (page === 1 ? "/numbered?page_size=300" : `/numbered?page=${page}&page_size=300`)));
  });

  it("pages by cursor until the response gives none, and refuses a cursor that repeats", T, async () => {
    const seen: number[] = [];
    for await (const record of client().cursors.listAfter({ limit: 450 })) seen.push(record.position);
    assert.deepEqual(seen, RECORDS.map((r) => r.position));
    assert.deepEqual(pathsAsked(), ["/cursors?limit=450", "/cursors?after=c449&limit=450", "/cursors?after=c899&limit=450"]);

    server.requests.length = 0;
    let count = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of client().cursors.listAfter({ limit: 501 })) count++;
      })(),
      (error: unknown) => error instanceof ApiError && /answered a cursor it was already asked with/.test(error.message),
    );
    assert.equal(count, 501, "the first page is yielded; the page that repeats its cursor is refused");
  });

  it("leaves operations the manifest turns off unpaged", T, async () => {
    const recent = await client().records.listRecent({ limit: 3 });
    assert.ok(Array.isArray(recent));
    assert.deepEqual(positions(recent), [0, 1, 2]);
  });
});

describe("withResponse, async client", () => {
  it("answers the result beside status, headers and the request id, never the API key", T, async () => {
    const { data, response } = await client().records.getRecord({ recordId: "7" }).withResponse();
    assert.deepEqual(data, { recordId: "r7", position: 7 });
    assert.equal(response.status, 200);
    assert.equal(response.requestId, "req-1");
    assert.equal(response.headers["content-type"], "application/json");
    assert.equal(response.headers["x-echo"], undefined, "a header echoing the key is left out");
    assert.ok(!JSON.stringify(response).includes(API_KEY));
  });

  it("works beside a plain await of the same call, and for a page", T, async () => {
    const call = client().records.getRecord({ recordId: "3" });
    const [plain, raw] = await Promise.all([call, call.withResponse()]);
    assert.deepEqual(plain, raw.data);
    assert.equal(server.requests.length, 1, "one request for both");

    const { data: page, response } = await client().records.listRecords({ limit: 10 }).withResponse();
    assert.equal(page.items.length, 10);
    assert.equal(page.hasNextPage(), true);
    assert.equal(response.requestId, "req-2");
  });

  it("leaves no unhandled rejection when only withResponse() is awaited", T, async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      await assert.rejects(client({ maxRetries: 0 }).records.getRecord({ recordId: "missing/path" }).withResponse(), ApiError);
      await assert.rejects(client({ maxRetries: 0 }).records.getRecord({ recordId: "x" }).then(() => new ApiError("unreachable")));
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });
});

/** Runs `body` (the source of an async function of `sdk`, `baseUrl` and `apiKey`) with the sync client in a thread of its own. */
function inSyncThread(body: string): Promise<unknown> {
  const fixture = new URL("./fixtures/pages/expected/index.ts", import.meta.url).href;
  const source = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  (await import("tsx/esm/api")).register();
  const sdk = await import(${JSON.stringify(fixture)});
  const client = new sdk.PagesSyncClient({ apiKey: workerData.apiKey, baseUrl: workerData.baseUrl, retryBaseDelayMs: 1, retryMaxDelayMs: 5 });
  try {
    const value = (() => { ${body} })();
    parentPort.postMessage({ value });
  } catch (error) {
    parentPort.postMessage({ error: { name: error.name, message: error.message, statusCode: error.statusCode } });
  }
})();`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { apiKey: API_KEY, baseUrl: server.url } });
    worker.once("message", (message: { value?: unknown; error?: unknown }) => {
      void worker.terminate();
      if (message.error) resolve({ error: message.error });
      else resolve(message.value);
    });
    worker.once("error", reject);
  });
}

describe("pages and withResponse, sync client", () => {
  it("iterates every record with for...of, one blocking request per page", T, async () => {
    const result = (await inSyncThread(`
      const seen = [];
      for (const record of client.records.listRecords({ limit: 100 })) seen.push(record.position);
      return seen;`)) as number[];
    assert.deepEqual(result, RECORDS.map((r) => r.position));
    assert.equal(server.requests.length, 11);
  });

  it("fetches one page when the loop breaks after 5 items, and answers pages with items, hasNextPage and getNextPage", T, async () => {
    const result = (await inSyncThread(`
      const five = [];
      for (const record of client.records.listRecords({ limit: 100 })) { five.push(record.position); if (five.length === 5) break; }
      const first = client.numbered.listNumbered({ pageSize: 600 });
      const second = first.getNextPage();
      let refused = "";
      try { second.getNextPage(); } catch (error) { refused = error.message; }
      const cursorCount = [...client.cursors.listAfter({ limit: 300 })].length;
      return { five, firstSize: first.items.length, more: first.hasNextPage(), secondSize: second.items.length, last: !second.hasNextPage(), refused, cursorCount };`)) as Record<string, unknown>;
    assert.deepEqual(result.five, [0, 1, 2, 3, 4]);
    assert.equal(server.requests[0]!.url, "/records?limit=100");
    assert.equal(server.requests.filter((r) => r.path === "/records").length, 1);
    assert.deepEqual([result.firstSize, result.more, result.secondSize, result.last], [600, true, 401, true]);
    assert.match(String(result.refused), /this is the last page/);
    assert.equal(result.cursorCount, TOTAL);
  });

  it("throws a failed page's error from the loop after retries", T, async () => {
    faults = [{ match: (r) => r.query.get("offset") === "200", status: 503, times: Infinity }];
    const result = (await inSyncThread(`
      let count = 0;
      for (const record of client.records.listRecords({ limit: 100 }, { maxRetries: 1 })) count++;
      return count;`)) as { error: { name: string; statusCode: number } };
    assert.equal(result.error.statusCode, 503);
    assert.equal(server.requests.filter((r) => r.query.get("offset") === "200").length, 2);
  });

  it("answers { data, response } through client.withResponse, for a call and for a page", T, async () => {
    const result = (await inSyncThread(`
      const { data, response } = client.withResponse.records.getRecord({ recordId: "5" });
      const paged = client.withResponse.records.listRecords({ limit: 1000 });
      const rest = paged.data.getNextPage();
      return { data, response, items: paged.data.items.length, status: paged.response.status, rest: rest.items.length, plain: client.records.getRecord({ recordId: "6" }) };`)) as Record<string, any>;
    assert.deepEqual(result.data, { recordId: "r5", position: 5 });
    assert.equal(result.response.status, 200);
    assert.equal(result.response.requestId, "req-1");
    assert.equal(result.response.headers["x-echo"], undefined);
    assert.deepEqual([result.items, result.status, result.rest], [1000, 200, 1]);
    assert.deepEqual(result.plain, { recordId: "r6", position: 6 }, "the client's own resources still answer plain values");
  });
});
