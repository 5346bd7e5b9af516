// Standard error classes without declaration, and error bodies typed by the manifest, whose message field reaches
// error.message (test/fixtures/typed-errors: no errors section and an API-wide body; test/fixtures/kitchen-sink: an
// operation with a body of its own).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { parseManifest } from "../generator/load.js";
import { normalizeManifest } from "../generator/normalize.js";
import { emitErrors } from "../generator/emit/errors.js";
import {
  ApiError,
  BadRequestError,
  BookshelfClient,
  BookshelfSyncClient,
  InternalServerError,
  NotFoundError,
  UnauthorizedError,
  UnprocessableEntityError,
  type BookError,
} from "./fixtures/typed-errors/expected/index.js";
import { ZooClient, ZooServerError } from "./fixtures/kitchen-sink/expected/index.js";
import { irOf, minimalWith } from "./helpers/manifests.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const T = { timeout: 15_000 };
let server: TestServer;
let client: BookshelfClient;

before(async () => {
  server = await startServer();
  client = new BookshelfClient({ apiKey: "book_key", baseUrl: server.url, maxRetries: 0 });
});
after(async () => {
  await server.close();
});

/** The error a call rejects with; fails the test when it resolves. */
async function failureOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  assert.fail("the call succeeded");
}

describe("typed error bodies", () => {
  it("throws the standard class with the body typed by the API's errorBody, and the server's message in error.message", T, async () => {
    server.handle((_, res) =>
      sendJson(res, 404, { message_text: "no book b1", code: "book_missing", error_code: "E404", at: "2026-01-02T03:04:05.000Z" }),
    );
    const error = await failureOf(client.books.getBook({ bookId: "b1" }));
    assert.ok(error instanceof NotFoundError, String(error));
    // The message field is a wire name, read before the body is decoded.
    assert.equal(error.message, "GET /books/b1 failed with 404 Not Found: no book b1");
    assert.ok(typeof error.body === "object" && error.body !== undefined, "a JSON body is parsed");
    // Compiled by `npm run typecheck`: the body's fields have the manifest's types, and hold them at runtime.
    const code: string = error.body.code;
    assert.equal(code, "book_missing");
    assert.equal(error.body.errorCode, "E404");
    assert.equal(error.body.messageText, "no book b1");
    assert.ok(error.body.at instanceof Date, "a date-time field is decoded");
    assert.equal(error.body.at.toISOString(), "2026-01-02T03:04:05.000Z");
    assert.equal((error.body as unknown as Record<string, unknown>)["error_code"], undefined, "no wire names are left");
  });

  it("decodes an operation's own error body, and keeps a body that is no object as it came", T, async () => {
    const zoo = new ZooClient({ apiKey: "zoo_key", baseUrl: server.url, ingestBaseUrl: server.url, maxRetries: 0 });
    try {
      // Decoded by ZooProblem's codec, which keeps only ZooProblem's fields.
      server.handle((_, res) => sendJson(res, 500, { reason: "closed", hint: "come back tomorrow", not_in_zoo_problem: 1 }));
      const own = await failureOf(zoo.animals.createAnimal({ zoneId: "z1", species: "lion" }));
      assert.ok(own instanceof ZooServerError, String(own));
      assert.deepStrictEqual({ ...(own.body as object) }, { reason: "closed", hint: "come back tomorrow" });
      server.handle((_, res) => sendJson(res, 404, ["not", "an", "object"]));
      const list = await failureOf(client.books.getBook({ bookId: "b6" }));
      assert.ok(list instanceof NotFoundError, String(list));
      assert.deepStrictEqual(list.body, ["not", "an", "object"]);
    } finally {
      await zoo.close();
    }
  });

  it("reads the message field for a POST too", T, async () => {
    server.handle((_, res) => sendJson(res, 422, { message_text: "title is empty", code: "invalid" }));
    const error = await failureOf(client.books.createBook({ title: "" }));
    assert.ok(error instanceof UnprocessableEntityError, String(error));
    assert.equal(error.message, "POST /books failed with 422 Unprocessable Entity: title is empty");
  });

  it("reads an operation's own message field, while the API's other operations keep the default one", T, async () => {
    const zoo = new ZooClient({ apiKey: "zoo_key", baseUrl: server.url, ingestBaseUrl: server.url, maxRetries: 0 });
    try {
      server.handle((_, res) => sendJson(res, 500, { reason: "the zone is closed", error: "not this one" }));
      const own = await failureOf(zoo.animals.createAnimal({ zoneId: "z1", species: "lion" }));
      assert.ok(own instanceof ZooServerError, String(own));
      assert.equal(own.message, "POST /zones/z1/animals failed with 500 Internal Server Error: the zone is closed");
      server.handle((_, res) => sendJson(res, 500, { reason: "not this one", error: "down" }));
      const other = await failureOf(zoo.animals.listAnimals({ zoneId: "z1", limit: 1 }));
      assert.equal((other as Error).message, "GET /zones/z1/animals failed with 500 Internal Server Error: down");
    } finally {
      await zoo.close();
    }
  });

  it("keeps a text body as text, and a JSON body without the message field out of the message", T, async () => {
    server.handle((_, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("upstream exploded");
    });
    const text = await failureOf(client.books.getBook({ bookId: "b2" }));
    assert.ok(text instanceof InternalServerError, String(text));
    assert.equal(text.body, "upstream exploded");
    assert.equal(text.message, "GET /books/b2 failed with 500 Internal Server Error: upstream exploded");
    server.handle((_, res) => sendJson(res, 400, { error: "the default field is not this API's" }));
    const json = await failureOf(client.books.getBook({ bookId: "b3" }));
    assert.ok(json instanceof BadRequestError, String(json));
    assert.equal(json.message, "GET /books/b3 failed with 400 Bad Request");
  });

  it("reads the API's message field for a status without a class of its own", T, async () => {
    server.handle((_, res) => sendJson(res, 418, { message_text: "short and stout", code: "teapot" }));
    const error = await failureOf(client.books.getBook({ bookId: "b5" }));
    assert.ok(error instanceof ApiError && error.constructor === ApiError, `no class for 418, so ApiError itself: ${String(error)}`);
    assert.equal(error.message, "GET /books/b5 failed with 418 I'm a Teapot: short and stout");
  });

  it("throws the standard classes for an API whose manifest has no errors section", T, async () => {
    server.handle((_, res) => sendJson(res, 401, { message_text: "token expired", code: "auth" }));
    const error = await failureOf(client.books.getBook({ bookId: "b4" }));
    assert.ok(error instanceof UnauthorizedError && error instanceof ApiError, String(error));
    assert.equal(error.name, "UnauthorizedError");
    assert.equal(error.message, "GET /books/b4 failed with 401 Unauthorized: token expired");
  });

  it("gives the sync client the same class, typed body and message", T, async () => {
    const child = await serveInChild();
    const sync = new BookshelfSyncClient({ apiKey: "book_key", baseUrl: child.url, maxRetries: 0 });
    try {
      const error = (() => {
        try {
          sync.books.getBook({ bookId: "b5" });
        } catch (caught) {
          return caught;
        }
        assert.fail("the call succeeded");
      })();
      assert.ok(error instanceof NotFoundError, String(error));
      assert.equal(error.message, "GET /books/b5 failed with 404 Not Found: no book b5");
      assert.ok(typeof error.body === "object" && error.body !== undefined, "a JSON body is parsed");
      assert.equal(error.body.errorCode, "E404");
      assert.ok(error.body.at instanceof Date, "a decoded date-time crosses the thread as a Date");
      assert.equal(error.body.at.toISOString(), "2026-01-02T03:04:05.000Z");
    } finally {
      child.process.kill();
    }
  });
});

/** Whether two types are the same, for assertions compiled by `npm run typecheck`. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

describe("error body types", () => {
  it("types a class by its own body, and leaves it unknown where an operation without a body may throw it", () => {
    const typed: Equals<NotFoundError["body"], BookError | string | undefined> = true;
    // Only createAnimal declares a body, so a ZooServerError from any other operation carries undeclared JSON.
    const untyped: Equals<ZooServerError["body"], unknown> = true;
    assert.ok(typed && untyped);
  });

  const typedErrorsManifest = readFileSync(new URL("./fixtures/typed-errors/manifest.yaml", import.meta.url), "utf8");
  const extendsOf = (manifest: string, className: string) => {
    const statements = emitErrors(irOf(manifest), "runtime").statements as { name?: string; extends?: string }[];
    return statements.find((statement) => statement.name === className)?.extends;
  };
  const withoutApiBody = typedErrorsManifest.replace(/^errorBody: .*\n/m, "");
  const ownBody = (operation: string) => (text: string) =>
    text.replace(`      ${operation}:\n`, `      ${operation}:\n        errorBody: { type: BookError, messageField: message_text }\n`);

  it("types a class without a body by the operations' bodies when every operation declares one", () => {
    assert.notEqual(withoutApiBody, typedErrorsManifest);
    assert.equal(extendsOf(ownBody("createBook")(ownBody("getBook")(withoutApiBody)), "NotFoundError"), "ApiError<BookError>");
    assert.equal(extendsOf(ownBody("createBook")(withoutApiBody), "NotFoundError"), "ApiError");
  });
});

describe("standard error classes", () => {
  const errorsOf = (text: string) =>
    normalizeManifest(parseManifest(text, "manifest.yaml").data as never, "manifest.yaml").errors.map((e) => `${e.status} ${e.className}`);

  it("are renamed by a manifest entry with their status, and joined by entries with other statuses", () => {
    const manifest = minimalWith("  NotFoundError:", "  MissingPetError:").replace(
      "    status: 404",
      "    status: 404\n  GoneError:\n    status: 410\n    description: The pet left.",
    );
    assert.deepStrictEqual(errorsOf(manifest), [
      "400 BadRequestError",
      "401 UnauthorizedError",
      "403 ForbiddenError",
      "404 MissingPetError",
      "409 ConflictError",
      "410 GoneError",
      "422 UnprocessableEntityError",
      "429 TooManyRequestsError",
      "500 InternalServerError",
    ]);
  });
});

/**
 * A server in a child process: the sync client blocks this thread while it waits, so an in-process server could not
 * answer. It answers every request with a 404 JSON body naming the requested book.
 */
async function serveInChild(): Promise<{ url: string; process: ChildProcess }> {
  const source = `
    const http = require("node:http");
    const server = http.createServer((req, res) => {
      const id = req.url.split("/").pop();
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ message_text: "no book " + id, code: "book_missing", error_code: "E404", at: "2026-01-02T03:04:05.000Z" }));
    });
    server.listen(0, "127.0.0.1", () => console.log(server.address().port));
    process.on("disconnect", () => process.exit(0));
  `;
  const child = spawn(process.execPath, ["-e", source], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
  const [chunk] = (await Promise.race([
    once(child.stdout!, "data"),
    new Promise((_, reject) => setTimeout(() => reject(new Error("the child server did not start within 10 s")), 10_000).unref()),
  ])) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}`, process: child };
}
