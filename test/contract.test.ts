// The generator–runtime contract table (generator/contract.ts) against the runtime as written, and what it decides:
// a package imports only the runtime modules of what it uses, and a manifest chooses its clients.
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Project } from "ts-morph";
import { RUNTIME_CONTRACT, type ContractEntry } from "../generator/contract.js";
import * as runtimeErrors from "../runtime/errors.js";
import { repoRoot } from "./helpers/cli.js";
import { lineOf, minimalLines, minimalWith, problems } from "./helpers/manifests.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const T = { timeout: 60_000 };
const contract = Object.entries(RUNTIME_CONTRACT) as [string, ContractEntry][];

describe("the runtime contract table", () => {
  it("names, for every entry, a runtime module that exports it as the kind the table says", T, async () => {
    const project = new Project({ tsConfigFilePath: path.join(repoRoot, "tsconfig.json"), skipAddingFilesFromTsConfig: true });
    for (const [name, entry] of contract) {
      const file = project.addSourceFileAtPath(path.join(repoRoot, "runtime", entry.module));
      assert.ok(file.getExportedDeclarations().has(name), `${entry.module} does not export ${name}`);
      const module = (await import(path.join(repoRoot, "runtime", entry.module))) as Record<string, unknown>;
      assert.equal(name in module, entry.kind === "value", `${name} is a ${entry.kind} in the table`);
    }
  });

  it("is the table README's architecture section shows, row for row", T, async () => {
    const readme = await readFile(path.join(repoRoot, "README.md"), "utf8");
    const shown = [...readme.matchAll(/^\| `(\w+)` \| `([\w/.-]+)` \| (value|type)( \(error class\))? \| (\w+)(?:, (async|sync) client)? \| (yes|no) \|$/gm)].map(
      ([, name, module, kind, errorClass, owner, flavour, reexported]) => ({ name, module, kind, errorClass: errorClass !== undefined, owner, flavour, public: reexported === "yes" }),
    );
    const table = contract.map(([name, entry]) => ({
      name,
      module: entry.module,
      kind: entry.kind,
      errorClass: entry.errorClass === true,
      owner: entry.owner,
      flavour: entry.flavour,
      public: entry.public === true,
    }));
    assert.deepEqual(shown, table);
  });

  it("lists as error classes exactly the ApiError classes of the runtime modules it names", T, async () => {
    const errorClasses = new Set<string>();
    for (const module of new Set(contract.map(([, entry]) => entry.module))) {
      for (const [name, value] of Object.entries((await import(path.join(repoRoot, "runtime", module))) as Record<string, unknown>)) {
        if (typeof value === "function" && (value === runtimeErrors.ApiError || value.prototype instanceof runtimeErrors.ApiError)) errorClasses.add(name);
      }
    }
    const listed = contract.filter(([, entry]) => entry.errorClass).map(([name]) => name).sort();
    assert.deepEqual(listed, [...errorClasses].sort());
    // The sync bridge rebuilds the core's classes across threads; a capability's never cross (they are thrown in the calling thread).
    assert.deepEqual(runtimeErrors.RUNTIME_ERROR_CLASSES.map((ErrorClass) => ErrorClass.name).sort(), contract.filter(([, e]) => e.errorClass && e.owner === "core").map(([name]) => name).sort());
  });
});

/** Every runtime module a generated folder imports, relative to runtime/. */
async function runtimeModulesOf(dir: string): Promise<Set<string>> {
  const modules = new Set<string>();
  for (const entry of await readdir(dir, { recursive: true })) {
    if (!entry.endsWith(".ts")) continue;
    const text = await readFile(path.join(dir, entry), "utf8");
    for (const match of text.matchAll(/from "((?:\.\.\/)+runtime\/[\w/-]+)\.js"/g)) {
      modules.add(path.relative(path.join(repoRoot, "runtime"), path.resolve(path.dirname(path.join(dir, entry)), match[1]!)) + ".ts");
    }
  }
  return modules;
}

const capabilityModules = new Set(contract.filter(([, entry]) => entry.owner !== "core").map(([, entry]) => entry.module));

describe("what a package imports from the runtime", () => {
  it("without capabilities and with the async client only: core modules, none of the sync client's", T, async () => {
    const modules = await runtimeModulesOf(path.join(repoRoot, "test/fixtures/async-only/expected"));
    assert.ok(modules.has("client-core.ts") && modules.has("errors.ts"), [...modules].join(", "));
    for (const module of modules) {
      assert.ok(!capabilityModules.has(module) || module === "errors.ts", `imports ${module}`);
      assert.ok(!module.startsWith("sync/"), `imports ${module}`);
    }
  });

  it("with flag checks, events and both clients: each capability's modules and the sync client's", T, async () => {
    const modules = await runtimeModulesOf(path.join(repoRoot, "generated"));
    for (const module of ["flags.ts", "events.ts", "sync/client-core.ts", "sync/flag-checker.ts", "sync/events.ts"]) assert.ok(modules.has(module), module);
  });
});

describe("clients: [async]", () => {
  const dir = path.join(repoRoot, "test/fixtures/async-only/expected");

  it("emits no sync class, type or docs", T, async () => {
    for (const entry of await readdir(dir, { recursive: true })) {
      if (!/\.(ts|md)$/.test(entry)) continue;
      const text = await readFile(path.join(dir, entry), "utf8");
      assert.doesNotMatch(text, /Sync(Client|Resource|RequestOptions|RuntimeOptions)|worker thread|sync client/i, entry);
    }
  });

  describe("the client it emits, against a local server", () => {
    let server: TestServer;
    before(async () => {
      server = await startServer((request, response) => {
        if (request.method === "GET" && request.path === "/notes/n1") return sendJson(response, 200, { note_id: "n1", text: "Buy milk" });
        if (request.method === "POST" && request.path === "/notes") return sendJson(response, 201, { note_id: "n2", ...JSON.parse(request.body) });
        sendJson(response, 404, { error: "no such note" });
      });
    });
    after(() => server.close());

    it("gets, creates, and throws the typed 404", T, async () => {
      const { NotesClient, NotFoundError } = await import("./fixtures/async-only/expected/index.js");
      const client = new NotesClient({ baseUrl: server.url, maxRetries: 0 });
      assert.deepEqual(await client.notes.getNote({ noteId: "n1" }), { noteId: "n1", text: "Buy milk" });
      assert.deepEqual(await client.notes.createNote({ text: "Call Ann", pinned: true }), { noteId: "n2", text: "Call Ann", pinned: true });
      assert.deepEqual(JSON.parse(server.requests[1]!.body), { text: "Call Ann", pinned: true });
      await assert.rejects(client.notes.getNote({ noteId: "gone" }), (error: unknown) => {
        assert.ok(error instanceof NotFoundError);
        assert.match(error.message, /no such note/);
        return true;
      });
    });
  });

  it("refuses a client list without async, at the list", () => {
    const text = minimalWith("package: petstore-sdk", "package: petstore-sdk\nclients: [sync]");
    const line = lineOf(text.split("\n"), "clients:");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${line}:10: clients: must include "async" (The clients to emit (default: both). The sync client runs the async one in a worker thread, so a list without async is refused.)`,
    ]);
  });
});

describe("optionality beside the field", () => {
  it("marks a property required with required: true, as the type's list does", () => {
    const text = minimalWith("      name: string", "      name: { type: string, required: true }").replace("required: [pet_id, name]", "required: [pet_id]");
    assert.deepEqual(problems(text), []);
  });

  it("refuses a property marked optional that the type's list requires, at the mark", () => {
    const text = minimalWith("      name: string", "      name: { type: string, required: false }");
    const line = lineOf(minimalLines, "      name: string");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${line}:39: types.Pet.properties.name.required: "name" is marked optional here but listed in the type's "required"; say it once`,
    ]);
  });
});
