import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { ManifestError, parseManifest } from "../generator/load.js";
import type { Manifest, ManifestField } from "../generator/manifest.js";
import { formatChange, mergeImport, type MergeResult } from "../generator/openapi/merge.js";
import { validateManifest } from "../generator/validate.js";

/** The result must be a valid manifest; its text, and its changes as the importer prints them. */
function merged(existing: string, imported: Manifest, prune = false): { text: string; changes: string[] } {
  const result: MergeResult = mergeImport(existing, imported, { prune, file: "manifest.yaml" });
  validateManifest(parseManifest(result.text, "manifest.yaml"));
  return { text: result.text, changes: result.changes.map(formatChange) };
}

/** `text` with each [old, new] replaced once, failing when `old` is not there exactly once. */
function edited(text: string, ...replacements: [string, string][]): string {
  for (const [from, to] of replacements) {
    assert.equal(text.split(from).length, 2, `expected exactly one ${JSON.stringify(from)}`);
    text = text.replace(from, () => to);
  }
  return text;
}

// The minimal fixture (test/fixtures/minimal/manifest.yaml) as a person left it after an earlier import: comments,
// a renamed operation and field, descriptions, an example, an envelope, and a flagChecks section with its operation.
const PETSTORE = `# yaml-language-server: $schema=../../../generator/manifest.schema.json
# Petstore, imported from petstore.openapi.yaml, then edited by hand.
name: Petstore
title: Petstore API
version: "2"
package: petstore-sdk
defaultServer: main
servers:
  main:
    url: https://pets.example.com
    option: baseUrl
auth:
  header: X-Api-Key
  option: apiKey
options:
  timeoutMs:
    default: 30000
errors:
  NotFoundError:
    status: 404

flagChecks:
  operation: pets.isAwake
  flagKey: pet_id
  context: [zone]
  result: { value: awake, flag: pet_id, reason: why, error: problem }
  cache: { maxSize: 50, maxAgeMs: 250 } # small on purpose

types:
  # A pet as the store lists it.
  Pet:
    description: A pet in the store.
    required: [pet_id, name]
    properties:
      pet_id: { type: string, name: id, description: The pet's id. } # renamed for TypeScript
      name: string
      born_at: date-time?
      age: integer
      # Kept from an older version of the API.
      legacy_code: string
  AwakeCheck:
    properties:
      zone: map<string>?
  AwakeResult:
    required: [awake, pet_id, why]
    properties:
      awake: boolean
      pet_id: string
      why: string
      problem: string?
resources:
  pets:
    description: The pets.
    operations:
      fetchPet: # renamed from getPet
        method: GET
        path: /pets/{pet_id}
        description: Fetches one pet.
        pathParams:
          pet_id: string
        example: { petId: p_1 }
        response: { status: 200, type: Pet, envelope: data }
      isAwake:
        method: POST
        path: /pets/{pet_id}/awake
        pathParams:
          pet_id: string
        body: AwakeCheck
        response: { status: 200, type: AwakeResult }
      # Retired upstream.
      deletePet:
        method: DELETE
        path: /pets/{pet_id}
        pathParams:
          pet_id: string
        response: { status: 204 }
`;

// What the importer makes of the document now: GET /pets added, Pet.age retyped, Pet.born_at and Pet.legacy_code
// gone, Pet.tag added, DELETE /pets/{pet_id} gone, PetResponse (the wrapper the envelope reads through) added.
const PETSTORE_IMPORT: Manifest = {
  name: "Petstore",
  title: "Petstore",
  version: "2",
  package: "petstore",
  defaultServer: "main",
  servers: { main: { url: "https://pets.example.com", option: "baseUrl" } },
  auth: { header: "X-Api-Key", option: "apiKey" },
  types: {
    AwakeCheck: { properties: { zone: "map<string>?" } },
    AwakeResult: { required: ["awake", "pet_id", "why"], properties: { awake: "boolean", pet_id: "string", why: "string", problem: "string?" } },
    Pet: {
      description: "Pet.",
      required: ["pet_id", "name"],
      properties: { pet_id: { type: "string", description: "Id." }, name: "string", age: "string", tag: { type: "string", description: "A tag." } },
    },
    PetResponse: { required: ["data"], properties: { data: "Pet" } },
  },
  resources: {
    pets: {
      operations: {
        getPet: { method: "GET", path: "/pets/{pet_id}", pathParams: { pet_id: "string" }, response: { status: 200, type: "PetResponse" } },
        isAwake: { method: "POST", path: "/pets/{pet_id}/awake", pathParams: { pet_id: "string" }, body: "AwakeCheck", response: { status: 200, type: "AwakeResult" } },
        listPets: { method: "GET", path: "/pets", query: { limit: { type: "integer", required: true } }, response: { status: 200, type: "list<Pet>" } },
      },
    },
  },
};

const NEW_PET_RESPONSE = `  PetResponse:
    required: [data]
    properties:
      data: Pet
`;
const NEW_LIST_PETS = `      listPets:
        method: GET
        path: /pets
        query:
          limit: { type: integer, required: true }
        response: { status: 200, type: list<Pet> }
`;

describe("re-importing an OpenAPI document into a manifest", () => {
  it("applies the document's changes, keeps hand edits and comments byte for byte, and keeps what is gone", () => {
    const { text, changes } = merged(PETSTORE, PETSTORE_IMPORT);
    const expected = edited(
      PETSTORE,
      ["      age: integer\n", "      age: string\n"],
      ["      legacy_code: string\n", "      legacy_code: string\n      tag: { type: string, description: A tag. }\n"],
      ["      problem: string?\nresources:", `      problem: string?\n${NEW_PET_RESPONSE}resources:`],
    );
    assert.equal(text, expected + NEW_LIST_PETS);
    assert.deepEqual(changes, [
      "operation GET /pets: added as pets.listPets",
      "operation DELETE /pets/{pet_id} (pets.deletePet): gone from the document, kept: use --prune",
      "type Pet: field born_at gone from the document, kept: use --prune",
      "type Pet: field age retyped integer -> string",
      "type Pet: field legacy_code gone from the document, kept: use --prune",
      "type Pet: field tag added",
      "type PetResponse: added",
    ]);
  });

  it("with prune, removes what is gone together with the comments above it", () => {
    const { text, changes } = merged(PETSTORE, PETSTORE_IMPORT, true);
    const expected = edited(
      PETSTORE,
      ["      born_at: date-time?\n", ""],
      ["      age: integer\n      # Kept from an older version of the API.\n      legacy_code: string\n", "      age: string\n      tag: { type: string, description: A tag. }\n"],
      ["      problem: string?\nresources:", `      problem: string?\n${NEW_PET_RESPONSE}resources:`],
      [
        "      # Retired upstream.\n      deletePet:\n        method: DELETE\n        path: /pets/{pet_id}\n        pathParams:\n          pet_id: string\n        response: { status: 204 }\n",
        NEW_LIST_PETS,
      ],
    );
    assert.equal(text, expected);
    assert.deepEqual(changes, [
      "operation GET /pets: added as pets.listPets",
      "operation DELETE /pets/{pet_id} (pets.deletePet): removed",
      "type Pet: field born_at removed",
      "type Pet: field age retyped integer -> string",
      "type Pet: field legacy_code removed",
      "type Pet: field tag added",
      "type PetResponse: added",
    ]);
  });

  it("merging the same import again changes nothing", () => {
    for (const prune of [false, true]) {
      const once = merged(PETSTORE, PETSTORE_IMPORT, prune);
      const twice = merged(once.text, PETSTORE_IMPORT, prune);
      assert.equal(twice.text, once.text);
      // Only what is still gone and still kept is listed again.
      assert.deepEqual(twice.changes, prune ? [] : once.changes.filter((change) => change.includes("kept: use --prune")));
    }
  });

  it("into a file with no manifest yet, gives the import itself", () => {
    for (const existing of ["", "# Imported from petstore.openapi.yaml.\n"]) {
      const { text, changes } = merged(existing, PETSTORE_IMPORT);
      assert.ok(text.startsWith(existing));
      assert.deepEqual(parse(text), PETSTORE_IMPORT);
      assert.deepEqual(changes, [
        "version: added",
        "auth: added",
        "server main: added",
        "operation GET /pets/{pet_id}: added as pets.getPet",
        "operation POST /pets/{pet_id}/awake: added as pets.isAwake",
        "operation GET /pets: added as pets.listPets",
        "type AwakeCheck: added",
        "type AwakeResult: added",
        "type Pet: added",
        "type PetResponse: added",
      ]);
    }
  });

  // A second manifest: server, auth and version facts, constraints, a block list, a short field that needs more than
  // its type, a response that loses its type, a name taken by a hand rename, a new resource, and a gone type that a
  // hand-written section still names.
  const SHOP = `name: Shop
title: Shop API
version: "1"
description: >-
  A shop,
  described by hand.
package: shop-sdk
defaultServer: api
servers:
  api:
    url: https://v1.shop.example # old host
    option: shopUrl
    description: The shop.
auth:
  header: X-Key
  option: shopKey
errorBody: { type: Problem, messageField: reason }
types:
  Item:
    required:
      - item_id
    properties:
      item_id: string
      price: { type: number, description: Price in cents. }
      size: string
  Size:
    enum: [s, m]
  Problem:
    properties:
      reason: string
resources:
  items:
    operations:
      getItem:
        method: GET
        path: /items/{item_id}
        pathParams:
          item_id: string
        query:
          expand: boolean
        response: { status: 200, type: Item }
      deleteItem:
        method: DELETE
        path: "/items/{item_id}"
        pathParams:
          item_id: string
        response: { status: 200, type: Item } # answers the item it deleted
`;
  const SHOP_IMPORT: Manifest = {
    name: "Shop",
    title: "Shop",
    version: "2",
    description: "From the document.",
    package: "shop",
    defaultServer: "api",
    servers: { api: { url: "https://v2.shop.example", option: "baseUrl", description: "Production." } },
    auth: { header: "X-Shop-Key", option: "apiKey" },
    types: {
      Item: {
        description: "An item.",
        required: ["item_id", "size"],
        properties: { item_id: "string", price: { type: "number", minimum: 0, description: "Price." }, size: "Size" },
      },
      Order: { required: ["order_id"], properties: { order_id: "string" } },
      Size: { enum: ["s", "m", "l"] },
    },
    resources: {
      items: {
        operations: {
          deleteItem: { method: "DELETE", path: "/items/{item_id}", pathParams: { item_id: "string" }, response: { status: 204 } },
          getItem: { method: "GET", path: "/items", response: { status: 200, type: "list<Item>" } },
          getItemById: {
            method: "GET",
            path: "/items/{item_id}",
            pathParams: { item_id: "string" },
            query: { expand: { type: "boolean", description: "Expand links." }, limit: "integer" },
            response: { status: 200, type: "Item" },
          },
        },
      },
      orders: { description: "Orders.", operations: { listOrders: { method: "GET", path: "/orders", response: { status: 200, type: "list<Order>" } } } },
    },
  };

  it("takes wire facts from the document and fills in hand-owned keys only where the file has none", () => {
    const { text, changes } = merged(SHOP, SHOP_IMPORT, true);
    const expected = edited(
      SHOP,
      ['version: "1"\n', 'version: "2"\n'],
      ["    url: https://v1.shop.example # old host\n", "    url: https://v2.shop.example # old host\n"],
      ["  header: X-Key\n", "  header: X-Shop-Key\n"],
      ["    required:\n      - item_id\n", "    required:\n      - item_id\n      - size\n"],
      ["      price: { type: number, description: Price in cents. }\n", "      price: { type: number, description: Price in cents., minimum: 0 }\n"],
      ["      size: string\n  Size:\n    enum: [s, m]\n", "      size: Size\n    description: An item.\n  Size:\n    enum: [s, m, l]\n"],
      ["      reason: string\n", "      reason: string\n  Order:\n    required: [order_id]\n    properties:\n      order_id: string\n"],
      ["          expand: boolean\n", "          expand: { type: boolean, description: Expand links. }\n          limit: integer\n"],
      ["        response: { status: 200, type: Item } # answers", "        response: { status: 204 } # answers"],
    );
    const added = `      getItem2:
        method: GET
        path: /items
        response: { status: 200, type: list<Item> }
  orders:
    description: Orders.
    operations:
      listOrders:
        method: GET
        path: /orders
        response: { status: 200, type: list<Order> }
`;
    assert.equal(text, expected + added);
    assert.deepEqual(changes, [
      "version: 1 -> 2",
      "auth: header X-Key -> X-Shop-Key",
      "server api: url https://v1.shop.example -> https://v2.shop.example",
      "operation DELETE /items/{item_id} (items.deleteItem): response.status 200 -> 204",
      "operation DELETE /items/{item_id} (items.deleteItem): response.type Item removed",
      "operation GET /items: added as items.getItem2",
      "operation GET /items/{item_id} (items.getItem): query parameter expand: description added from the document",
      "operation GET /items/{item_id} (items.getItem): query parameter limit added",
      "operation GET /orders: added as orders.listOrders",
      "type Item: required [item_id] -> [item_id, size]",
      "type Item: description added from the document",
      "type Item: field price: minimum 0 added",
      "type Item: field size retyped string -> Size",
      "type Size: enum [s, m] -> [s, m, l]",
      "type Order: added",
      "type Problem: gone from the document, kept: still used",
    ]);
  });

  it("an operation whose path parameter the document renamed is the same operation, and takes the new name", () => {
    const renamed = structuredClone(SHOP_IMPORT);
    renamed.resources.items!.operations.deleteItem = { method: "DELETE", path: "/items/{id}", pathParams: { id: "string" }, response: { status: 204 } };
    const { text, changes } = merged(SHOP, renamed);
    const deleteItem = text.slice(text.indexOf("      deleteItem:"), text.indexOf("      getItem2:"));
    assert.equal(
      deleteItem,
      '      deleteItem:\n        method: DELETE\n        path: "/items/{id}"\n        pathParams:\n          id: string\n        response: { status: 204 } # answers the item it deleted\n',
    );
    const subject = "operation DELETE /items/{item_id} (items.deleteItem)";
    assert.deepEqual(
      changes.filter((change) => change.startsWith(subject)),
      [
        `${subject}: path /items/{item_id} -> /items/{id}`,
        `${subject}: path parameter item_id removed`,
        `${subject}: path parameter id added`,
        `${subject}: response.status 200 -> 204`,
        `${subject}: response.type Item removed`,
      ],
    );
  });

  it("a server the file renamed is found by its URL", () => {
    const renamed = { ...structuredClone(SHOP_IMPORT), defaultServer: "main", servers: { main: { url: "https://v1.shop.example", option: "baseUrl" } } };
    const { text, changes } = merged(SHOP, renamed, true);
    assert.ok(text.includes("servers:\n  api:\n    url: https://v1.shop.example # old host\n    option: shopUrl\n    description: The shop.\nauth:"));
    assert.deepEqual(changes.filter((change) => change.startsWith("server ")), []);
  });

  it("with prune, keeps an operation that a capability section still names", () => {
    const withoutIsAwake = structuredClone(PETSTORE_IMPORT);
    delete withoutIsAwake.resources.pets!.operations.isAwake;
    const { text, changes } = mergeImport(PETSTORE, withoutIsAwake, { prune: true, file: "manifest.yaml" });
    assert.ok(text.includes("      isAwake:\n        method: POST\n        path: /pets/{pet_id}/awake\n"));
    assert.ok(changes.map(formatChange).includes("operation POST /pets/{pet_id}/awake (pets.isAwake): gone from the document, kept: still used"));
    validateManifest(parseManifest(text, "manifest.yaml"));
  });

  it("re-importing the Schematic manifest's own wire facts leaves its text alone; one retyped field changes one line", () => {
    // The 9-operation manifest in one file, as it was before the whole API (manifest.yaml is now in parts).
    const text = readFileSync("test/fixtures/schematic-9-operations.yaml", "utf8");
    // What an importer would make of it: no capability sections, errors, descriptions, renames, examples or envelopes.
    const imported = parse(text) as Manifest & Record<string, unknown>;
    for (const key of ["flagChecks", "events", "errors", "description"]) delete imported[key];
    const plainFields = (fields: Record<string, string | ManifestField> | undefined) => {
      for (const [wire, field] of Object.entries(fields ?? {})) {
        if (typeof field === "string") continue;
        delete field.description;
        delete field.name;
        if (Object.keys(field).length === 1) fields![wire] = field.type;
      }
    };
    for (const type of Object.values(imported.types)) (delete type.description, plainFields(type.properties));
    for (const resource of Object.values(imported.resources)) {
      delete resource.description;
      for (const operation of Object.values(resource.operations)) {
        for (const key of ["description", "example", "errorBody"] as const) delete operation[key];
        delete operation.response.envelope;
        plainFields(operation.pathParams);
        plainFields(operation.query);
      }
    }
    for (const prune of [false, true]) assert.deepEqual(merged(text, imported, prune), { text, changes: [] });

    // A limit the document does not state (the events capability checks quantity's minimum) is kept; one it states wins.
    const track = imported.types.EventBodyTrack!.properties!;
    track.quantity = "integer";
    assert.deepEqual(merged(text, imported), { text, changes: [] });
    track.quantity = { type: "integer", minimum: 1 };
    assert.deepEqual(merged(text, imported).changes, ["type EventBodyTrack: field quantity: minimum 0 -> 1"]);
    track.quantity = { type: "integer", minimum: 0 };

    imported.types.CaptureEvent!.properties!.backfill = "string";
    const retyped = merged(text, imported);
    assert.equal(retyped.text, edited(text, ["      backfill: boolean\n", "      backfill: string\n"]));
    assert.deepEqual(retyped.changes, ["type CaptureEvent: field backfill retyped boolean -> string"]);
  });

  it("refuses a file that is not YAML, naming the place", () => {
    assert.throws(
      () => mergeImport("name: [unclosed\n", PETSTORE_IMPORT, { prune: false, file: "shop.yaml" }),
      (error: unknown) => error instanceof ManifestError && /^shop\.yaml:\d+:\d+: invalid YAML/.test(error.message),
    );
  });
});
