// Every auth scheme of a manifest: what the generated client sends (header, query parameter, or nothing), when it needs
// credentials, and that no form of a secret survives into an error, inspect or JSON output of an echoing server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { inspect, promisify } from "node:util";
import { pathToFileURL } from "node:url";
import { generate } from "../generator/pipeline.js";
import { repoRoot } from "./helpers/cli.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const T = { timeout: 60_000 };
const run = promisify(execFile);
const runtimeDir = path.join(repoRoot, "runtime");
const minimal = await readFile(path.join(repoRoot, "test/fixtures/minimal/manifest.yaml"), "utf8");
const MINIMAL_AUTH = "auth:\n  header: X-Api-Key\n  option: apiKey\n";
assert.ok(minimal.includes(MINIMAL_AUTH));

/** The minimal manifest with another auth section (none at all for ""), and an optional query parameter on getPet. */
function manifestWith(auth: string): string {
  return minimal
    .replace(MINIMAL_AUTH, auth)
    .replace("          pet_id: string\n", "          pet_id: string\n        query:\n          view: string\n");
}

const SCHEMES = {
  apiKeyHeader: MINIMAL_AUTH,
  apiKeyQuery: "auth:\n  scheme: apiKeyQuery\n  query: api_key\n  option: apiKey\n",
  bearer: "auth:\n  scheme: bearer\n  option: token\n",
  optionalBearer: "auth:\n  scheme: bearer\n  option: token\n  required: false\n",
  basic: "auth:\n  scheme: basic\n  usernameOption: username\n  passwordOption: password\n",
  none: "auth:\n  scheme: none\n",
  absent: "",
} as const;
type Scheme = keyof typeof SCHEMES;

// Characters that change under URL encoding, JSON escaping and base64, so every form of the secret is exercised.
const KEY = "k3y/with+chars&=x";
const USER = "ann";
const PASSWORD = "p@ss:wörd-42";
const BASIC = Buffer.from(`${USER}:${PASSWORD}`, "utf8").toString("base64");

type Client = { pets: { getPet(args: object, options?: object): Promise<unknown> } };
type ClientClass = new (options: object) => Client;

let work: string;
let server: TestServer;
const clients = {} as Record<Scheme, ClientClass>;
// From a generated module: the runtime it imports by a path outside the repository is its own module instance.
let ApiError: typeof import("../runtime/index.js").ApiError;
let InvalidArgumentError: typeof import("../runtime/index.js").InvalidArgumentError;

before(async () => {
  // Inside the repository: the sync client's worker resolves the runtime the generated files import as the repository does.
  work = await mkdtemp(path.join(repoRoot, "test", ".auth-schemes-"));
  server = await startServer();
  await Promise.all(
    (Object.keys(SCHEMES) as Scheme[]).map(async (scheme) => {
      const dir = path.join(work, scheme);
      const manifestPath = path.join(dir, "manifest.yaml");
      await mkdir(path.join(dir, "out"), { recursive: true });
      await writeFile(manifestPath, manifestWith(SCHEMES[scheme]));
      const { files } = await generate({ manifestPath, outDir: path.join(dir, "out"), runtimeDir });
      for (const file of files) {
        await mkdir(path.dirname(path.join(dir, "out", file.path)), { recursive: true });
        await writeFile(path.join(dir, "out", file.path), file.text);
      }
      const module = await import(pathToFileURL(path.join(dir, "out", "index.ts")).href);
      clients[scheme] = module.PetstoreClient;
      ({ ApiError, InvalidArgumentError } = module);
    }),
  );
}, T);

after(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const pet = { pet_id: "p_1", name: "Rex" };
const answerPet = () => server.handle((_, res) => sendJson(res, 200, pet));
const lastRequest = () => server.requests.at(-1)!;

describe("auth schemes", () => {
  it("apiKeyHeader (a header without a scheme): the key in its header, nothing else", T, async () => {
    answerPet();
    await new clients.apiKeyHeader({ apiKey: KEY, baseUrl: server.url }).pets.getPet({ petId: "p_1" });
    assert.equal(lastRequest().headers["x-api-key"], KEY);
    assert.equal(lastRequest().headers.authorization, undefined);
    assert.equal(lastRequest().url, "/pets/p_1");
  });

  it("apiKeyQuery: the key URL-encoded in its query parameter, after the operation's own", T, async () => {
    answerPet();
    const client = new clients.apiKeyQuery({ apiKey: KEY, baseUrl: server.url });
    await client.pets.getPet({ petId: "p_1" });
    assert.equal(lastRequest().url, `/pets/p_1?api_key=${encodeURIComponent(KEY)}`);
    await client.pets.getPet({ petId: "p_1", view: "full" });
    assert.equal(lastRequest().url, `/pets/p_1?view=full&api_key=${encodeURIComponent(KEY)}`);
    assert.equal(lastRequest().query.get("api_key"), KEY);
    assert.equal(lastRequest().headers.authorization, undefined);
    assert.equal(lastRequest().headers["x-api-key"], undefined);
  });

  it("bearer: Authorization: Bearer <token>", T, async () => {
    answerPet();
    await new clients.bearer({ token: KEY, baseUrl: server.url }).pets.getPet({ petId: "p_1" });
    assert.equal(lastRequest().headers.authorization, `Bearer ${KEY}`);
    assert.equal(lastRequest().url, "/pets/p_1");
  });

  it("basic: Authorization: Basic base64(username:password), UTF-8", T, async () => {
    answerPet();
    await new clients.basic({ username: USER, password: PASSWORD, baseUrl: server.url }).pets.getPet({ petId: "p_1" });
    assert.equal(lastRequest().headers.authorization, `Basic ${BASIC}`);
    assert.equal(Buffer.from(BASIC, "base64").toString("utf8"), `${USER}:${PASSWORD}`);
  });

  it("none, and no auth section at all: no credentials are asked for or sent", T, async () => {
    for (const scheme of ["none", "absent"] as const) {
      answerPet();
      assert.deepEqual(await new clients[scheme]({ baseUrl: server.url }).pets.getPet({ petId: "p_1" }), { petId: "p_1", name: "Rex" });
      assert.equal(lastRequest().headers.authorization, undefined, scheme);
      assert.equal(lastRequest().headers["x-api-key"], undefined, scheme);
      assert.equal(lastRequest().url, "/pets/p_1", scheme);
      // A none client lets the caller send an Authorization header of their own.
      await new clients[scheme]({ baseUrl: server.url }).pets.getPet({ petId: "p_1" }, { headers: { Authorization: "mine" } });
      assert.equal(lastRequest().headers.authorization, "mine", scheme);
    }
  });

  it("the credentials are required (these clients have no offline mode) unless the manifest says required: false", T, async () => {
    const refused = (make: () => unknown, pattern: RegExp) =>
      assert.throws(make, (error: unknown) => error instanceof InvalidArgumentError && pattern.test(error.message));
    refused(() => new clients.bearer({ baseUrl: server.url }), /^token is required: pass your token as "token"$/);
    refused(() => new clients.apiKeyQuery({ baseUrl: server.url }), /^apiKey is required: pass your API key as "apiKey"/);
    refused(() => new clients.basic({ baseUrl: server.url }), /^username is required: pass your credentials as "username" and "password"/);
    refused(() => new clients.basic({ username: USER, baseUrl: server.url }), /^username and password go together: pass both or neither$/);
    refused(() => new clients.basic({ username: "a:b", password: PASSWORD }), /^username must be a string without a colon/);
    refused(() => new clients.bearer({ token: "tok\r\nx-injected: 1" }), /^token must be a string without line breaks/);
    refused(() => new clients.apiKeyQuery({ apiKey: "k\ney" }), /^apiKey must be a string without line breaks/);

    answerPet();
    await new clients.optionalBearer({ baseUrl: server.url }).pets.getPet({ petId: "p_1" });
    assert.equal(lastRequest().headers.authorization, undefined);
    await new clients.optionalBearer({ token: KEY, baseUrl: server.url }).pets.getPet({ petId: "p_1" });
    assert.equal(lastRequest().headers.authorization, `Bearer ${KEY}`);
  });

  it("a credential that is not a string is refused by its kind, never quoted back", T, () => {
    const cases: [Scheme, object, RegExp][] = [
      ["basic", { username: USER, password: 918273 }, /^password must be a string, got a number$/],
      ["basic", { username: 918273, password: PASSWORD }, /^username must be a string, got a number$/],
      ["bearer", { token: 918273n }, /^token must be a string, got a bigint$/],
      ["apiKeyHeader", { apiKey: { key: "918273" } }, /^apiKey must be a string, got an object$/],
      ["apiKeyQuery", { apiKey: [918273] }, /^apiKey must be a string, got an array$/],
    ];
    for (const [scheme, credentials, pattern] of cases) {
      assert.throws(
        () => new clients[scheme]({ ...credentials, baseUrl: server.url }),
        (error: unknown) => error instanceof InvalidArgumentError && pattern.test(error.message) && !error.message.includes("918273"),
        scheme,
      );
    }
  });

  it("an API key or token shorter than 4 characters is refused (it could not be redacted); one of 4 is redacted", T, async () => {
    const before = server.requests.length;
    for (const [scheme, credentials, option] of [
      ["apiKeyHeader", { apiKey: "Zq9" }, "apiKey"],
      ["apiKeyQuery", { apiKey: "Zq9" }, "apiKey"],
      ["bearer", { token: "Zq9" }, "token"],
      ["optionalBearer", { token: "Z" }, "token"],
    ] as const) {
      assert.throws(
        () => new clients[scheme]({ ...credentials, baseUrl: server.url }),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          new RegExp(`^${option} must have at least 4 characters: a shorter (API key|token) could not be kept out of error messages$`).test(error.message) &&
          !error.message.includes("Zq9"),
        scheme,
      );
    }
    assert.equal(server.requests.length, before, "nothing was sent");
    server.handle((request, res) => sendJson(res, 401, { error: `bad token: ${request.headers.authorization}` }));
    const error = await new clients.bearer({ token: "Zq9w", baseUrl: server.url, maxRetries: 0 }).pets.getPet({ petId: "p_1" }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError && error.statusCode === 401);
    assert.deepEqual(error.body, { error: "bad token: Bearer [redacted]" });
  });

  it("basic: a password under 4 characters is accepted and its base64 credentials redacted, but bodies are not mangled", T, async () => {
    const password = "at";
    const encoded = Buffer.from(`${USER}:${password}`, "utf8").toString("base64");
    server.handle((request, res) => sendJson(res, 401, { data: "the cat sat", echo: String(request.headers.authorization) }, { "x-echo-auth": String(request.headers.authorization) }));
    const error = await new clients.basic({ username: USER, password, baseUrl: server.url, maxRetries: 0 }).pets.getPet({ petId: "p_1" }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError && error.statusCode === 401);
    assert.equal(lastRequest().headers.authorization, `Basic ${encoded}`);
    // "at" in "cat" and "sat" is chance, not the password: only the credentials as sent are replaced.
    assert.deepEqual(error.body, { data: "the cat sat", echo: "Basic [redacted]" });
    assert.equal(error.headers["x-echo-auth"], undefined);
    assert.ok(!JSON.stringify(error).includes(encoded) && !inspect(error, { depth: 10 }).includes(encoded));
  });

  it("a header that carries the credentials is refused per call and as a client option", T, async () => {
    const cases: [Scheme, object, string][] = [
      ["apiKeyHeader", { apiKey: KEY }, "X-API-KEY"],
      ["bearer", { token: KEY }, "authorization"],
      ["optionalBearer", {}, "Authorization"],
      ["basic", { username: USER, password: PASSWORD }, "AUTHORIZATION"],
    ];
    const before = server.requests.length;
    for (const [scheme, credentials, header] of cases) {
      const client = new clients[scheme]({ ...credentials, baseUrl: server.url });
      await assert.rejects(client.pets.getPet({ petId: "p_1" }, { headers: { [header]: "other" } }), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError, scheme);
        assert.match(error.message, new RegExp(`^options\\.headers: header "${header.toLowerCase()}" carries the (API key|token|credentials), which the`));
        return true;
      });
      assert.throws(() => new clients[scheme]({ ...credentials, headers: { [header]: "other" } }), InvalidArgumentError);
    }
    assert.equal(server.requests.length, before, "nothing was sent");
  });

  it("no form of a secret appears in a 401 that echoes the request, nor in inspect or JSON of the client", T, async () => {
    // The server echoes everything it got: the URL (query key included), every header, in the body and in headers.
    server.handle((request, res) =>
      sendJson(res, 401, { error: `bad credentials for ${request.url}: ${request.headers.authorization ?? request.headers["x-api-key"]}`, url: request.url, headers: request.headers }, {
        "x-echo-url": request.url,
        "x-echo-auth": String(request.headers.authorization ?? request.headers["x-api-key"] ?? ""),
      }),
    );
    const cases: [Scheme, object, string[]][] = [
      ["apiKeyHeader", { apiKey: KEY }, [KEY]],
      ["apiKeyQuery", { apiKey: KEY }, [KEY, encodeURIComponent(KEY)]],
      ["bearer", { token: KEY }, [KEY]],
      ["basic", { username: USER, password: PASSWORD }, [PASSWORD, BASIC, encodeURIComponent(PASSWORD)]],
    ];
    for (const [scheme, credentials, secrets] of cases) {
      const client = new clients[scheme]({ ...credentials, baseUrl: server.url, maxRetries: 0 });
      const error = await client.pets.getPet({ petId: "p_1" }).then(
        () => assert.fail(`${scheme}: expected a 401`),
        (failure: unknown) => failure,
      );
      assert.ok(error instanceof ApiError && error.statusCode === 401, scheme);
      // The echo arrived with the secret in it: the redaction, not the server, keeps it out.
      assert.ok(secrets.some((secret) => JSON.stringify(server.requests.at(-1)).includes(secret)), scheme);
      assert.match(JSON.stringify(error.body), /REDACTED|\[redacted\]/i, scheme);
      const shown = [error.message, error.stack, inspect(error, { depth: 10 }), JSON.stringify(error), JSON.stringify(error.body), JSON.stringify(error.headers), inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client)].join("\n");
      for (const secret of secrets) assert.ok(!shown.includes(secret), `${scheme}: "${secret}" was shown`);
    }
  });

  it("sync client: the same credentials are sent, and a 401 that echoes them shows none", T, async () => {
    server.handle((request, res) =>
      request.query.get("view") === "ok"
        ? sendJson(res, 200, pet)
        : sendJson(res, 401, { error: `bad: ${request.headers.authorization}`, url: request.url }, { "x-echo-auth": String(request.headers.authorization) }),
    );
    // In a child process: the sync client blocks its thread, which must not be the one this test's server runs in.
    const script = path.join(work, "sync-basic.mjs");
    await writeFile(script, SYNC_SCRIPT);
    const options = { username: USER, password: PASSWORD, baseUrl: server.url, maxRetries: 0 };
    const { stdout } = await run(process.execPath, ["--import", "tsx", script, pathToFileURL(path.join(work, "basic", "out", "index.ts")).href, JSON.stringify(options)], {
      cwd: repoRoot,
      timeout: 45_000,
    });
    const result = JSON.parse(stdout) as { value: unknown; refused: string; status: number; body: unknown; shown: string };
    assert.deepEqual(result.value, { petId: "p_1", name: "Rex" });
    assert.match(result.refused, /^options\.headers: header "authorization" carries the credentials/);
    assert.equal(result.status, 401);
    assert.deepEqual(server.requests.slice(-2).map((r) => r.headers.authorization), [`Basic ${BASIC}`, `Basic ${BASIC}`]);
    assert.match(JSON.stringify(result.body), /\[redacted\]/);
    for (const secret of [PASSWORD, BASIC]) assert.ok(!result.shown.includes(secret), `"${secret}" was shown`);
  });
});

const SYNC_SCRIPT = `
import { inspect, promisify } from "node:util";
const { PetstoreSyncClient, ApiError, InvalidArgumentError } = await import(process.argv[2]);
const client = new PetstoreSyncClient(JSON.parse(process.argv[3]));
const result = { value: client.pets.getPet({ petId: "p_1", view: "ok" }) };
try {
  client.pets.getPet({ petId: "p_1" }, { headers: { Authorization: "other" } });
} catch (error) {
  result.refused = error instanceof InvalidArgumentError ? error.message : String(error);
}
try {
  client.pets.getPet({ petId: "p_1", view: "echo" });
} catch (error) {
  if (!(error instanceof ApiError)) throw error;
  result.status = error.statusCode;
  result.body = error.body;
  result.shown = [error.message, error.stack, inspect(error, { depth: 10 }), JSON.stringify(error), inspect(client, { depth: 10 })].join("\\n");
}
console.log(JSON.stringify(result));
`;
