import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { inspect } from "node:util";
import { after, before, beforeEach, describe, it } from "node:test";
import { InvalidArgumentError, SchematicClient, SchematicSyncClient, type SchematicClientOptions } from "../generated/index.js";
import { MAX_DURATION_MS } from "../runtime/options.js";
import { retryAfterMs } from "../runtime/retry.js";
import { buildQuery } from "../runtime/url.js";
import { repoRoot } from "./helpers/cli.js";
import { CLIENT_KINDS, type ClientKind } from "./helpers/clients.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";
import { API_KEY, wireCompany } from "./helpers/wire.js";

// What the client refuses before anything is sent, with InvalidArgumentError: input the HTTP layer cannot send or
// would send wrongly. Each case also checks that the server received nothing.

const T = { timeout: 30_000 };

for (const kind of CLIENT_KINDS) describe(`${kind.name} client refuses before sending`, () => suite(kind));

function suite(kind: ClientKind) {
  let server: TestServer;
  let client: SchematicClient;

  before(async () => {
    server = await startServer((request, res) => sendJson(res, 200, { data: request.path === "/companies" && request.method === "GET" ? [] : wireCompany() }));
    client = await kind.create({ apiKey: API_KEY, baseUrl: server.url, eventCaptureBaseUrl: server.url, maxRetries: 0 });
  });
  after(async () => {
    await kind.dispose();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  async function refused(call: () => Promise<unknown>, message: RegExp): Promise<void> {
    await assert.rejects(call, (error: Error) => {
      assert.ok(error instanceof InvalidArgumentError, `${error.name}: ${error.message}`);
      assert.match(error.message, message);
      return true;
    });
    assert.equal(server.requests.length, 0, "nothing was sent");
  }

  const create = (options: Partial<SchematicClientOptions>) =>
    kind.create({ apiKey: API_KEY, baseUrl: server.url, ...options } as SchematicClientOptions);

  it("header values HTTP cannot send: an emoji, control characters, a line break", T, async () => {
    for (const value of ["😀", "a\u0001b", "a\u007fb", "a\r\nx-injected: 1", "é€"]) {
      await refused(() => client.companies.getCompany({ companyId: "co_1" }, { headers: { "x-note": value } }), /header "x-note" has a character HTTP cannot send/);
    }
    await refused(() => create({ headers: { "x-note": "😀" } }), /headers: header "x-note" has a character/);
  });

  it("header names that are not HTTP tokens", T, async () => {
    for (const name of ["x note", "x-ü", "x:y", ""]) {
      await refused(() => client.companies.getCompany({ companyId: "co_1" }, { headers: { [name]: "1" } }), /is not a valid HTTP header name/);
    }
  });

  it("an API key HTTP cannot send, without quoting it", T, async () => {
    for (const apiKey of ["sch_😀", "sch_a\tb", "sch_key\n", " sch_key"]) {
      await assert.rejects(create({ apiKey }), (error: Error) => {
        assert.ok(error instanceof InvalidArgumentError, error.message);
        assert.match(error.message, /^apiKey must be a string without line breaks, other control characters, spaces or characters beyond Latin-1/);
        assert.ok(!error.message.includes(apiKey));
        return true;
      });
    }
  });

  it("the API key header under any case, per call or per client: the apiKey option sets it", T, async () => {
    await refused(() => client.companies.getCompany({ companyId: "co_1" }, { headers: { "X-SCHEMATIC-API-KEY": "other" } }), /carries the API key/);
    await refused(() => create({ headers: { "x-schematic-api-key": "other" } }), /carries the API key/);
  });

  it("host and framing headers", T, async () => {
    for (const name of ["Host", "content-length", "Transfer-Encoding", "Connection"]) {
      await refused(() => client.companies.getCompany({ companyId: "co_1" }, { headers: { [name]: "1" } }), /set by the HTTP layer/);
    }
  });

  it("a per-call header replaces the client's header of the same name whatever its case: one value is sent", T, async () => {
    const headed = await create({ headers: { "X-Team": "client" } });
    await headed.companies.getCompany({ companyId: "co_1" }, { headers: { "x-team": "call", Accept: "application/json; charset=utf-8" } });
    const [request] = server.requests;
    assert.equal(request!.headers["x-team"], "call");
    assert.equal(request!.headers.accept, "application/json; charset=utf-8");
  });

  it("a baseUrl with user name, password, query or fragment", T, async () => {
    const base = new URL(server.url);
    const cases: [string, RegExp][] = [
      [`http://user:pass@${base.host}`, /baseUrl must not contain a user name or password/],
      [`${server.url}/v1?tenant=1`, /baseUrl must not contain a query/],
      [`${server.url}/v1#top`, /baseUrl must not contain a fragment/],
    ];
    for (const [baseUrl, message] of cases) await refused(() => create({ baseUrl }), message);
    await refused(() => create({ eventCaptureBaseUrl: `http://k@${base.host}` }), /eventCaptureBaseUrl must not contain a user name/);
  });

  it("durations of 2^31 ms or more, which Node's timers would fire after 1 ms", T, async () => {
    for (const option of ["timeoutMs", "totalTimeoutMs", "retryBaseDelayMs", "retryMaxDelayMs", "closeTimeoutMs", "flushIntervalMs"]) {
      await refused(() => create({ [option]: 2 ** 31 }), new RegExp(`${option} must be at most ${MAX_DURATION_MS} ms`));
    }
    await refused(() => client.companies.getCompany({ companyId: "co_1" }, { timeoutMs: 2 ** 31 }), /options.timeoutMs must be at most/);
    await refused(() => client.companies.getCompany({ companyId: "co_1" }, { totalTimeoutMs: 2 ** 40 }), /options.totalTimeoutMs must be at most/);
    // The longest a timer can wait is accepted.
    await create({ timeoutMs: MAX_DURATION_MS, closeTimeoutMs: MAX_DURATION_MS, flushIntervalMs: MAX_DURATION_MS });
  });

  it("query and path parameters of the wrong runtime type, named", T, async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ limit: {} }, /query parameter "limit" must be a string, a finite number, a boolean or a Date, got an object/],
      [{ limit: Number.NaN }, /query parameter "limit" .* got number NaN/],
      [{ offset: Number.POSITIVE_INFINITY }, /query parameter "offset" .* got number Infinity/],
      [{ q: new Date(Number.NaN) }, /query parameter "q" .* got an invalid Date/],
      [{ ids: ["co_1", { id: "co_2" }] }, /query parameter "ids\[1\]" .* got an object/],
    ];
    if (!kind.sync) {
      // Neither can cross to the sync client's runner thread; the sync client's own thread checks them the same way.
      cases.push([{ limit: () => 10 }, /query parameter "limit" .* got a function/], [{ q: Symbol("q") }, /query parameter "q" .* got a symbol/]);
    }
    for (const [args, message] of cases) await refused(() => client.companies.listCompanies(args as never), message);
    for (const companyId of [{}, Number.NaN, null, ["co_1"]]) {
      await refused(() => client.companies.getCompany({ companyId } as never), /path parameter "companyId" must be a string/);
    }
  });

  it("options = null on a call", T, async () => {
    await refused(() => client.companies.getCompany({ companyId: "co_1" }, null as never), /GET \/companies\/\{company_id\}: options must be an object, got null/);
  });

  it("a body holding a BigInt or a cycle, naming the operation", T, async () => {
    await refused(
      () => client.companies.upsertCompany({ keys: { id: "co_1" }, traits: { seats: 10n as never } }),
      /POST \/companies: the request body cannot be sent as JSON \(.*BigInt/,
    );
    const traits: Record<string, unknown> = { name: "loop" };
    traits.self = traits;
    await refused(() => client.companies.upsertCompany({ keys: { id: "co_1" }, traits }), /POST \/companies: the request body cannot be sent as JSON \(.*circular/);
  });
}

describe("client options that are not an object", () => {
  for (const Client of [SchematicClient, SchematicSyncClient]) {
    it(`new ${Client.name}(null / a string / an array) says what is wrong, not a TypeError`, () => {
      for (const options of [null, undefined, "sch_key", [API_KEY]]) {
        assert.throws(
          () => new Client(options as never),
          (error: Error) =>
            error instanceof InvalidArgumentError &&
            new RegExp(`^new ${Client.name}\\(options\\): options must be an object of client options, got (null|undefined|a string|an array)$`).test(error.message) &&
            // Neutral: no example option, which would be wrong for a bearer, basic or keyless client.
            !error.message.includes("apiKey") &&
            !error.message.includes("sch_key"),
        );
      }
    });
  }

  it("a proxyUrl may carry the proxy's credentials (unlike a baseUrl), and inspect does not show them", () => {
    const client = new SchematicSyncClient({ apiKey: API_KEY, proxyUrl: "http://proxy-user:proxy-secret@127.0.0.1:9" });
    assert.ok(!inspect(client, { depth: Infinity, showHidden: true }).includes("proxy-secret"));
  });

  it("the sync client refuses functions and symbols in parameters in the calling thread, naming the parameter", () => {
    const client = new SchematicSyncClient({ apiKey: API_KEY, baseUrl: "http://127.0.0.1:9" });
    const refused = (culprit: string) => (error: unknown) =>
      error instanceof InvalidArgumentError && error.message.includes(`${culprit}, which cannot cross to the worker thread`);
    assert.throws(() => client.companies.listCompanies({ limit: (() => 1) as never }), refused('parameter "limit" is a function'));
    assert.throws(() => client.companies.getCompany({ companyId: Symbol("x") as never }), refused('parameter "companyId" is a symbol'));
    assert.throws(() => client.companies.upsertCompany({ keys: { id: "a" }, traits: { nested: [1, () => 2] } as never }), refused('parameter "traits.nested[1]" is a function'));
    assert.throws(() => client.companies.getCompany({ companyId: "c" }, { headers: { x: Symbol("y") } as never }), refused("options.headers.x is a symbol"));
    assert.equal(client.eventStats().accepted, 0);
  });
});

describe("query parameters whose shape the operation states", () => {
  it("a list parameter takes an array only, a single-value parameter no array", () => {
    const params = [["ids", "ids", "list"], ["limit", "limit", "scalar"], ["q", "q"]] as const;
    assert.equal(buildQuery(params, { ids: ["a", "b"], limit: 5, q: ["x", "y"] }, "repeat"), "?ids=a&ids=b&limit=5&q=x&q=y");
    assert.throws(() => buildQuery(params, { ids: "a" }, "repeat"), /query parameter "ids" must be a list, got string "a"/);
    assert.throws(() => buildQuery(params, { limit: [5] }, "repeat"), /query parameter "limit" takes one value, got an array/);
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("is undefined for a negative value or a date in the past, so the normal backoff applies", () => {
    assert.equal(retryAfterMs({ "retry-after": "-5" }, now), undefined);
    assert.equal(retryAfterMs({ "retry-after": "-0.5" }, now), undefined);
    assert.equal(retryAfterMs({ "retry-after-ms": "-250" }, now), undefined);
    assert.equal(retryAfterMs({ "retry-after": "Tue, 31 Dec 2024 23:00:00 GMT" }, now), undefined);
    // Digits Date.parse would read as a year are not a date.
    assert.equal(retryAfterMs({ "retry-after": "7 days" }, now), undefined);
  });
  it("still honours seconds, milliseconds and a future date, capped at 60 s", () => {
    assert.equal(retryAfterMs({ "retry-after": "2" }, now), 2_000);
    assert.equal(retryAfterMs({ "retry-after-ms": "250" }, now), 250);
    assert.equal(retryAfterMs({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }, now), 3_000);
    assert.equal(retryAfterMs({ "retry-after": "Thu, 02 Jan 2025 00:00:00 GMT" }, now), 60_000);
  });
});

describe("sync client: a logger that makes a sync call while the outer call retries", () => {
  it("gets its answer, and the outer call gets its own: neither hangs", { timeout: 60_000 }, async () => {
    let failedOnce = false;
    const server = await startServer(async (request, res) => {
      if (request.path === "/companies/outer" && !failedOnce) {
        failedOnce = true;
        return sendJson(res, 503, { error: "warming up" });
      }
      // The nested call is slow: the outer call's reply arrives while the nested call waits for its own.
      if (request.path === "/companies/inner") await new Promise((resolve) => setTimeout(resolve, 500));
      sendJson(res, 200, { data: { ...wireCompany(), id: request.path.split("/").at(-1) } });
    });
    const script = `
      import { SchematicSyncClient } from ${JSON.stringify(path.join(repoRoot, "generated/index.ts"))};
      const nested = [];
      const client = new SchematicSyncClient({
        apiKey: "sch_nested", baseUrl: process.argv[1], retryBaseDelayMs: 20, retryMaxDelayMs: 20,
        logger: { warn: (line) => nested.push({ line, id: client.companies.getCompany({ companyId: "inner" }).id }) },
      });
      const outer = client.companies.getCompany({ companyId: "outer" });
      console.log(JSON.stringify({ outer: outer.id, nested }));
    `;
    try {
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, server.url], { cwd: repoRoot, timeout: 30_000 }, (error, out, err) =>
          error ? reject(new Error(`the child failed or hung (${error.message}): ${err}`)) : resolve(out),
        ),
      );
      const { outer, nested } = JSON.parse(stdout) as { outer: string; nested: { line: string; id: string }[] };
      assert.equal(outer, "outer");
      assert.equal(nested.length, 1);
      assert.equal(nested[0]!.id, "inner");
      assert.match(nested[0]!.line, /GET \/companies\/outer: status 503; retry 1/);
      assert.equal(server.requests.filter((r) => r.path === "/companies/outer").length, 2, "the outer call was retried once");
    } finally {
      await server.close();
    }
  });
});
