// Review of this session's features (query styles, downloads, package mode): each test shows one defect found in
// review; each was fixed, and the test keeps it fixed.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { InvalidArgumentError } from "./fixtures/wire-shapes/expected/index.js";
import { SHAPES_KINDS } from "./fixtures/wire-shapes/clients.js";
import { generate } from "../generator/pipeline.js";
import { filenameOf } from "../runtime/download.js";
import { repoRoot, runGenerator } from "./helpers/cli.js";
import { childEnv, run } from "./helpers/bookshelf.js";
import { problems } from "./helpers/manifests.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const T = { timeout: 30_000 };

/** Content-Disposition headers by file id, and text bodies by note id, for the wire-shapes fixture's operations. */
const DISPOSITIONS: Record<string, string> = {
  drive: 'attachment; filename="D:evil.txt"',
  stream: 'attachment; filename="report.txt:hidden"',
  bidi: "attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe",
  c1: "attachment; filename*=UTF-8''re%C2%85port%C2%9B.txt",
  fallback: "attachment; filename*=UTF-8''..%2F; filename=\"report.pdf\"",
};
const BOM_CSV = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("id,name\n1,Ada\n")]);

let server: TestServer;
let work: string;
before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sdk-review-features-"));
  server = await startServer((request, response) => {
    const [, kind, id] = request.path.split("/");
    if (kind === "files" && DISPOSITIONS[id!] !== undefined) {
      response.writeHead(200, { "content-type": "application/octet-stream", "content-length": 1, "content-disposition": DISPOSITIONS[id!] });
      return void response.end("x");
    }
    if (kind === "notes" && id === "bom") {
      response.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-length": BOM_CSV.length });
      return void response.end(BOM_CSV);
    }
    sendJson(response, 200, []);
  });
});
after(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

for (const kind of SHAPES_KINDS) {
  describe(`review of query styles and downloads (${kind.name} client)`, () => {
    const client = () => kind.create({ baseUrl: server.url, maxRetries: 0 });

    it(
      "a form-style map key may not take the name of another query parameter",
      T,
      async () => {
        const shapes = await client();
        const sentBefore = server.requests.length;
        const outcome = await shapes.contacts
          .filterContacts({ where: { email: "real@example.com" }, extra: { email_address: "attacker@example.com" } })
          .then(() => "sent", (error: unknown) => error);
        if (outcome === "sent") {
          // What the server reads for the object parameter's field: the caller's map entry came first.
          const query = server.requests.at(-1)!.query;
          assert.deepEqual(query.getAll("email_address"), ["real@example.com"], server.requests.at(-1)!.url);
        } else {
          assert.ok(outcome instanceof InvalidArgumentError, String(outcome));
          assert.equal(server.requests.length, sentBefore, "nothing was sent");
        }
      },
    );

    it(
      "a file name is never a Windows drive path or stream name, which would leave the download folder",
      T,
      async () => {
        const shapes = await client();
        for (const id of ["drive", "stream"]) {
          const { filename } = await shapes.files.downloadFile({ fileId: id });
          if (filename === undefined) continue;
          const saved = path.win32.resolve("C:\\downloads", filename);
          assert.ok(saved.startsWith("C:\\downloads\\") && !filename.includes(":"), `${id}: ${filename} is saved at ${saved}`);
        }
      },
    );

    it(
      "a file name holds no C1 control or bidirectional override that hides or reorders part of it",
      T,
      async () => {
        const shapes = await client();
        for (const id of ["bidi", "c1"]) {
          const { filename } = await shapes.files.downloadFile({ fileId: id });
          assert.ok(filename !== undefined, id);
          assert.doesNotMatch(filename, /[\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u, `${id}: ${JSON.stringify(filename)}`);
        }
      },
    );

    it(
      "text in UTF-8 is decoded without its byte order mark, as for every other charset",
      T,
      async () => {
        const shapes = await client();
        const text = await shapes.files.readNote({ noteId: "bom" });
        assert.equal(text, "id,name\n1,Ada\n");
      },
    );
  });
}

describe("review of download file names", () => {
  it("a filename* that names no file leaves the plain filename to answer", () => {
    assert.equal(filenameOf(DISPOSITIONS.fallback), "report.pdf");
    assert.equal(filenameOf("attachment; filename*=UTF-8''%00; filename=\"report.pdf\""), "report.pdf");
  });
});

/** The minimal Petstore with query-parameter auth (`api_key`) and a query section of its own on listPets. */
function apiKeyQueryManifest(query: string, types = ""): string {
  return `name: Petstore
title: Petstore API
version: "2"
package: petstore-sdk
defaultServer: main
servers:
  main:
    url: https://pets.example.com
    option: baseUrl
auth:
  scheme: apiKeyQuery
  query: api_key
  option: apiKey
types:
  Pet:
    required: [pet_id]
    properties:
      pet_id: string
${types}resources:
  pets:
    operations:
      listPets:
        method: GET
        path: /pets
        query:
${query}        response: { status: 200, type: list<Pet> }
`;
}

describe("review of query parameters that collide with the credentials' parameter", () => {
  it(
    "a form-style map key cannot replace the API key sent in the query",
    T,
    async () => {
      const dir = await mkdtemp(path.join(work, "auth-query-"));
      const manifestPath = path.join(dir, "manifest.yaml");
      await writeFile(manifestPath, apiKeyQueryManifest("          filters: { type: map<string>, style: form }\n"));
      const { files } = await generate({ manifestPath, outDir: path.join(dir, "out"), runtimeDir: path.join(repoRoot, "runtime") });
      for (const file of files) {
        const target = path.join(dir, "out", file.path);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, file.text);
      }
      const { PetstoreClient } = await import(pathToFileURL(path.join(dir, "out", "index.ts")).href);
      const client = new PetstoreClient({ apiKey: "sk_live_the_real_key", baseUrl: server.url, maxRetries: 0 });
      const outcome = await client.pets.listPets({ filters: { api_key: "someone_elses_key" } }).then(
        () => "sent",
        (error: Error) => error,
      );
      if (outcome === "sent") {
        const request = server.requests.at(-1)!;
        assert.deepEqual(request.query.getAll("api_key"), ["sk_live_the_real_key"], request.url);
      } else {
        assert.equal((outcome as Error).name, "InvalidArgumentError", String(outcome));
      }
    },
  );

  it(
    "the generator refuses a query parameter, or a field of a form-style object, named like another or like the credentials'",
    {},
    () => {
      const plain = apiKeyQueryManifest("          api_key: string\n");
      assert.notDeepEqual(problems(plain), [], "a plain parameter api_key beside apiKeyQuery api_key");
      const objectField = apiKeyQueryManifest(
        "          page: integer\n          where: { type: Where }\n",
        "  Where:\n    properties:\n      page: integer\n",
      );
      assert.notDeepEqual(problems(objectField), [], "the form-style object Where's field page beside the parameter page");
    },
  );
});

describe("review of package mode", () => {
  it(
    "the package's sources run as they are (under tsx), the sync client included",
    { timeout: 90_000 },
    async () => {
      const dir = await mkdtemp(path.join(work, "package-"));
      const out = path.join(dir, "shapes-sdk");
      const generated = await runGenerator(["--manifest", path.join(repoRoot, "test/fixtures/wire-shapes/manifest.yaml"), "--out", out]);
      assert.equal(generated.code, 0, generated.stderr);
      // tsx and undici from this repository, as a monorepo or a test runner would provide them.
      await symlink(path.join(repoRoot, "node_modules"), path.join(out, "node_modules"), "dir");
      await writeFile(
        path.join(out, "main.ts"),
        `import { ShapesSyncClient } from "./src/index.ts";
const client = new ShapesSyncClient({ baseUrl: process.env.SHAPES_URL!, maxRetries: 0 });
console.log(JSON.stringify(client.contacts.filterContacts({})));
process.exit(0);
`,
      );
      const ran = await run(process.execPath, ["--import", "tsx", "main.ts"], out, childEnv({ SHAPES_URL: server.url }), 60_000);
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal(ran.stdout.trim(), "[]", ran.stderr);
    },
  );
});
