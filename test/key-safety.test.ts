import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { ApiError, ConnectionError, InvalidArgumentError } from "../generated/index.js";
import { MIN_REDACTED_SECRET_CHARS, REDACTED, redactCutText, redactError, redactText, redactingReviver } from "../runtime/errors.js";
import { MAX_ERROR_BODY_BYTES } from "../runtime/transport.js";
import { CLIENT_KINDS } from "./helpers/clients.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const KEY = "sch_live_KEY-SAFETY-0123456789";
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const script = fileURLToPath(new URL("./scripts/key-leaks.ts", import.meta.url));

/**
 * A server that repeats the request back, the way a careless API or a debugging proxy does: the key header and the
 * request body go into error bodies (JSON and plain text), into response headers, and into 2xx bodies that are not the
 * answer the client expects.
 */
async function echoServer(): Promise<TestServer> {
  return startServer((request, response) => {
    const seen = String(request.headers["x-schematic-api-key"] ?? "");
    const echo = { method: request.method, url: request.url, headers: request.headers, body: request.body };
    const echoHeaders = { "x-schematic-api-key": seen, "x-echo": `key=${seen}` };
    const segment = request.path.split("/").at(-1);
    if (segment === "bad500" || request.path.startsWith("/flags/")) {
      response.writeHead(500, { "content-type": "text/plain", ...echoHeaders });
      response.end(`upstream saw ${seen} in ${JSON.stringify(echo)}`);
      return;
    }
    if (request.path === "/batch" || request.method !== "GET" || segment === "bad400") {
      return sendJson(response, 400, { error: `rejected key ${seen}`, request: echo, [seen]: [{ deep: { deeper: seen } }] }, echoHeaders);
    }
    if (segment === "nodata") return sendJson(response, 200, { echo }, echoHeaders);
    response.writeHead(200, { "content-type": "text/plain", ...echoHeaders });
    response.end(`not json: ${seen}`);
    return;
  });
}

function runLeakScript(mode: "async" | "sync", baseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", script, mode, baseUrl, KEY], { cwd: repoRoot, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${mode} script failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

describe("the API key never leaks", { timeout: 120_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await echoServer();
  });
  after(() => server.close());

  for (const mode of ["async", "sync"] as const) {
    it(`${mode} client: not in inspect/JSON of the client, nor in any part of errors an echoing server causes, nor in log lines`, async () => {
      const output = await runLeakScript(mode, server.url);
      const { views, logLines } = JSON.parse(output) as { views: Record<string, any>; logLines: string[] };
      // The script saw what it should: the server did echo the key, and the client replaced it.
      assert.ok(server.requests.some((r) => r.headers["x-schematic-api-key"] === KEY), "the key was sent");
      for (const name of ["getCompany bad400", "getCompany bad500", "getCompany nodata", "getCompany notjson", "upsertCompany 400"]) {
        assert.ok(views[name].message, `${name} failed as expected`);
        assert.ok(JSON.stringify(views[name]).includes(REDACTED), `${name}: the echoed key was replaced by the marker`);
      }
      assert.match(views["getCompany bad400"].message, /rejected key \[redacted\]/);
      assert.equal(views["getCompany bad400"].headers["x-schematic-api-key"], undefined, "headers repeating the key are left out");
      assert.equal(views["getCompany bad400"].headers["content-type"], "application/json");
      // The error body is typed (the API's error model): fields it does not declare, the echoed key among them, are left out.
      assert.deepEqual(views["getCompany bad400"].body, { error: `rejected key ${REDACTED}` });
      assert.match(views["getCompany bad500"].body, /^upstream saw \[redacted\]/);
      assert.equal(views.checkFlag.value.fallback, "server_error");
      assert.ok(logLines.some((line) => line.includes("retry")), "retries were logged");
      assert.ok(logLines.some((line) => line.includes(REDACTED)), "log lines that quote the server say [redacted]");
      assert.match(views["inspect before"], mode === "sync" ? /SchematicSyncClient/ : /SchematicClient/);
      // The one assertion that matters: nowhere, in any view.
      assert.ok(!output.includes(KEY), `the key leaked: ${output.slice(Math.max(0, output.indexOf(KEY) - 300), output.indexOf(KEY) + 40)}`);
    });
  }
});

/** Every start of `text` of 8 characters or more that occurs in `shown`: what a reader could learn of the key. */
function leakedPrefixes(shown: string, text: string): string[] {
  const found: string[] = [];
  for (let length = 8; length <= text.length; length++) if (shown.includes(text.slice(0, length))) found.push(text.slice(0, length));
  return found;
}

// A key with characters that percent-encoding and JSON escaping both change, so that each echoed form differs.
const ODD_KEY = 'sch_live_ODD/KEY+"quoted"\\tail=0123456789';

for (const kind of CLIENT_KINDS) {
  describe(`${kind.name} client: an error body cut at ${MAX_ERROR_BODY_BYTES} bytes`, { timeout: 60_000 }, () => {
    // The key sits across the cut: `shownChars` of it fall before the limit, the rest is never read.
    for (const shownChars of [4, 8, 20, ODD_KEY.length - 1]) {
      it(`keeps no part of a key crossing the cut (${shownChars} chars before it), nor its percent-encoded or JSON-escaped echo`, async () => {
        const forms = [ODD_KEY, encodeURIComponent(ODD_KEY), JSON.stringify(ODD_KEY).slice(1, -1)];
        const server = await startServer((request, response) => {
          const seen = String(request.headers["x-schematic-api-key"]);
          const head = `url echo: /x?key=${encodeURIComponent(seen)}; json echo: {"key":${JSON.stringify(seen)}}; `;
          const padding = "x".repeat(MAX_ERROR_BODY_BYTES - shownChars - head.length);
          response.writeHead(500, { "content-type": "text/plain" });
          response.end(`${head}${padding}${seen} and more after the limit`);
        });
        try {
          const client = await kind.create({ apiKey: ODD_KEY, baseUrl: server.url, maxRetries: 0, timeoutMs: 20_000 });
          const error = await client.companies.listCompanies({}).then(
            () => assert.fail("a 500 must reject"),
            (error: ApiError) => error,
          );
          assert.equal(server.requests[0]!.headers["x-schematic-api-key"], ODD_KEY, "the key was sent as is");
          assert.equal(error.statusCode, 500);
          const body = String(error.body);
          assert.ok(body.startsWith(`url echo: /x?key=${REDACTED}; json echo: {"key":"${REDACTED}"}; xxx`), body.slice(0, 200));
          assert.ok(body.includes("x".repeat(MAX_ERROR_BODY_BYTES - 1_000)), "the body was read up to the limit");
          assert.ok(!body.includes("more after the limit"), "the body was cut");
          const shown = [body, error.message, String(error.stack), inspect(error, { depth: Infinity })].join("\n");
          for (const form of forms) assert.deepEqual(leakedPrefixes(shown, form), [], `part of ${form} survived`);
          assert.ok(body.endsWith(`x${REDACTED}`), body.slice(-80));
        } finally {
          await kind.dispose();
          await server.close();
        }
      });
    }
  });
}

describe("redactText: secrets shorter than MIN_REDACTED_SECRET_CHARS are chance text, not replaced", () => {
  it("a 1- to 3-character secret leaves texts, JSON names and cut bodies as they are; one of 4 is replaced in each", () => {
    assert.equal(MIN_REDACTED_SECRET_CHARS, 4);
    for (const secret of ["t", "at", "cat"]) {
      assert.equal(redactText("the cat sat at a mat", secret), "the cat sat at a mat", secret);
      assert.equal(redactCutText("concat", secret), "concat", secret);
      assert.deepEqual(JSON.parse('{"cat":"at"}', redactingReviver(secret)), { cat: "at" }, secret);
    }
    assert.equal(redactText("key=k3y/ and k3y%2F", "k3y/"), `key=${REDACTED} and ${REDACTED}`);
    assert.deepEqual(JSON.parse('{"k3y!":"k3y!"}', redactingReviver("k3y!")), { [REDACTED]: REDACTED });
  });
});

describe("redactError", () => {
  it("replaces the key in every error of an AggregateError, nested within causes", () => {
    const inner = new Error(`connect to ${KEY} refused`);
    const aggregate = new AggregateError([new Error("clean"), new Error(`ipv6 ${KEY}`, { cause: inner })], `all attempts with ${KEY} failed`);
    const error = new ConnectionError("GET /x failed: no response", { cause: aggregate });
    redactError(error, KEY);
    assert.ok(!inspect(error, { depth: Infinity, showHidden: true }).includes(KEY), inspect(error, { depth: Infinity }));
    assert.equal(aggregate.message, `all attempts with ${REDACTED} failed`);
    assert.equal(inner.message, `connect to ${REDACTED} refused`);
  });


  it("replaces the key in message, stack, text body and the whole cause chain, and leaves out headers that hold it", () => {
    const root = new Error(`socket to host with ${KEY} closed`);
    const middle = new TypeError(`fetch failed for ${KEY}`, { cause: root });
    const error = new ConnectionError(`GET /x failed: no response (${KEY})`, {
      cause: middle,
      body: `body ${KEY}`,
      headers: { echo: `k=${KEY}`, [KEY]: "as a name", "x-request-id": "req_1" },
    });
    redactError(error, KEY);
    const shown = [inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify(error), error.stack, String(error)].join("\n");
    assert.ok(!shown.includes(KEY), shown);
    assert.equal(error.message, `GET /x failed: no response (${REDACTED})`);
    assert.equal(root.message, `socket to host with ${REDACTED} closed`);
    assert.deepEqual(error.headers, { "x-request-id": "req_1" });
    assert.equal(error.body, `body ${REDACTED}`);
  });

  it("stops on a cause chain that loops, and leaves errors without the key as they are", () => {
    const a = new ApiError(`a ${KEY}`);
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    redactError(a, KEY);
    assert.equal(a.message, `a ${REDACTED}`);
    const clean = new InvalidArgumentError("nothing secret");
    const stack = clean.stack;
    assert.equal(redactError(clean, KEY).stack, stack);
  });
});
