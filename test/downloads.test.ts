// Binary and text responses (`content: binary`, `content: text`) from a real server, for both clients of the
// wire-shapes fixture: exact bytes, content type and file name, text in its charset, Accept headers, the size limit.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiError, NotFoundError, type Download } from "./fixtures/wire-shapes/expected/index.js";
import { SHAPES_KINDS, lastBytesClass } from "./fixtures/wire-shapes/clients.js";
import { filenameOf } from "../runtime/download.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const T = { timeout: 30_000 };

/** Bytes no UTF-8 decoder would keep: a lone continuation byte, an invalid lead, 0xFF, NUL and a bad pair. */
const NOT_UTF8 = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0xe2, 0x82, 0x0a, 0xed, 0xa0, 0x80]);
/** A body of several TCP chunks, every byte value many times, in a fixed pseudo-random order. */
const LARGE = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919 + (i >> 8)) & 0xff));

/** Each file the server knows: its body and headers. */
const FILES: Record<string, { body: Buffer; headers: Record<string, string> }> = {
  raw: { body: NOT_UTF8, headers: { "content-type": "application/octet-stream", "content-disposition": 'attachment; filename="report.bin"' } },
  large: { body: LARGE, headers: { "content-type": "image/png" } },
  euro: {
    body: Buffer.from("rates"),
    // filename* wins, wherever it stands; the plain filename is the fallback for old clients.
    headers: { "content-type": "text/csv", "content-disposition": "attachment; filename=\"EUR rates.csv\"; filename*=UTF-8''%E2%82%AC%20rates%20%C3%BC.csv" },
  },
  climb: { body: Buffer.from("x"), headers: { "content-disposition": 'attachment; filename="../../etc/passwd"' } },
  climbStar: { body: Buffer.from("x"), headers: { "content-disposition": "attachment; filename*=UTF-8''..%2F..%2F.ssh%2Fauthorized_keys" } },
  windows: { body: Buffer.from("x"), headers: { "content-disposition": 'attachment; filename="C:\\\\Users\\\\ann\\\\notes.txt"' } },
  dots: { body: Buffer.from("x"), headers: { "content-disposition": 'attachment; filename=".."' } },
  empty: { body: Buffer.alloc(0), headers: {} },
};

const NOTES: Record<string, { body: Buffer; type?: string }> = {
  utf8: { body: Buffer.from("naïve ✓ café", "utf8"), type: "text/plain" },
  latin1: { body: Buffer.from("café crème", "latin1"), type: "text/plain; charset=ISO-8859-1" },
  utf16: { body: Buffer.from("Grüße 👋", "utf16le"), type: 'text/plain; charset="utf-16le"' },
  untyped: { body: Buffer.from("plain ✓", "utf8") },
  klingon: { body: Buffer.from("x"), type: "text/plain; charset=x-klingon" },
};

let server: TestServer;
before(async () => {
  server = await startServer((request, response) => {
    const [, kind, id] = request.path.split("/");
    const file = kind === "files" ? FILES[id!] : undefined;
    const note = kind === "notes" ? NOTES[id!] : undefined;
    if (file) {
      response.writeHead(200, { "content-length": file.body.length, ...file.headers });
      return void response.end(file.body);
    }
    if (note) {
      response.writeHead(200, { "content-length": note.body.length, ...(note.type ? { "content-type": note.type } : {}) });
      return void response.end(note.body);
    }
    sendJson(response, 404, { error: `no ${kind} ${id}` });
  });
});
after(() => server.close());

for (const kind of SHAPES_KINDS) {
  describe(`binary and text responses (${kind.name} client)`, () => {
    const client = (maxResponseBytes?: number) => kind.create({ baseUrl: server.url, maxRetries: 0, ...(maxResponseBytes ? { maxResponseBytes } : {}) });

    it("returns the exact bytes, content type and file name, and asks with Accept: */*", T, async () => {
      const shapes = await client();
      const raw: Download = await shapes.files.downloadFile({ fileId: "raw" });
      assert.ok(raw.bytes instanceof Uint8Array && !Buffer.isBuffer(raw.bytes), "a plain Uint8Array");
      if (kind.name === "sync") assert.equal(lastBytesClass.name, "Uint8Array", "what the sync client returned in its own thread");
      assert.deepEqual(Buffer.from(raw.bytes), NOT_UTF8);
      assert.equal(raw.bytes.buffer.byteLength, NOT_UTF8.length, "no other memory behind the bytes");
      assert.deepEqual({ contentType: raw.contentType, filename: raw.filename }, { contentType: "application/octet-stream", filename: "report.bin" });
      assert.equal(server.requests.at(-1)!.headers.accept, "*/*");

      const large = await shapes.files.downloadFile({ fileId: "large" });
      assert.ok(Buffer.from(large.bytes).equals(LARGE), "300 kB across chunks, byte for byte");
      assert.deepEqual({ contentType: large.contentType, filename: large.filename }, { contentType: "image/png", filename: undefined });

      const empty = await shapes.files.downloadFile({ fileId: "empty" });
      assert.deepEqual({ length: empty.bytes.length, contentType: empty.contentType, filename: empty.filename }, { length: 0, contentType: undefined, filename: undefined });
    });

    it("prefers filename* (UTF-8) and never returns a directory part", T, async () => {
      const shapes = await client();
      const names: Record<string, string | undefined> = {};
      for (const id of ["euro", "climb", "climbStar", "windows", "dots"]) names[id] = (await shapes.files.downloadFile({ fileId: id })).filename;
      assert.deepEqual(names, { euro: "€ rates ü.csv", climb: "passwd", climbStar: "authorized_keys", windows: "notes.txt", dots: undefined });
    });

    it("returns text decoded by its charset (UTF-8 by default), and asks with Accept: text/*", T, async () => {
      const shapes = await client();
      const texts: Record<string, string> = {};
      for (const id of ["utf8", "latin1", "utf16", "untyped"]) texts[id] = await shapes.files.readNote({ noteId: id });
      assert.deepEqual(texts, { utf8: "naïve ✓ café", latin1: "café crème", utf16: "Grüße 👋", untyped: "plain ✓" });
      assert.equal(server.requests.at(-1)!.headers.accept, "text/*");
      await assert.rejects(shapes.files.readNote({ noteId: "klingon" }), (error: unknown) => {
        assert.ok(error instanceof ApiError, String(error));
        assert.equal(error.message, 'GET /notes/klingon returned 200 with text in charset "x-klingon", which this runtime cannot decode');
        return true;
      });
    });

    it("bounds a download by maxResponseBytes, and throws the typed error for a failed one", T, async () => {
      const shapes = await client(64 * 1024);
      await assert.rejects(shapes.files.downloadFile({ fileId: "large" }), (error: unknown) => {
        assert.ok(error instanceof ApiError, String(error));
        assert.equal(error.message, "GET /files/large returned 200 with a body over the limit of 65536 bytes (maxResponseBytes)");
        return true;
      });
      await assert.rejects(shapes.files.downloadFile({ fileId: "missing" }), (error: unknown) => {
        assert.ok(error instanceof NotFoundError, String(error));
        assert.match(error.message, /^GET \/files\/missing failed with 404 Not Found: no files missing$/);
        return true;
      });
    });
  });
}

describe("the file name of Content-Disposition", () => {
  it("reads the RFC 6266 forms, filename* first, and keeps only the last path segment", () => {
    const cases: [string | undefined, string | undefined][] = [
      [undefined, undefined],
      ["inline", undefined],
      ["attachment; filename=plain.txt", "plain.txt"],
      ['attachment; filename="a \\"quoted\\" name.txt"', 'a _quoted_ name.txt'],
      ["attachment; filename*=utf-8'en'%C3%A9t%C3%A9.txt; filename=ete.txt", "été.txt"],
      ["attachment; FILENAME*=ISO-8859-1''caf%E9.txt", "café.txt"],
      // A charset this parser does not read, or a broken escape, leaves the plain name to answer.
      ["attachment; filename*=koi8-r''%F0.txt; filename=fallback.txt", "fallback.txt"],
      ["attachment; filename*=UTF-8''%E2%82.txt; filename=fallback.txt", "fallback.txt"],
      ['attachment; filename="/var/tmp/"', undefined],
      ['attachment; filename="..\\\\..\\\\boot.ini"', "boot.ini"],
      ['attachment; filename="line\\nbreak\u0007.txt"', "linenbreak.txt"],
    ];
    for (const [header, expected] of cases) assert.equal(filenameOf(header), expected, String(header));
  });
});
