// The generator is not Schematic-specific: the client generated from the kitchen-sink fixture works end to end.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { InvalidArgumentError, ZooClient, ZooSyncClient, type Animal } from "./fixtures/kitchen-sink/expected/index.js";
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

describe("calendar dates (`date`)", () => {
  const savedTz = process.env.TZ;
  before(() => {
    // UTC+14: a date carried as a Date at local midnight would read as the day before in UTC.
    process.env.TZ = "Pacific/Kiritimati";
  });
  after(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it("sends and receives the exact YYYY-MM-DD text, whatever the process time zone", T, async () => {
    assert.equal(new Date(2024, 1, 29).toISOString().slice(0, 10), "2024-02-28", "the time zone is in effect: a Date would shift");
    rest.handle((request, res) => {
      const sent = JSON.parse(request.body);
      sendJson(res, 201, { data: { animal_id: "a2", species: sent.species, tags: [], birth_date: sent.birth_date } });
    });
    const animal = await zoo.animals.createAnimal({
      zoneId: "z1",
      species: "lion",
      birthDate: "2024-02-29",
      vaccinatedOn: { rabies: ["2025-01-31", "2025-12-31"] },
    });
    assert.deepStrictEqual(JSON.parse(rest.requests.at(-1)!.body), {
      species: "lion",
      birth_date: "2024-02-29",
      vaccinated_on: { rabies: ["2025-01-31", "2025-12-31"] },
    });
    assert.equal(animal.birthDate, "2024-02-29");
  });

  it("sends a date query parameter as written (checked first) and passes a received date through as the server sent it", T, async () => {
    const animal = (id: string, birthDate: string | null) => ({ animal_id: id, species: "zebra", tags: [], birth_date: birthDate });
    rest.handle((_, res) => sendJson(res, 200, { data: [animal("a1", "1999-12-31"), animal("a3", null)] }));
    const animals = await zoo.animals.listAnimals({ zoneId: "z1", bornOn: "1999-12-31", limit: 2 });
    assert.equal(rest.requests.at(-1)!.url, "/zones/z1/animals?born_on=1999-12-31&limit=2", "a date query parameter is sent as written");
    assert.deepStrictEqual(animals.map((a) => a.birthDate), ["1999-12-31", null]);
  });

  it("refuses a date that is not a real YYYY-MM-DD day before sending, naming the field", T, async () => {
    const sentBefore = rest.requests.length;
    const refusals: [unknown, RegExp][] = [
      [{ birthDate: "2025-02-30" }, /"birthDate" must be a calendar date written YYYY-MM-DD, got string "2025-02-30"/],
      [{ birthDate: "2025-1-5" }, /"birthDate" must be a calendar date/],
      [{ birthDate: "2023-02-29" }, /"birthDate" must be a calendar date/],
      [{ birthDate: "2025-01-31T00:00:00Z" }, /"birthDate" must be a calendar date/],
      [{ birthDate: new Date("2025-01-31") }, /"birthDate" must be a calendar date written YYYY-MM-DD, got a Date/],
      [{ vaccinatedOn: { rabies: ["2025-01-31", "2025-13-01"] } }, /"vaccinatedOn\.rabies\[1\]" must be a calendar date/],
    ];
    for (const [fields, message] of refusals) {
      const params = { zoneId: "z1", species: "lion", ...(fields as object) } as Parameters<ZooClient["animals"]["createAnimal"]>[0];
      await assert.rejects(
        zoo.animals.createAnimal(params),
        (error: unknown) => error instanceof InvalidArgumentError && message.test(error.message),
      );
    }
    for (const bornOn of ["2025-02-30", "31.12.1999"]) {
      await assert.rejects(
        zoo.animals.listAnimals({ zoneId: "z1", bornOn, limit: 2 }),
        (error: unknown) => error instanceof InvalidArgumentError && /query parameter "bornOn" must be a calendar date written YYYY-MM-DD/.test(error.message),
      );
    }
    assert.equal(rest.requests.length, sentBefore, "nothing was sent");
  });

  it("is refused the same way by the sync client", T, () => {
    const sentBefore = rest.requests.length;
    const sync = new ZooSyncClient({ apiKey: "zoo_key", baseUrl: rest.url, ingestBaseUrl: ingest.url });
    try {
      assert.throws(
        () => sync.animals.createAnimal({ zoneId: "z1", species: "lion", birthDate: "2025-02-30" }),
        (error: unknown) => error instanceof InvalidArgumentError && /"birthDate" must be a calendar date/.test(error.message),
      );
    } finally {
      sync.close();
    }
    assert.equal(rest.requests.length, sentBefore, "nothing was sent");
  });
});
