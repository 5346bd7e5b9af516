import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import path from "node:path";
import { TRANSPORT_OPTIONS, type BuiltinOption } from "../generator/builtin-options.js";
import { EVENT_OPTIONS } from "../generator/capabilities/events/options.js";
import { FLAG_CHECK_OPTIONS } from "../generator/capabilities/flag-checks/options.js";
import { formatTypeExpr } from "../generator/type-expr.js";
import { irOf, lineOf, minimalLines, minimalWith, optionsOf, problems } from "./helpers/manifests.js";

const line = (text: string) => lineOf(minimalLines, text);

describe("manifest validation", () => {
  it("accepts the fixture manifests and the Schematic manifest", async () => {
    const { readFile } = await import("node:fs/promises");
    for (const file of ["test/fixtures/minimal/manifest.yaml", "test/fixtures/kitchen-sink/manifest.yaml", "manifest.yaml"]) {
      assert.deepEqual(problems(await readFile(file, "utf8")), [], file);
    }
  });

  it("a value of the wrong type", () => {
    assert.deepEqual(problems(minimalWith("status: 404", "    status: not-a-number")), [
      `manifest.yaml:${line("status: 404")}:13: errors.NotFoundError.status: expected integer, got string "not-a-number"`,
    ]);
  });

  it("an unknown field names the fields that are allowed", () => {
    assert.deepEqual(problems(minimalWith("option: apiKey", "  option: apiKey\n  realm: api")), [
      `manifest.yaml:${line("option: apiKey") + 1}:3: auth.realm: unknown field (expected one of: scheme, header, query, option, usernameOption, passwordOption, required, description)`,
    ]);
  });

  it("a missing required field", () => {
    assert.deepEqual(problems(minimalWith("method: GET", "")), [
      `manifest.yaml:${line("path: /pets/")}:9: resources.pets.operations.getPet: missing required field "method"`,
    ]);
  });

  it("a badly formed name", () => {
    assert.deepEqual(problems(minimalWith("  Pet:", "  pet:")), [
      `manifest.yaml:${line("  Pet:")}:3: types.pet: name "pet" must be a PascalCase name such as FooBar`,
    ]);
  });

  it("an unknown type reference, with a suggestion", () => {
    assert.deepEqual(problems(minimalWith("type: Pet }", "        response: { status: 200, type: PET }")), [
      `manifest.yaml:${line("type: Pet }")}:40: resources.pets.operations.getPet.response.type: unknown type "PET" (did you mean "Pet"?)`,
    ]);
  });

  it("a malformed type expression", () => {
    assert.deepEqual(problems(minimalWith("born_at: date-time?", "      born_at: list<date-time")), [
      `manifest.yaml:${line("born_at")}:16: types.Pet.properties.born_at: invalid type "list<date-time": expected ">" to close "list<"`,
    ]);
  });

  it("a path parameter used in the path but not declared", () => {
    const text = minimalWith("path: /pets/{pet_id}", "        path: /pets/{pet_id}/photos/{photo_id}");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${line("path: /pets/")}:15: resources.pets.operations.getPet.path: path parameter "{photo_id}" is not declared in pathParams`,
    ]);
  });

  it("a path parameter declared but not used in the path", () => {
    const text = minimalWith("path: /pets/{pet_id}", "        path: /pets");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${line("pathParams:") + 1}:11: resources.pets.operations.getPet.pathParams.pet_id: path parameter "pet_id" does not appear in the path "/pets"`,
    ]);
  });

  it("two fields with the same TypeScript name", () => {
    const text = minimalWith("      name: string", "      name: string\n      petId: string");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${line("name: string") + 1}:7: types.Pet.properties.petId: TypeScript field name "petId" is already declared at line ${line("pet_id: string")}, column 7`,
    ]);
  });

  it("a default that does not match its option's type", () => {
    assert.deepEqual(problems(minimalWith("default: 30000", "    default: soon")), [
      `manifest.yaml:${line("default: 30000")}:14: options.timeoutMs.default: default "soon" does not match the option's type "integer"`,
    ]);
  });

  it("two errors with the same status", () => {
    const text = minimalWith("    status: 404", "    status: 404\n  MissingError:\n    status: 404");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${line("status: 404") + 2}:5: errors.MissingError.status: error status "404" is already declared at line ${line("status: 404")}, column 5`,
    ]);
  });

  it("a name that collides with a generated export", () => {
    const text = minimalWith("  Pet:", "  ApiError:\n    enum: [a]\n  Pet:");
    assert.deepEqual(problems(text), [`manifest.yaml:${line("  Pet:")}:3: types.ApiError: generated name "ApiError" is already a runtime export`]);
  });

  it("a name that collides with the sync client or a sync resource class", () => {
    const text = minimalWith("  Pet:", "  PetstoreSyncClient:\n    enum: [a]\n  PetsSyncResource:\n    enum: [b]\n  Pet:");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${line("  Pet:")}:3: types.PetstoreSyncClient: generated name "PetstoreSyncClient" is already declared by name`,
      `manifest.yaml:${line("  pets:") + 4}:3: resources.pets: generated name "PetsSyncResource" is already declared by types.PetsSyncResource`,
    ]);
  });

  it("an unknown server", () => {
    assert.deepEqual(problems(minimalWith("defaultServer: main", "defaultServer: primary")), [
      `manifest.yaml:${line("defaultServer")}:16: defaultServer: unknown server "primary" (servers: main)`,
    ]);
  });

  it("reports every problem at once, in file order", () => {
    const text = minimalWith("default: 30000", "    default: soon").replace("type: Pet }", "type: Pets }");
    const found = problems(text);
    assert.equal(found.length, 2);
    assert.match(found[0]!, /default "soon"/);
    assert.match(found[1]!, /unknown type "Pets"/);
  });
});

describe("the runtime's contract", () => {
  it("an option the runtime needs has another type, or is marked planned", () => {
    assert.deepEqual(problems(minimalWith("default: 30000", "    default: 30000\n    status: planned")), [
      `manifest.yaml:${line("default: 30000") + 1}:13: options.timeoutMs.status: the runtime already uses "timeoutMs"; it cannot be planned`,
    ]);
    const text = minimalWith("options:", "options:\n  totalTimeoutMs:\n    type: number?\n    default: null");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${line("options:") + 2}:11: options.totalTimeoutMs.type: the built-in option "totalTimeoutMs" has type "integer?"; omit "type" or give that one`,
    ]);
  });

  it("a live option the runtime does not know, or one it defines itself", () => {
    const unknown = minimalWith("options:", "options:\n  cacheSize:\n    type: integer\n    default: 1\n    description: Not built yet.");
    assert.deepEqual(problems(unknown), [
      `manifest.yaml:${line("options:") + 1}:3: options.cacheSize: the runtime has no option "cacheSize"; mark it "status: planned" until it has`,
    ]);
    const planned = minimalWith("options:", "options:\n  cacheSize:\n    type: integer\n    default: 1\n    status: planned\n    description: Not built yet.");
    assert.deepEqual(problems(planned), []);
    const taken = minimalWith("options:", "options:\n  logger:\n    type: string\n    default: none\n    status: planned\n    description: Clashes.");
    assert.deepEqual(problems(taken), [`manifest.yaml:${line("options:") + 1}:3: options.logger: client option "logger" is defined by the runtime for every client`]);
  });
});

describe("flag checks", () => {
  // The Schematic manifest of 9 operations in one file: its capability sections are today's, its lines stay put.
  const schematic = readFileSync("test/fixtures/schematic-9-operations.yaml", "utf8");
  const lines = schematic.split("\n");
  const at = (text: string) => lineOf(lines, text);

  it("must name an operation that exists", () => {
    assert.deepEqual(problems(schematic.replace("operation: features.checkFlag", "operation: features.isOn")), [
      `manifest.yaml:${at("operation: features.checkFlag")}:14: flagChecks.operation: unknown operation "features.isOn" (expected resource.operation)`,
    ]);
  });

  it("a misspelt operation or field gets the close names", () => {
    const text = schematic
      .replace("operation: features.checkFlag", "operation: features.checkFlg");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${at("operation: features.checkFlag")}:14: flagChecks.operation: unknown operation "features.checkFlg" (did you mean "features.checkFlag" or "features.checkFlags"?)`,
    ]);
    const fields = schematic
      .replace("  flagKey: key", "  flagKey: kye")
      .replace("context: [company, user]", "context: [compnay, user]")
      .replace("result: { value: value,", "result: { value: valeu,");
    assert.deepEqual(problems(fields), [
      `manifest.yaml:${at("  flagKey: key")}:12: flagChecks.flagKey: "kye" must be a string path parameter of features.checkFlag (did you mean "key"?)`,
      `manifest.yaml:${at("context: [company, user]")}:13: flagChecks.context.0: "compnay" must be a map<string> field of the body of features.checkFlag (did you mean "company"?)`,
      `manifest.yaml:${at("result: { value: value,")}:20: flagChecks.result.value: "valeu" must be a boolean field of the result of features.checkFlag (CheckFlagResponseData) (did you mean "value"?)`,
    ]);
  });

  it("must name a string path parameter, map<string> context fields and typed result fields", () => {
    const text = schematic
      .replace("  flagKey: key", "  flagKey: flag")
      .replace("context: [company, user]", "context: [company, preflight]")
      .replace("result: { value: value,", "result: { value: reason,");
    assert.deepEqual(problems(text), [
      `manifest.yaml:${at("  flagKey: key")}:12: flagChecks.flagKey: "flag" must be a string path parameter of features.checkFlag`,
      `manifest.yaml:${at("context: [company, user]")}:22: flagChecks.context.1: "preflight" must be a map<string> field of the body of features.checkFlag`,
      `manifest.yaml:${at("result: { value: value,")}:20: flagChecks.result.value: "reason" must be a boolean field of the result of features.checkFlag (CheckFlagResponseData)`,
    ]);
  });

  it("keeps client method names free", () => {
    const clash = schematic.replace("  capture:\n    description:", "  checkFlag:\n    description:");
    assert.match(problems(clash).join("\n"), /resources\.checkFlag: resource name "checkFlag" is a method of every client/);
  });
});

describe("events", () => {
  const schematic = readFileSync("test/fixtures/schematic-9-operations.yaml", "utf8");
  const lines = schematic.split("\n");

  it("must name a batch operation whose list field holds objects with the named fields", () => {
    assert.deepEqual(problems(schematic.replace("  batchField: events", "  batchField: items")), [
      `manifest.yaml:${lineOf(lines, "  batchField: events")}:15: events.batchField: "items" must be a body field of capture.sendBatch holding a list of an object type`,
    ]);
    assert.match(problems(schematic.replace("sentAt: sent_at }", "sentAt: sent_time }")).join("\n"), /events\.fields\.sentAt: "sent_time" is not a field of CaptureEvent/);
    assert.match(problems(schematic.replace("sentAt: sent_at }", "sentAt: snet_at }")).join("\n"), /events\.fields\.sentAt: "snet_at" is not a field of CaptureEvent \(did you mean "sent_at"\?\)/);
    assert.match(problems(schematic.replace("  batchField: events", "  batchField: evnets")).join("\n"), /events\.batchField: "evnets" must be a body field of capture\.sendBatch holding a list of an object type \(did you mean "events"\?\)/);
  });

  it("kinds must not take a client member's name", () => {
    assert.match(problems(schematic.replace("    track:\n      type: track", "    flush:\n      type: track")).join("\n"), /events\.kinds\.flush: event kind "flush" would take the name of a client member or resource/);
  });

  it("need an auth scheme with one key or token to put in each event", () => {
    const basic = schematic.replace(/^auth:\n  header: X-Schematic-Api-Key\n  option: apiKey\n/m, "auth:\n  scheme: basic\n  usernameOption: user\n  passwordOption: apiKey\n");
    assert.notEqual(basic, schematic, "the fixture's auth section was replaced");
    const operationLine = basic.split("\n").indexOf("  operation: capture.sendBatch") + 1;
    assert.ok(problems(basic).includes(`manifest.yaml:${operationLine}:14: events.operation: events need an API key to put in each event: declare auth with scheme apiKeyHeader, apiKeyQuery or bearer (this manifest's is basic)`), problems(basic).join("\n"));
  });

  it("minimum is only for numbers", () => {
    const text = schematic.replace("      event: string\n      lease_id: string", "      event: { type: string, minimum: 1 }\n      lease_id: string");
    assert.match(problems(text).join("\n"), /types\.EventBodyTrack\.properties\.event\.minimum: minimum is only allowed on integer and number fields/);
  });
});

describe("did you mean, bodiless responses and examples", () => {
  const getPet = (extra: string) => minimalWith("        response: { status: 200, type: Pet }", `        response: { status: 200, type: Pet }\n${extra}`);
  const exampleLine = line("type: Pet }") + 1;

  it("an unknown type close to a known one by edit distance, not only by case", () => {
    assert.deepEqual(problems(minimalWith("type: Pet }", "        response: { status: 200, type: Pte }")), [
      `manifest.yaml:${line("type: Pet }")}:40: resources.pets.operations.getPet.response.type: unknown type "Pte" (did you mean "Pet"?)`,
    ]);
    const withPage = minimalWith("types:", "types:\n  BookPage:\n    properties: { page: integer }").replace("type: Pet }", "type: BookPag }");
    assert.deepEqual(problems(withPage), [
      `manifest.yaml:${line("type: Pet }") + 2}:40: resources.pets.operations.getPet.response.type: unknown type "BookPag" (did you mean "BookPage"?)`,
    ]);
  });

  it("no suggestion when no known name is close", () => {
    assert.deepEqual(problems(minimalWith("type: Pet }", "        response: { status: 200, type: Owner }")), [
      `manifest.yaml:${line("type: Pet }")}:40: resources.pets.operations.getPet.response.type: unknown type "Owner"`,
    ]);
  });

  it("a required field that is not a property, with the close property names", () => {
    assert.deepEqual(problems(minimalWith("required: [pet_id, name]", "    required: [pet_id, nmae]")), [
      `manifest.yaml:${line("required: [pet_id, name]")}:24: types.Pet.required.1: "nmae" is not one of the type's properties (did you mean "name"?)`,
    ]);
  });

  it("a server name close to a declared one", () => {
    assert.deepEqual(problems(minimalWith("defaultServer: main", "defaultServer: mian")), [
      `manifest.yaml:${line("defaultServer")}:16: defaultServer: unknown server "mian" (did you mean "main"?)`,
    ]);
  });

  it("a type on a response that has no body (204, 205)", () => {
    for (const status of [204, 205]) {
      assert.deepEqual(problems(minimalWith("type: Pet }", `        response: { status: ${status}, type: Pet }`)), [
        `manifest.yaml:${line("type: Pet }")}:40: resources.pets.operations.getPet.response.type: a ${status} response has no body, so it cannot have a type; remove "type" or use status 200`,
      ]);
    }
    assert.deepEqual(problems(minimalWith("type: Pet }", "        response: { status: 204 }")), []);
  });

  it("example keys are the operation's TypeScript argument names", () => {
    assert.deepEqual(problems(getPet("        example: { petId: p_1 }")), []);
    // The wire name, not the TypeScript name: the example would not compile.
    assert.deepEqual(problems(getPet("        example: { pet_id: p_1 }")), [
      `manifest.yaml:${exampleLine}:20: resources.pets.operations.getPet.example.pet_id: "pet_id" is not an argument of the operation (did you mean "petId"?)`,
    ]);
    assert.deepEqual(problems(getPet("        example: { petId: p_1, colour: red }")), [
      `manifest.yaml:${exampleLine}:32: resources.pets.operations.getPet.example.colour: "colour" is not an argument of the operation (expected one of: petId)`,
    ]);
  });

  it("example keys follow a \"name:\" rename and include the body's fields", () => {
    const renamed = minimalWith("          pet_id: string", "          pet_id: { type: string, name: id }")
      .replace("        response: { status: 200, type: Pet }", "        body: Pet\n        response: { status: 200, type: Pet }\n        example: { id: p_1, name: Rex, bornAt: x, colour: red }");
    assert.deepEqual(problems(renamed), [
      `manifest.yaml:${exampleLine + 1}:51: resources.pets.operations.getPet.example.colour: "colour" is not an argument of the operation (expected one of: id, petId, name, bornAt)`,
    ]);
  });

  it("an example on an operation without arguments", () => {
    const text = minimalWith("path: /pets/{pet_id}", "        path: /pets").replace(/        pathParams:\n          pet_id: string\n/, "");
    assert.deepEqual(problems(text.replace("type: Pet }", "type: Pet }\n        example: { petId: p_1 }")), [
      `manifest.yaml:${exampleLine - 2}:20: resources.pets.operations.getPet.example.petId: "petId" is not an argument of the operation (the operation takes no arguments)`,
    ]);
  });
});

describe("manifest validation: auth schemes", () => {
  const AUTH = "auth:\n  header: X-Api-Key\n  option: apiKey\n";
  const authLine = line("auth:");
  const withAuth = (auth: string) => {
    const text = minimalLines.join("\n");
    assert.ok(text.includes(AUTH));
    return text.replace(AUTH, auth);
  };

  it("accepts every scheme, a header without a scheme, and no auth section at all", () => {
    for (const auth of [
      AUTH,
      "auth:\n  scheme: apiKeyHeader\n  header: X-Api-Key\n  option: apiKey\n",
      "auth:\n  scheme: apiKeyQuery\n  query: api_key\n  option: apiKey\n",
      "auth:\n  scheme: bearer\n  option: token\n  required: false\n  description: A personal access token.\n",
      "auth:\n  scheme: basic\n  usernameOption: username\n  passwordOption: password\n",
      "auth:\n  scheme: none\n",
      "",
    ]) {
      assert.deepEqual(problems(withAuth(auth)), [], auth);
    }
  });

  it("an unknown scheme, and no scheme without a header", () => {
    assert.deepEqual(problems(withAuth("auth:\n  scheme: oauth\n  option: apiKey\n")), [
      `manifest.yaml:${authLine + 1}:11: auth.scheme: expected one of "apiKeyHeader", "apiKeyQuery", "bearer", "basic", "none"`,
    ]);
    assert.deepEqual(problems(withAuth("auth:\n  option: apiKey\n")), [
      `manifest.yaml:${authLine}:1: auth: no scheme: give "scheme" (apiKeyHeader, apiKeyQuery, bearer, basic, none), or "header" for an API key in a header`,
    ]);
  });

  it("a field the scheme needs is missing", () => {
    assert.deepEqual(problems(withAuth("auth:\n  scheme: apiKeyQuery\n  option: apiKey\n")), [
      `manifest.yaml:${authLine}:1: auth: scheme apiKeyQuery needs the field "query"`,
    ]);
    assert.deepEqual(problems(withAuth("auth:\n  scheme: bearer\n")), [`manifest.yaml:${authLine}:1: auth: scheme bearer needs the field "option"`]);
  });

  it("a field of another scheme is refused where it stands, with the scheme's fields", () => {
    assert.deepEqual(problems(withAuth("auth:\n  scheme: bearer\n  header: X-Token\n  option: token\n")), [
      `manifest.yaml:${authLine + 2}:3: auth.header: scheme bearer takes no "header" (its fields: option, scheme, required, description)`,
    ]);
    assert.deepEqual(problems(withAuth("auth:\n  scheme: basic\n  option: pw\n")), [
      `manifest.yaml:${authLine}:1: auth: scheme basic needs the field "usernameOption"`,
      `manifest.yaml:${authLine}:1: auth: scheme basic needs the field "passwordOption"`,
      `manifest.yaml:${authLine + 2}:3: auth.option: scheme basic takes no "option" (its fields: usernameOption, passwordOption, scheme, required, description)`,
    ]);
    assert.deepEqual(problems(withAuth("auth:\n  scheme: none\n  option: apiKey\n")), [
      `manifest.yaml:${authLine + 2}:3: auth.option: scheme none takes no "option" (its fields: scheme, required, description)`,
    ]);
  });

  it("basic's two options need different names, and auth options clash with other options", () => {
    assert.deepEqual(problems(withAuth("auth:\n  scheme: basic\n  usernameOption: user\n  passwordOption: user\n")), [
      `manifest.yaml:${authLine + 3}:19: auth.passwordOption: "user" is already the usernameOption: the two options need different names`,
    ]);
    assert.deepEqual(problems(withAuth("auth:\n  scheme: basic\n  usernameOption: baseUrl\n  passwordOption: password\n")), [
      `manifest.yaml:${line("option: baseUrl")}:5: servers.main.option: client option "baseUrl" is already declared at line ${authLine + 2}, column 3`,
    ]);
  });

  it("an auth or server option may not take the name of a runtime, built-in or capability option", () => {
    assert.deepEqual(problems(withAuth("auth:\n  scheme: bearer\n  option: timeoutMs\n")), [
      `manifest.yaml:${authLine + 2}:3: auth.option: client option "timeoutMs" is a built-in option of this client; choose another name`,
    ]);
    assert.deepEqual(problems(withAuth("auth:\n  scheme: apiKeyQuery\n  query: key\n  option: dispatcher\n")), [
      `manifest.yaml:${authLine + 3}:3: auth.option: client option "dispatcher" is defined by the runtime for every client`,
    ]);
    // The minimal manifest declares neither flagChecks nor events: their options' names stay reserved all the same.
    assert.deepEqual(problems(withAuth("auth:\n  scheme: basic\n  usernameOption: logger\n  passwordOption: offline\n")), [
      `manifest.yaml:${authLine + 2}:3: auth.usernameOption: client option "logger" is defined by the runtime for every client`,
      `manifest.yaml:${authLine + 3}:3: auth.passwordOption: client option "offline" is an option of the flagChecks capability; choose another name`,
    ]);
    assert.deepEqual(problems(withAuth("auth:\n  scheme: bearer\n  option: closeOnSignals\n")), [
      `manifest.yaml:${authLine + 2}:3: auth.option: client option "closeOnSignals" is an option of the events capability; choose another name`,
    ]);
    assert.deepEqual(problems(minimalWith("option: baseUrl", "    option: headers")), [
      `manifest.yaml:${line("option: baseUrl")}:5: servers.main.option: client option "headers" is a built-in option of this client; choose another name`,
    ]);
    // The minimal manifest's own options entry for timeoutMs stays an override, not a clash.
    assert.ok(minimalLines.join("\n").includes("options:\n  timeoutMs:\n"));
    assert.deepEqual(problems(minimalLines.join("\n")), []);
  });

  it("a query parameter name, an option name and required of the wrong form", () => {
    assert.deepEqual(problems(withAuth("auth:\n  scheme: apiKeyQuery\n  query: api key\n  option: apiKey\n")), [
      `manifest.yaml:${authLine + 2}:10: auth.query: expected a string matching ^[A-Za-z0-9._~-]+$, got "api key"`,
    ]);
    assert.deepEqual(problems(withAuth("auth:\n  scheme: bearer\n  option: class\n")), [
      `manifest.yaml:${authLine + 2}:11: auth.option: option name "class" is a reserved word of JavaScript or TypeScript; choose another name`,
    ]);
    assert.deepEqual(problems(withAuth("auth:\n  scheme: bearer\n  option: token\n  required: no\n")), [
      `manifest.yaml:${authLine + 3}:13: auth.required: expected boolean, got string "no"`,
    ]);
  });
});

describe("manifest validation: error classes and error bodies", () => {
  const errorsLine = line("errors:");
  const typesLine = line("types:");

  it("accepts a manifest without an errors section, or with an empty one", () => {
    const without = minimalLines.filter((_, index) => index + 1 !== errorsLine && index + 1 !== errorsLine + 1 && index + 1 !== errorsLine + 2);
    assert.deepEqual(problems(without.join("\n")), []);
    assert.deepEqual(problems(minimalWith("errors:", "errors: {}").replace("  NotFoundError:\n    status: 404\n", "")), []);
  });

  it("refuses a standard class name with another status, and a type named like a standard class", () => {
    assert.deepEqual(problems(minimalWith("    status: 404", "    status: 410")), [
      `manifest.yaml:${errorsLine + 2}:13: errors.NotFoundError.status: "NotFoundError" is the standard class for status 404; give it status 404 or choose another name`,
    ]);
    assert.deepEqual(problems(minimalWith("types:", "types:\n  ConflictError: { properties: { reason: string } }")), [
      `manifest.yaml:${typesLine + 1}:3: types.ConflictError: generated name "ConflictError" is already a standard error class`,
    ]);
    const renamed = minimalWith("  NotFoundError:", "  NotFoundError:\n    status: 404\n  ClashError:").replace("    status: 404\ntypes:", "    status: 409\ntypes:");
    assert.deepEqual(problems(renamed.replace("types:\n", "types:\n  ConflictError: { properties: { reason: string } }\n")), [], "409 renamed frees the name");
  });

  it("an error body names an object type, with a did-you-mean, at the API, an error class and an operation", () => {
    assert.deepEqual(problems(minimalWith("types:", "errorBody: { type: Pett, messageField: name }\ntypes:")), [
      `manifest.yaml:${typesLine}:20: errorBody.type: unknown type "Pett" (did you mean "Pet"?)`,
    ]);
    assert.deepEqual(problems(minimalWith("    status: 404", "    status: 404\n    errorBody: { type: Pet, messageField: nme }")), [
      `manifest.yaml:${errorsLine + 3}:43: errors.NotFoundError.errorBody.messageField: "nme" must be a string field of Pet (did you mean "name"?)`,
    ]);
    const opLine = line("response: { status: 200, type: Pet }");
    assert.deepEqual(problems(minimalWith("response: { status: 200, type: Pet }", "        response: { status: 200, type: Pet }\n        errorBody: { type: Pet, messageField: born_at }")), [
      `manifest.yaml:${opLine + 1}:47: resources.pets.operations.getPet.errorBody.messageField: "born_at" must be a string field of Pet`,
    ]);
  });

  it("an error body has exactly a type and a message field", () => {
    assert.deepEqual(problems(minimalWith("types:", "errorBody: { type: Pet }\ntypes:")), [
      `manifest.yaml:${typesLine}:12: errorBody: missing required field "messageField"`,
    ]);
  });
});

describe("built-in options", () => {
  const format = (type: Parameters<typeof formatTypeExpr>[0]) => formatTypeExpr(type);
  const asDeclared = (table: Record<string, BuiltinOption>) =>
    Object.fromEntries(Object.entries(table).map(([name, o]) => [name, { type: o.type, default: o.default, description: o.description }]));
  const withoutOptions = minimalLines.join("\n").replace("options:\n  timeoutMs:\n    default: 30000\n", "");

  it("a manifest that declares no options is valid, and its client has the transport options with their defaults", () => {
    assert.notEqual(withoutOptions, minimalLines.join("\n"));
    assert.deepEqual(problems(withoutOptions), []);
    assert.deepEqual(optionsOf(irOf(withoutOptions), format), asDeclared(TRANSPORT_OPTIONS));
    assert.equal(TRANSPORT_OPTIONS.retryMaxDelayMs!.default, 8000);
  });

  it("an entry may override only the default, or only the description, and keeps the rest built in", () => {
    const timeout = (text: string) => optionsOf(irOf(text), format).timeoutMs;
    assert.deepEqual(timeout(minimalLines.join("\n")), { type: "integer", default: 30000, description: TRANSPORT_OPTIONS.timeoutMs!.description });
    assert.deepEqual(timeout(minimalWith("default: 30000", "    description: Per attempt.")), { type: "integer", default: 60000, description: "Per attempt." });
  });

  it("a built-in option given another type is refused at its type; a default of the wrong type at the default", () => {
    assert.deepEqual(problems(minimalWith("default: 30000", "    type: number\n    default: 30000")), [
      `manifest.yaml:${line("default: 30000")}:11: options.timeoutMs.type: the built-in option "timeoutMs" has type "integer"; omit "type" or give that one`,
    ]);
    assert.deepEqual(problems(minimalWith("default: 30000", "    default: [1]")), [
      `manifest.yaml:${line("default: 30000")}:14: options.timeoutMs.default: default [1] does not match the option's type "integer"`,
    ]);
  });

  it("an option that is not built in needs a type, a default and a description", () => {
    assert.deepEqual(problems(minimalWith("options:", "options:\n  cacheSize:\n    default: 1\n    status: planned")), [
      `manifest.yaml:${line("options:") + 1}:3: options.cacheSize: option "cacheSize" is not built in, so it needs "type" and "description"`,
    ]);
  });

  it("offline belongs to flag checks: refused without flagChecks, built in with them", () => {
    assert.deepEqual(problems(minimalWith("options:", "options:\n  offline:\n    default: true")), [
      `manifest.yaml:${line("options:") + 1}:3: options.offline: "offline" is an option of the flagChecks capability, which this manifest does not declare; remove it or declare flagChecks`,
    ]);
    assert.deepEqual(problems(minimalWith("options:", "options:\n  closeOnSignals:\n    default: true")), [
      `manifest.yaml:${line("options:") + 1}:3: options.closeOnSignals: "closeOnSignals" is an option of the events capability, which this manifest does not declare; remove it or declare events`,
    ]);
    assert.equal(irOf(withoutOptions).options.some((o) => o.name === "offline"), false);
    const schematic = readFileSync("manifest.yaml", "utf8");
    assert.doesNotMatch(schematic, /^options:/m, "the Schematic manifest restates no built-in option");
    assert.deepEqual(optionsOf(irOf(schematic), format), asDeclared({ ...TRANSPORT_OPTIONS, ...FLAG_CHECK_OPTIONS, ...EVENT_OPTIONS }));
  });

  it("a client without flag checks has no offline option and a core that is never offline", () => {
    const client = readFileSync("test/fixtures/minimal/expected/client.ts", "utf8");
    assert.doesNotMatch(client, /offline/i, "no option, no setting, no OfflineError: the core is never offline");
    const zoo = readFileSync("test/fixtures/kitchen-sink/expected/client.ts", "utf8");
    assert.match(zoo, /offline\?: boolean;/);
    assert.match(zoo, /\| \{ offline: true \}\)/);
  });

  it("the manifest schema names every built-in option, so editors document them", () => {
    const schema = JSON.parse(readFileSync("generator/manifest.schema.json", "utf8"));
    const text: string = schema.properties.options.description;
    for (const name of Object.keys({ ...TRANSPORT_OPTIONS, ...FLAG_CHECK_OPTIONS, ...EVENT_OPTIONS })) assert.match(text, new RegExp(`\\b${name}\\b`), name);
    assert.equal(schema.required.includes("options"), false);
  });

  it("each manifest starts with a $schema modeline that points at the manifest schema", () => {
    for (const file of ["manifest.yaml", ...["minimal", "kitchen-sink", "typed-errors"].map((f) => `test/fixtures/${f}/manifest.yaml`)]) {
      const first = readFileSync(file, "utf8").split("\n")[0]!;
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      assert.ok(match, `${file}: ${first}`);
      assert.equal(path.resolve(path.dirname(file), match[1]!), path.resolve("generator/manifest.schema.json"), file);
      assert.deepEqual(problems(readFileSync(file, "utf8")), [], file);
    }
  });
});
