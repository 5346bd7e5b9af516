// RedisCache against a real redis-server started by this file (test/helpers/redis.ts) and a real flag service on
// 127.0.0.1: sharing between processes, expiry, outages, flushes, namespaces, bounds, damaged values, key safety and
// the two-level cache.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createClient } from "redis";
import { InvalidArgumentError, SchematicClient, SchematicSyncClient, type SchematicClientOptions } from "../generated/index.js";
import { RedisCache } from "../runtime/redis-cache.js";
import { sleep } from "../runtime/retry.js";
import { repoRoot } from "./helpers/cli.js";
import { redisSkipReason, startRedis, type TestRedis } from "./helpers/redis.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";
import { API_KEY } from "./helpers/wire.js";

const T = { timeout: 15_000 };
const skip = redisSkipReason();
type Redis = Awaited<ReturnType<typeof connect>>;

/** A connected node-redis client; its connection errors are expected in outage tests and only silenced here. */
async function connect(url: string) {
  const client = createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(50 * retries, 500) } });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

describe("RedisCache", { skip }, () => {
  let redis: TestRedis;
  let db: Redis;
  let service: TestServer;
  let namespaceCount = 0;
  const logs: string[] = [];
  const clients: Redis[] = [];

  /** A flag service: flags are on for the company "gold"; "slow" never answers. */
  before(async () => {
    redis = await startRedis();
    db = await connect(redis.url);
    service = await startServer((request, res) => {
      const flag = decodeURIComponent(request.path.split("/")[2]!);
      if (flag === "slow") return;
      const body = JSON.parse(request.body || "{}");
      sendJson(res, 200, { data: { flag, value: body.company?.id === "gold", reason: "Matched rule", flag_id: "flag_1" } });
    });
  });
  after(async () => {
    for (const client of [...clients, db]) if (client.isOpen) client.destroy();
    await service?.close();
    await redis?.stop();
  });

  /** A unique key prefix per test, so that tests never see each other's entries. */
  const namespace = () => `test-${process.pid}-${++namespaceCount}`;

  async function redisClient(url = redis.url): Promise<Redis> {
    const client = await connect(url);
    clients.push(client);
    return client;
  }

  function schematic(cache: SchematicClientOptions["cache"], options: Partial<SchematicClientOptions> = {}): SchematicClient {
    return new SchematicClient({
      apiKey: API_KEY,
      baseUrl: service.url,
      eventCaptureBaseUrl: service.url,
      flagCircuitFailures: 0,
      logger: { warn: (line) => logs.push(line), error: (line) => logs.push(line) },
      cache,
      ...options,
    } as SchematicClientOptions);
  }

  /** Keys under a prefix: entries, and the sorted set that indexes them. */
  async function keysOf(prefix: string): Promise<{ entries: string[]; index: string[] }> {
    const all = await db.keys(`${prefix}:*`);
    const index = all.filter((key) => key.split(":").length === 3);
    return { entries: all.filter((key) => !index.includes(key)).sort(), index };
  }

  it("shares an answer between two processes: the second one's check sends no request", { timeout: 60_000 }, async () => {
    const prefix = namespace();
    const child = `
      import { createClient } from "redis";
      import { SchematicClient } from "${repoRoot}/generated/index.ts";
      import { RedisCache } from "${repoRoot}/runtime/redis-cache.ts";
      const redis = createClient({ url: ${JSON.stringify(redis.url)} });
      await redis.connect();
      const client = new SchematicClient({ apiKey: ${JSON.stringify(API_KEY)}, baseUrl: ${JSON.stringify(service.url)}, cache: new RedisCache({ client: redis, namespace: ${JSON.stringify(prefix)} }) });
      const result = await client.checkFlagWithEntitlement("shared", { company: { id: "gold" } });
      await redis.close(); // waits for the cache write the check started
      console.log(JSON.stringify(result));`;
    const run = async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", child], { cwd: repoRoot, timeout: 30_000 });
      return JSON.parse(stdout) as { value: boolean; fallback?: string };
    };
    const before = service.requests.length;
    const first = await run();
    assert.equal(service.requests.length, before + 1);
    const second = await run();
    assert.equal(service.requests.length, before + 1, "the second process answered from Redis");
    assert.deepEqual(second, first);
    assert.equal(second.value, true);
  });

  it("keeps an answer for the cache's maxAgeMs (Redis expires it), then asks the service again", T, async () => {
    const store = new RedisCache({ client: await redisClient(), namespace: namespace() });
    const check = () => schematic({ maxSize: 0, maxAgeMs: 400, store }).checkFlag("ttl", { company: { id: "gold" } });
    const before = service.requests.length;
    assert.equal(await check(), true);
    assert.equal(await check(), true);
    assert.equal(service.requests.length, before + 1);
    await sleep(800);
    assert.equal(await check(), true);
    assert.equal(service.requests.length, before + 2, "the entry expired");
  });

  it("answers from the service when Redis stops mid-run, with one aggregated log line and no throw", T, async () => {
    const own = await startRedis();
    try {
      const connection = await redisClient(own.url);
      const client = schematic({ maxSize: 0, store: new RedisCache({ client: connection, namespace: namespace() }) });
      assert.equal(await client.checkFlag("outage", { company: { id: "gold" } }), true);
      await own.stop();
      for (let waited = 0; connection.isReady && waited < 5_000; waited += 20) await sleep(20);
      logs.length = 0;
      const before = service.requests.length;
      for (let i = 0; i < 10; i++) {
        const result = await client.checkFlagWithEntitlement("outage", { company: { id: i % 2 === 0 ? "gold" : "tin" } });
        assert.equal(result.value, i % 2 === 0);
        assert.equal(result.fallback, undefined);
      }
      assert.equal(service.requests.length, before + 10);
      assert.deepEqual(logs, ["flag cache: the Redis client is not connected; checks ask the service until it reconnects"]);
    } finally {
      await own.stop();
    }
  });

  it("after a FLUSHALL, the next check asks the service and fills Redis again", T, async () => {
    const prefix = namespace();
    const store = new RedisCache({ client: await redisClient(), namespace: prefix });
    const check = () => schematic({ maxSize: 0, store }).checkFlag("flushed");
    const before = service.requests.length;
    await check();
    await check();
    assert.equal(service.requests.length, before + 1);
    await db.flushAll();
    assert.deepEqual((await keysOf(prefix)).entries, []);
    await check();
    assert.equal(service.requests.length, before + 2);
    await store.get("barrier"); // same connection: the write the check started has landed
    assert.equal((await keysOf(prefix)).entries.length, 1);
    await check();
    assert.equal(service.requests.length, before + 2);
  });

  it("keeps clients of two API keys apart, even through one RedisCache", T, async () => {
    const prefix = namespace();
    const store = new RedisCache({ client: await redisClient(), namespace: prefix });
    const before = service.requests.length;
    await schematic({ maxSize: 0, store }).checkFlag("tenant");
    await schematic({ maxSize: 0, store }, { apiKey: `${API_KEY}-other` }).checkFlag("tenant");
    assert.equal(service.requests.length, before + 2);
    assert.equal(service.requests.at(-1)!.headers["x-schematic-api-key"], `${API_KEY}-other`);
    await store.get("barrier");
    const { entries, index } = await keysOf(prefix);
    assert.equal(entries.length, 2);
    assert.equal(index.length, 2);
    assert.equal(new Set(entries.map((key) => key.split(":")[2])).size, 2, entries.join(", "));
    for (const key of entries) assert.match(key, new RegExp(`^${prefix}:v1:[0-9a-f]{16}:6:tenant$`));
  });

  it("holds at most maxSize entries per API key: the oldest writes go", T, async () => {
    const prefix = namespace();
    const store = new RedisCache({ client: await redisClient(), namespace: prefix, maxSize: 5 });
    const client = schematic({ maxSize: 0, store });
    for (let i = 0; i < 12; i++) await client.checkFlag(`bounded-${i}`);
    await store.get("barrier");
    const { entries, index } = await keysOf(prefix);
    assert.deepEqual(entries.map((key) => key.split(":").at(-1)).sort(), ["bounded-10", "bounded-11", "bounded-7", "bounded-8", "bounded-9"]);
    assert.equal(await db.zCard(index[0]!), 5);
  });

  it("treats a value that is not a JSON object as a miss, deletes it and stores the service's answer", T, async () => {
    const prefix = namespace();
    const store = new RedisCache({ client: await redisClient(), namespace: prefix });
    const check = () => schematic({ maxSize: 0, store }).checkFlagWithEntitlement("damaged", { company: { id: "gold" } });
    await check();
    await store.get("barrier");
    const [key] = (await keysOf(prefix)).entries;
    await db.set(key!, "{not json");
    logs.length = 0;
    const before = service.requests.length;
    const result = await check();
    assert.equal(result.value, true);
    assert.equal(result.fallback, undefined);
    assert.equal(service.requests.length, before + 1);
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /not a JSON object/);
    await store.get("barrier");
    assert.equal(JSON.parse((await db.get(key!))!).value, true, "stored again");
  });

  it("never puts the API key in Redis keys or values, nor in its log lines", T, async () => {
    const prefix = namespace();
    const connection = await redisClient();
    const store = new RedisCache({ client: connection, namespace: prefix });
    logs.length = 0;
    await schematic({ maxSize: 0, store }).checkFlag("secret-safe", { company: { id: "gold" } });
    await store.get("barrier");
    const keys = await db.keys("*");
    assert.ok(keys.length > 0);
    for (const key of keys) {
      const value = (await db.type(key)) === "zset" ? (await db.zRange(key, 0, -1)).join(" ") : String(await db.get(key));
      assert.ok(!key.includes(API_KEY) && !value.includes(API_KEY), `${key} = ${value}`);
    }
    const own = await startRedis();
    const lost = await redisClient(own.url);
    await own.stop();
    for (let waited = 0; lost.isReady && waited < 5_000; waited += 20) await sleep(20);
    await schematic({ maxSize: 0, store: new RedisCache({ client: lost, namespace: prefix }) }).checkFlag("secret-safe-2");
    assert.ok(logs.length > 0);
    assert.ok(logs.every((line) => !line.includes(API_KEY)), logs.join("\n"));
  });

  it("in two levels, a memory hit sends nothing to Redis; a Redis hit fills memory", T, async () => {
    const connection = await redisClient();
    let gets = 0;
    const counted = { get: (key: string) => (gets++, connection.get(key)), del: connection.del.bind(connection), eval: connection.eval.bind(connection) };
    const store = new RedisCache({ client: counted, namespace: namespace() });
    const requests = service.requests.length;
    const first = schematic({ maxSize: 100, maxAgeMs: 5_000, store });
    assert.equal(await first.checkFlag("levels", { company: { id: "gold" } }), true);
    assert.deepEqual([gets, service.requests.length - requests], [1, 1]);
    for (let i = 0; i < 5; i++) assert.equal(await first.checkFlag("levels", { company: { id: "gold" } }), true);
    assert.deepEqual([gets, service.requests.length - requests], [1, 1], "memory hits");
    await store.get("barrier");
    gets = 0;
    const second = schematic({ maxSize: 100, maxAgeMs: 5_000, store });
    for (let i = 0; i < 5; i++) assert.equal(await second.checkFlag("levels", { company: { id: "gold" } }), true);
    assert.deepEqual([gets, service.requests.length - requests], [1, 1], "one Redis hit, then memory hits");
  });

  it("answers from the service when Redis accepts but never answers, within the store's readTimeoutMs", T, async () => {
    const own = await startRedis();
    try {
      const store = new RedisCache({ client: await redisClient(own.url), namespace: namespace(), readTimeoutMs: 200 });
      own.pause();
      logs.length = 0;
      const started = performance.now();
      const result = await schematic({ maxSize: 0, store }).checkFlagWithEntitlement("hung", { company: { id: "gold" } });
      assert.equal(result.value, true);
      assert.equal(result.fallback, undefined);
      assert.ok(performance.now() - started < 1_500, `${performance.now() - started} ms`);
      assert.match(logs.join("\n"), /did not answer a read within 200 ms/);
    } finally {
      await own.stop();
    }
  });

  it("answers from the service after the check's budget when Redis never answers and readTimeoutMs is longer", T, async () => {
    const own = await startRedis();
    try {
      const store = new RedisCache({ client: await redisClient(own.url), namespace: namespace(), readTimeoutMs: 60_000 });
      own.pause();
      logs.length = 0;
      const started = performance.now();
      const result = await schematic({ maxSize: 0, store }, { flagCheckTimeoutMs: 800 }).checkFlagWithEntitlement("budget", { company: { id: "gold" } });
      const tookMs = performance.now() - started;
      assert.equal(result.value, true);
      assert.equal(result.fallback, undefined);
      // The checker cuts the read at the budget (800 ms), then the request has a budget of its own.
      assert.ok(tookMs >= 700 && tookMs < 3_000, `${tookMs} ms`);
      assert.match(logs.join("\n"), /flag cache read did not answer within 800 ms/);
    } finally {
      await own.stop();
    }
  });

  it("is refused by the sync client, whose checks answer in the calling thread, with InvalidArgumentError", T, async () => {
    const store = new RedisCache({ client: await redisClient(), namespace: namespace() });
    for (const cache of [store, { maxSize: 10, store }]) {
      assert.throws(() => new SchematicSyncClient({ apiKey: API_KEY, baseUrl: service.url, cache }), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.match(error.message, /answers asynchronously.*sync client/);
        return true;
      });
    }
  });

  it("refuses a client that is not a node-redis client, bad sizes, and a cache.store that is no store, with InvalidArgumentError", T, () => {
    assert.throws(() => new RedisCache({ client: {} as never }), /node-redis client/);
    assert.throws(() => new RedisCache({ client: db, maxSize: 0 }), InvalidArgumentError);
    assert.throws(() => new RedisCache({ client: db, readTimeoutMs: -1 }), InvalidArgumentError);
    assert.throws(() => new RedisCache({ client: db, namespace: "" }), InvalidArgumentError);
    assert.throws(() => schematic({ store: { get: () => undefined } as never }), /CacheProvider with get, set and delete/);
  });
});
