// Odd names: reserved words, global built-ins, names every object inherits and names the generated code uses are
// refused at their position in the manifest; a `__proto__` wire name is sent and read as data.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import ts from "typescript";
import { emitSources } from "../generator/emit/index.js";
import { resultName } from "../generator/examples.js";
import type { IrOperation } from "../generator/ir.js";
import { parseManifest } from "../generator/load.js";
import { RUNTIME_NAMES } from "../generator/contract.js";
import { GLOBAL_NAMES } from "../generator/naming.js";
import { normalizeManifest } from "../generator/normalize.js";
import { validateManifest } from "../generator/validate.js";
import { objectCodec, unionCodec } from "../runtime/codec.js";
import { ZooClient } from "./fixtures/kitchen-sink/expected/index.js";
import { lineOf, minimalLines, minimalWith, problems } from "./helpers/manifests.js";
import { startServer, type TestServer } from "./helpers/server.js";

const line = (text: string) => lineOf(minimalLines, text);
const schematic = readFileSync("manifest.yaml", "utf8");
const kitchenSink = readFileSync("test/fixtures/kitchen-sink/manifest.yaml", "utf8");
const GLOBAL = "is a global of JavaScript, TypeScript or Node.js, which the generated code would shadow; choose another name";
const INHERITED = "is inherited by every JavaScript object (Object.prototype); choose another name";
const RESERVED = "is a reserved word of JavaScript or TypeScript; choose another name";

describe("names the generated code cannot use", () => {
  it("types named after global built-ins (Date, Promise, Object, Record) are refused", () => {
    const types = ["Date:\n    enum: [a]", "Promise:\n    enum: [b]", "Object:\n    enum: [c]", "Record:\n    oneOf: [Pet, Pet2]", "Pet2:\n    properties: { x: string }"];
    const text = minimalWith("  Pet:", `${types.map((type) => `  ${type}`).join("\n")}\n  Pet:`);
    const at = line("  Pet:");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${at}:3: types.Date: type name "Date" ${GLOBAL}`,
      `manifest.yaml:${at + 2}:3: types.Promise: type name "Promise" ${GLOBAL}`,
      `manifest.yaml:${at + 4}:3: types.Object: type name "Object" ${GLOBAL}`,
      `manifest.yaml:${at + 6}:3: types.Record: type name "Record" ${GLOBAL}`,
    ]);
  });

  it("types and errors that clash with what generated code imports, or with global errors, are refused", () => {
    const text = minimalWith("  Pet:", "  Operation:\n    enum: [a]\n  DateTime:\n    enum: [b]\n  Pet:").replace("  NotFoundError:", "  TypeError:");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${line("  NotFoundError:")}:3: errors.TypeError: error class name "TypeError" ${GLOBAL}`,
      `manifest.yaml:${line("  Pet:")}:3: types.Operation: type name "Operation" would clash with "Operation", which the generated code imports from the runtime; choose another name`,
      `manifest.yaml:${line("  Pet:") + 2}:3: types.DateTime: type name "DateTime" would clash with "dateTimeCodec", which the generated code imports from the runtime; choose another name`,
    ]);
  });

  it("a resource named constructor, a reserved word or a private client member is refused", () => {
    assert.deepEqual(problems(minimalWith("  pets:", "  constructor:")), [
      `manifest.yaml:${line("  pets:")}:3: resources.constructor: resource name "constructor" ${INHERITED}`,
    ]);
    assert.deepEqual(problems(minimalWith("  pets:", "  delete:")), [`manifest.yaml:${line("  pets:")}:3: resources.delete: resource name "delete" ${RESERVED}`]);
    assert.deepEqual(problems(minimalWith("  pets:", "  flags:")), [
      `manifest.yaml:${line("  pets:")}:3: resources.flags: resource name "flags" is a private member of every client; choose another name`,
    ]);
  });

  it("an operation named constructor, toString, a reserved word or its class's private member is refused", () => {
    for (const [name, why] of [
      ["constructor", INHERITED],
      ["toString", INHERITED],
      ["new", RESERVED],
      ["core", "is a private member of every resource class; choose another name"],
    ]) {
      assert.deepEqual(problems(minimalWith("      getPet:", `      ${name}:`)), [
        `manifest.yaml:${line("      getPet:")}:7: resources.pets.operations.${name}: operation name "${name}" ${why}`,
      ]);
    }
  });

  it("an option named constructor says why, rather than that the runtime already uses it", () => {
    const text = minimalWith("options:", "options:\n  constructor:\n    type: integer\n    default: 1\n    status: planned\n    description: Inherited.");
    assert.deepEqual(problems(text), [`manifest.yaml:${line("options:") + 1}:3: options.constructor: option name "constructor" ${INHERITED}`]);
    assert.deepEqual(problems(minimalWith("  option: apiKey", "  option: valueOf")), [
      `manifest.yaml:${line("  option: apiKey")}:11: auth.option: option name "valueOf" ${INHERITED}`,
    ]);
  });

  it("a path or query parameter whose TypeScript name is inherited is refused", () => {
    const text = minimalWith("          pet_id: string", "          pet_id: string\n        query:\n          to_string: string");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${line("          pet_id: string") + 2}:11: resources.pets.operations.getPet.query.to_string: parameter name "toString" ${INHERITED}`,
    ]);
  });

  it("an event kind named after a private client member is refused", () => {
    const text = schematic.replace("    track:\n      type: track", "    eventBuffer:\n      type: track");
    const lines = text.split("\n");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${lineOf(lines, "    eventBuffer:")}:5: events.kinds.eventBuffer: event kind "eventBuffer" is a private member of every client; choose another name`,
    ]);
  });

  it("accepts contextual keywords as members, and reserved or inherited wire names as fields of models", () => {
    const text = minimalWith("      getPet:", "      get:")
      .replace("  pets:", "  type:")
      .replace("      born_at: date-time?", "      born_at: date-time?\n      class: string\n      constructor: string\n      __proto__: string");
    assert.deepEqual(problems(text), []);
  });

  it("an example's result variable is never a reserved word or the client's variable", () => {
    const named = (name: string) => resultName({ name } as IrOperation);
    assert.deepEqual(["getCompany", "listCompanies", "getClass", "getDefault", "getClient", "ping", "getUndefined", "getController"].map(named), [
      "company",
      "companies",
      "result",
      "result",
      "result",
      "result",
      "result",
      "result",
    ]);
  });

  it("the runtime names generated code imports are all known to the checks", () => {
    for (const [file, text] of [
      ["manifest.yaml", schematic],
      ["kitchen-sink", kitchenSink],
    ] as const) {
      const api = normalizeManifest(validateManifest(parseManifest(text, file)), file);
      const imported = emitSources(api, { runtimeEntry: "../runtime/index.ts" }).flatMap((source) =>
        [...source.text.matchAll(/import (?:type )?\{([^}]*)\} from "(?:\.\.\/)+runtime\/[\w/-]+\.js"/g)].flatMap((match) =>
          match[1]!.split(",").map((name) => name.replace(/^\s*type\s+/, "").trim()).filter((name) => name !== ""),
        ),
      );
      assert.ok(imported.length > 10, file);
      assert.deepEqual([...new Set(imported)].filter((name) => !RUNTIME_NAMES.has(name)), [], file);
    }
  });
});

describe("the global names generated code uses", () => {
  it("are all in GLOBAL_NAMES, so no manifest type can shadow them (kitchen-sink fixture)", { timeout: 60_000 }, () => {
    const dir = path.resolve("test/fixtures/kitchen-sink/expected");
    const config = ts.readConfigFile("tsconfig.json", ts.sys.readFile).config;
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, path.resolve("."));
    const program = ts.createProgram([path.join(dir, "index.ts")], { ...options, noEmit: true });
    const checker = program.getTypeChecker();
    const isLibrary = (file: ts.SourceFile) => program.isSourceFileDefaultLibrary(file) || file.fileName.includes("/node_modules/@types/");
    const globals = new Set<string>();
    const walk = (node: ts.Node) => {
      const symbol = ts.isIdentifier(node) ? checker.getSymbolAtLocation(node) : undefined;
      const declarations = symbol?.declarations ?? [];
      // A global: declared only by the standard library or Node's types, and no member of anything (no parent).
      if ((symbol as { parent?: unknown } | undefined)?.parent === undefined && declarations.length > 0 && declarations.every((d) => isLibrary(d.getSourceFile()))) {
        globals.add((node as ts.Identifier).text);
      }
      ts.forEachChild(node, walk);
    };
    for (const file of program.getSourceFiles()) if (file.fileName.startsWith(dir)) walk(file);
    assert.ok(["Date", "Promise", "Record"].every((name) => globals.has(name)), [...globals].join());
    assert.deepEqual([...globals].filter((name) => !GLOBAL_NAMES.has(name)), []);
  });
});

describe("a __proto__ wire name", () => {
  let server: TestServer;
  let zoo: ZooClient;
  before(async () => {
    server = await startServer();
    zoo = new ZooClient({ apiKey: "zoo_key", baseUrl: server.url, ingestBaseUrl: server.url, maxRetries: 0 });
  });
  after(async () => {
    await zoo.close();
    await server.close();
  });

  it("is sent as a field of the body and read from the response as data", { timeout: 15_000 }, async () => {
    server.handle((_, res) => {
      res.writeHead(201, { "content-type": "application/json" });
      // Written by hand: JSON.stringify of an object literal would not hold an own "__proto__" key.
      res.end('{"data":{"animal_id":"a1","species":"zebra","tags":[],"__proto__":{"lineage":"plains"}}}');
    });
    const animal = await zoo.animals.createAnimal({ zoneId: "z1", species: "zebra", proto: { herd: "north" } });
    const sent = JSON.parse(server.requests.at(-1)!.body) as Record<string, unknown>;
    assert.ok(Object.hasOwn(sent, "__proto__"), `the body holds "__proto__": ${server.requests.at(-1)!.body}`);
    assert.deepEqual(sent["__proto__"], { herd: "north" });
    assert.deepEqual(animal.proto, { lineage: "plains" });
    assert.equal(Object.getPrototypeOf(animal), Object.prototype, "the result's prototype is untouched");
    assert.equal((animal as unknown as { lineage?: string }).lineage, undefined);
  });

  it("an inherited name is a required field of a union variant only when the value holds it", () => {
    const byConstructor = objectCodec({ constructor: "constructor" });
    const byName = objectCodec({ name: "name" });
    const codec = unionCodec([
      { required: ["constructor"], requiredWire: ["constructor"], codec: byConstructor },
      { required: ["name"], requiredWire: ["name"], codec: byName },
    ]);
    assert.deepEqual(codec.fromWire({ name: "n" }), { name: "n" });
    assert.deepEqual(codec.fromWire(JSON.parse('{"constructor":"c"}')), { constructor: "c" });
  });
});
