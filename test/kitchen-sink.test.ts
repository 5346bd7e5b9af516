// The generator is not Schematic-specific: the client generated from the kitchen-sink fixture works end to end.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ZooClient, type Animal } from "./fixtures/kitchen-sink/expected/index.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const T = { timeout: 15_000 };
let rest: TestServer;
let ingest: TestServer;
let zoo: ZooClient;

before(async () => {
  rest = await startServer();
  ingest = await startServer((_, res) => {
    res.writeHead(202);
    res.end();
  });
  zoo = new ZooClient({ apiKey: "zoo_key", baseUrl: rest.url, ingestBaseUrl: ingest.url, retryBaseDelayMs: 5 });
});
after(async () => {
  await zoo.close();
  await rest.close();
  await ingest.close();
});

describe("a client generated from another manifest", () => {
  it("encodes comma-separated query arrays, its own auth header and default headers; decodes renamed fields", T, async () => {
    rest.handle((_, res) =>
      sendJson(res, 200, {
        data: [{ animal_id: "a1", species: "zebra", tags: ["striped"], class: "mammal", keeper: null, measurements: { height_cm: 140 }, born_at: "2020-05-01T00:00:00.000Z" }],
      }),
    );
    const animals = await zoo.animals.listAnimals({ zoneId: "zone 1", species: ["zebra", "lion"], bornAfter: new Date("2020-01-01T00:00:00.000Z"), limit: 5 });
    const request = rest.requests.at(-1)!;
    assert.equal(request.url, "/zones/zone%201/animals?born_after=2020-01-01T00%3A00%3A00.000Z&limit=5&species=zebra%2Clion");
    assert.equal(request.headers["x-zoo-key"], "zoo_key");
    assert.equal(request.headers["x-zoo-client"], "sdk", "the manifest's default headers");
    const expected: Animal[] = [
      { animalId: "a1", species: "zebra", tags: ["striped"], animalClass: "mammal", keeper: null, measurements: { height_cm: 140 }, bornAt: new Date("2020-05-01T00:00:00.000Z") },
    ];
    assert.deepStrictEqual(animals, expected);
  });

  it("checks its own flag-like operation, cached, with its own result fields", T, async () => {
    rest.requests.length = 0;
    rest.handle((request, res) => sendJson(res, 200, { awake: JSON.parse(request.body).zone?.area === "savanna", animal_id: "a1", why: "sunny" }));
    assert.equal(await zoo.checkFlag("a1", { zone: { area: "savanna" } }), true);
    assert.equal(await zoo.checkFlag("a1", { zone: { area: "savanna" } }), true);
    assert.equal(rest.requests.length, 1);
    assert.equal(rest.requests[0]!.path, "/animals/a1/awake");
    rest.handle((_, res) => sendJson(res, 500, { error: "down" }));
    const answer = await zoo.checkFlagWithEntitlement("night-feeding", { keeper: { id: "k1" } }, { maxRetries: 0 });
    assert.deepStrictEqual(
      { awake: answer.awake, fallback: answer.fallback, animalId: answer.animalId },
      { awake: false, fallback: "server_error", animalId: "night-feeding" },
    );
  });

  it("sends its events to its own ingest server with its own field names", T, async () => {
    zoo.spot({ animalId: "a1", zone: { area: "savanna" }, count: 2 }, { idempotencyKey: "report-1", sentAt: new Date("2025-01-01T00:00:00.000Z") });
    assert.throws(() => zoo.spot({ animalId: "a1", zone: {}, count: 0 }), /"count" must be 1 or more/);
    await zoo.flush();
    const request = ingest.requests.at(-1)!;
    assert.equal(request.path, "/sightings");
    assert.deepStrictEqual(JSON.parse(request.body), {
      sightings: [{ reporter_key: "zoo_key", kind: "spotted", details: { animal_id: "a1", zone: { area: "savanna" }, count: 2 }, report_id: "report-1", seen_at: "2025-01-01T00:00:00.000Z" }],
    });
    assert.equal(zoo.eventStats().delivered, 1);
  });

  it("calls an operation without arguments or result", T, async () => {
    rest.handle((_, res) => {
      res.writeHead(204);
      res.end();
    });
    assert.equal(await zoo.health.ping(), undefined);
    assert.equal(rest.requests.at(-1)!.path, "/ping");
  });
});
