import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import {
  InvalidArgumentError,
  OfflineError,
  type CacheProvider,
  type FlagCheckContext,
  type FlagCheckResult,
  type SchematicClientOptions,
} from "../generated/index.js";
import { sleep } from "../runtime/retry.js";
import { CLIENT_KINDS, type ClientKind } from "./helpers/clients.js";
import { sendJson, startServer, type RecordedRequest, type TestServer } from "./helpers/server.js";
import { API_KEY } from "./helpers/wire.js";

const T = { timeout: 15_000 };
/** Why a test of the async client is checked for the sync client in test/sync.test.ts instead. */
const IN_SYNC_TESTS = "checked for the sync client in test/sync.test.ts, where its thread can hold functions and frozen objects";

for (const kind of CLIENT_KINDS) describe(`${kind.name} client`, () => suite(kind));

function suite(kind: ClientKind) {
  let server: TestServer;
  const warnings: string[] = [];

  /** A flag is on when the company's plan is "gold"; "missing-flag" is unknown (404). */
  function flagService(request: RecordedRequest, res: Parameters<typeof sendJson>[0]) {
    const flag = decodeURIComponent(request.path.split("/")[2]!);
    if (flag === "missing-flag") return sendJson(res, 404, { error: "flag not found" });
    const body = JSON.parse(request.body || "{}");
    sendJson(res, 200, {
      data: {
        flag,
        value: body.company?.plan === "gold",
        reason: "Matched rule",
        flag_id: "flag_1",
        rule_id: "rule_1",
        rule_type: "standard",
        company_id: body.company ? "co_1" : null,
        entitlement: { feature_id: "feat_1", feature_key: flag, value_type: "boolean" },
      },
    });
  }

  function client(options: Partial<SchematicClientOptions> = {}) {
    return kind.create({
      apiKey: API_KEY,
      baseUrl: server.url,
      eventCaptureBaseUrl: server.url,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 10,
      logger: { warn: (line) => warnings.push(line) },
      ...options,
    } as SchematicClientOptions);
  }

  before(async () => {
    server = await startServer(flagService);
  });
  afterEach(() => kind.dispose());
  after(async () => {
    await server.close();
    assert.ok(!warnings.some((line) => line.includes(API_KEY)), "no warning contains the API key");
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.handle(flagService);
  });

  const gold = { company: { id: "co_1", plan: "gold" } };

  describe("checkFlag", () => {
    it("returns the service's answer, sending the context as given", T, async () => {
      assert.equal(await (await client()).checkFlag("new-dashboard", { ...gold, user: { user_id: "u_1" } }), true);
      const [request] = server.requests;
      assert.equal(request!.method, "POST");
      assert.equal(request!.path, "/flags/new-dashboard/check");
      assert.deepStrictEqual(JSON.parse(request!.body), { company: { id: "co_1", plan: "gold" }, user: { user_id: "u_1" } });
    });

    it("with no context at all checks the flag for nobody", T, async () => {
      assert.equal(await (await client()).checkFlag("new-dashboard"), false);
      assert.deepStrictEqual(JSON.parse(server.requests[0]!.body), {});
    });

    it("checkFlagWithEntitlement returns the whole typed answer", T, async () => {
      const result: FlagCheckResult = await (await client()).checkFlagWithEntitlement("new-dashboard", gold);
      const expected: FlagCheckResult = {
        flag: "new-dashboard",
        value: true,
        reason: "Matched rule",
        flagId: "flag_1",
        ruleId: "rule_1",
        ruleType: "standard",
        companyId: "co_1",
        entitlement: { featureId: "feat_1", featureKey: "new-dashboard", valueType: "boolean" },
      };
      assert.deepStrictEqual(result, expected);
      assert.equal(result.fallback, undefined);
    });
  });

  describe("cache", () => {
    it("answers a repeated check from the cache until its max age, then asks again", T, async () => {
      // Ages generous enough that a busy machine cannot expire the entry between the first two checks.
      const cached = await client({ cache: { maxAgeMs: 1_000 } });
      assert.equal(await cached.checkFlag("f", gold), true);
      assert.equal(await cached.checkFlag("f", gold), true);
      assert.equal(server.requests.length, 1);
      await sleep(1_100);
      assert.equal(await cached.checkFlag("f", gold), true);
      assert.equal(server.requests.length, 2);
    });

    it("finds the same entry whatever the order of the context's keys, and never mixes different contexts", T, async () => {
      const cached = await client();
      await cached.checkFlag("f", { company: { id: "co_1", plan: "gold" } });
      await cached.checkFlag("f", { company: { plan: "gold", id: "co_1" } });
      assert.equal(server.requests.length, 1);
      const distinct: FlagCheckContext[] = [
        { user: { id: "co_1", plan: "gold" } },
        { company: { id: "co_1" }, user: { plan: "gold" } },
        { company: { id: "co_1plan", "": "gold" } },
        { company: { "id|1": "plan", gold: "" } },
        { company: {} },
        {},
      ];
      for (const context of distinct) await cached.checkFlag("f", context);
      await cached.checkFlag("g", { company: { id: "co_1", plan: "gold" } });
      assert.equal(server.requests.length, 1 + distinct.length + 1, "every different check was a miss");
    });

    it("evicts the least recently used check at capacity", T, async () => {
      const small = await client({ cache: { maxSize: 2 } });
      await small.checkFlag("a");
      await small.checkFlag("b");
      await small.checkFlag("a"); // hit: a is now more recent than b
      await small.checkFlag("c"); // evicts b
      assert.equal(server.requests.length, 3);
      await small.checkFlag("a");
      await small.checkFlag("c");
      assert.equal(server.requests.length, 3, "a and c are still cached");
      await small.checkFlag("b");
      assert.equal(server.requests.length, 4, "b was evicted");
    });

    it("cache: false and maxSize 0 send every check to the service", T, async () => {
      for (const cache of [false, { maxSize: 0 }] as const) {
        server.requests.length = 0;
        const uncached = await client({ cache });
        for (let i = 0; i < 3; i++) assert.equal(await uncached.checkFlag("f", gold), true);
        assert.equal(server.requests.length, 3);
      }
    });

    it(
      "coalesces simultaneous identical checks into one request",
      { ...T, skip: kind.sync && "a sync client makes one check at a time" },
      async () => {
        server.handle(async (request, res) => {
          await sleep(100);
          flagService(request, res);
        });
        const answers = await Promise.all(Array.from({ length: 50 }, async () => (await client({ cache: false })).checkFlag("f", gold)));
        assert.equal(server.requests.length, 50, "separate clients do not share");
        server.requests.length = 0;
        const shared = await client({ cache: false });
        const coalesced = await Promise.all(Array.from({ length: 50 }, () => shared.checkFlag("f", gold)));
        assert.deepStrictEqual(coalesced, answers);
        assert.equal(server.requests.length, 1);
      },
    );

    it("uses a CacheProvider of your own, and survives one that fails", { ...T, skip: kind.sync && IN_SYNC_TESTS }, async () => {
      const store = new Map<string, unknown>();
      const calls: string[] = [];
      const provider: CacheProvider<FlagCheckResult> = {
        get: async (key) => (calls.push("get"), store.get(key) as FlagCheckResult | undefined),
        set: async (key, value, maxAgeMs) => void (calls.push(`set ${maxAgeMs}`), store.set(key, value)),
        delete: async (key) => void store.delete(key),
      };
      const custom = await client({ cache: provider });
      assert.equal(await custom.checkFlag("f", gold), true);
      assert.equal(await custom.checkFlag("f", gold), true);
      assert.equal(server.requests.length, 1);
      assert.deepStrictEqual(calls, ["get", "set 5000", "get"]);

      const broken: CacheProvider<FlagCheckResult> = {
        get: () => Promise.reject(new Error("store down")),
        set: () => {
          throw new Error("store full");
        },
        delete: () => undefined,
      };
      assert.equal(await (await client({ cache: broken })).checkFlag("f", gold), true);
      assert.ok(warnings.some((line) => line === "flag cache read failed: store down"));
      assert.ok(warnings.some((line) => line === "flag cache write failed: store full"));
    });

    it("cached answers are frozen, so one caller cannot change another's", { ...T, skip: kind.sync && IN_SYNC_TESTS }, async () => {
      const cached = await client();
      const first = await cached.checkFlagWithEntitlement("f", gold);
      assert.throws(() => ((first as { value: boolean }).value = false), TypeError);
      assert.equal(await cached.checkFlag("f", gold), true);
    });

    it("bad cache options fail at construction", T, async () => {
      await assert.rejects(client({ cache: { maxSize: -1 } }), /cache.maxSize must be a whole number/);
      await assert.rejects(client({ cache: { maxAgeMs: 0 } }), /cache.maxAgeMs must be a positive number/);
      // A store holds functions, which cannot reach the sync client's thread from here: test/sync.test.ts checks it there.
      if (kind.sync) return;
      await assert.rejects(
        client({ cache: { get: () => undefined } as unknown as CacheProvider<FlagCheckResult> }),
        /CacheProvider with get, set and delete/,
      );
    });
  });

  describe("defaults when the service cannot answer", () => {
    it("a server that is down: the flag default, with the reason, and a warning", T, async () => {
      const closed = await startServer();
      const url = closed.url;
      await closed.close();
      const down = await client({ baseUrl: url, flagDefaults: { "new-dashboard": true } });
      const result = await down.checkFlagWithEntitlement("new-dashboard", gold);
      assert.equal(result.value, true);
      assert.equal(result.fallback, "connection");
      assert.equal(result.reason, "Answered with the flag default because the service could not be reached");
      assert.match(result.error!, /ECONNREFUSED/);
      assert.ok(
        warnings.some((line) =>
          line.startsWith('flag "new-dashboard": answered with the flag default (true) because the service could not be reached'),
        ),
      );
      assert.equal(await down.checkFlag("other-flag"), false, "no default: false");
    });

    it("503 after retries, 429 after retries, a timeout, an unknown flag", T, async () => {
      const cases: [string, (res: Parameters<typeof sendJson>[0]) => void, string, number][] = [
        ["server_error", (res) => sendJson(res, 503, { error: "down" }), "f", 3],
        ["rate_limited", (res) => sendJson(res, 429, { error: "slow down" }), "f", 3],
        ["timeout", () => {}, "f", 1],
        ["unknown_flag", (res) => sendJson(res, 404, { error: "flag not found" }), "missing-flag", 1],
      ];
      for (const [cause, answer, flag, attempts] of cases) {
        server.requests.length = 0;
        server.handle((_, res) => answer(res));
        const failing = await client({ timeoutMs: 200, flagDefaults: { [flag]: true } });
        const result = await failing.checkFlagWithEntitlement(flag, gold);
        assert.equal(result.fallback, cause);
        assert.equal(result.value, true, `${cause}: the flag default`);
        assert.equal(server.requests.length, attempts, `${cause}: attempts`);
        assert.equal(await failing.checkFlag(flag, gold, { defaultValue: false }), false, `${cause}: the call's default wins`);
      }
    });

    it("setFlagDefault and setFlagDefaults change defaults at run time; defaultValue may be a function", T, async () => {
      server.handle((_, res) => sendJson(res, 500, { error: "boom" }));
      const failing = await client({ maxRetries: 0, flagDefaults: { a: true, b: true } });
      assert.deepStrictEqual([await failing.checkFlag("a"), await failing.checkFlag("b"), await failing.checkFlag("c")], [true, true, false]);
      failing.setFlagDefaults({ b: false, c: true });
      failing.setFlagDefault("a", false);
      assert.deepStrictEqual([await failing.checkFlag("a"), await failing.checkFlag("b"), await failing.checkFlag("c")], [false, false, true]);
      await assert.rejects(async () => failing.setFlagDefault("a", "yes" as unknown as boolean), InvalidArgumentError);
      await assert.rejects(async () => failing.setFlagDefaults(null as unknown as Record<string, boolean>), InvalidArgumentError);
      // A function cannot reach the sync client's thread from here: test/sync.test.ts checks it there.
      if (kind.sync) return;
      let asked = 0;
      assert.equal(await failing.checkFlag("a", {}, { defaultValue: () => (asked++, true) }), true);
      assert.equal(asked, 1);
    });

    it("defaults are not cached: the next check asks the service again", T, async () => {
      const flaky = await client({ maxRetries: 0 });
      server.handle((_, res) => sendJson(res, 503, { error: "down" }));
      assert.equal((await flaky.checkFlagWithEntitlement("f", gold)).fallback, "server_error");
      server.handle(flagService);
      assert.equal((await flaky.checkFlagWithEntitlement("f", gold)).fallback, undefined);
    });
  });

  describe("offline mode", () => {
    it("makes no connection at all, needs no API key, answers from defaults and refuses resource calls", T, async () => {
      const counting = await startServer();
      try {
        const offline = await kind.create({
          offline: true,
          baseUrl: counting.url,
          eventCaptureBaseUrl: counting.url,
          flagDefaults: { "new-dashboard": true },
        });
        const result = await offline.checkFlagWithEntitlement("new-dashboard", gold);
        assert.equal(result.value, true);
        assert.equal(result.fallback, "offline");
        assert.equal(result.error, undefined);
        assert.equal(await offline.checkFlag("unknown"), false);
        await assert.rejects(offline.companies.upsertCompany({ keys: { id: "co_1" } }), OfflineError);
        await assert.rejects(offline.capture.sendBatch({ events: [] }), /the client is offline/);
        await kind.create({ offline: true, apiKey: "anything" });
        await sleep(50);
        assert.equal(counting.connections, 0);
        assert.equal(counting.requests.length, 0);
      } finally {
        await counting.close();
      }
    });

    it("without offline, a missing API key is an error at construction", T, async () => {
      await assert.rejects(kind.create({ apiKey: "" }), /apiKey is required: .*or set offline: true/);
      await assert.rejects(kind.create({ offline: false } as unknown as SchematicClientOptions), /apiKey is required/);
    });
  });

  describe("bad input", () => {
    it("is rejected before any request, with a clear error", T, async () => {
      const checks = [
        async () => (await client()).checkFlag(42 as unknown as string),
        async () => (await client()).checkFlag(""),
        async () => (await client()).checkFlag("f", "co_1" as never),
        async () => (await client()).checkFlag("f", { company: ["co_1"] } as never),
        async () => (await client()).checkFlag("f", { company: { id: 5 } } as never),
        async () => (await client()).checkFlagWithEntitlement("f", { user: { id: null } } as never),
      ];
      const messages = [];
      for (const check of checks) {
        const error = await check().then(
          () => assert.fail("expected a rejection"),
          (e: unknown) => e,
        );
        assert.ok(error instanceof InvalidArgumentError, String(error));
        messages.push((error as Error).message);
      }
      assert.deepStrictEqual(messages, [
        "flag key must be a non-empty string, got number 42",
        'flag key must be a non-empty string, got string ""',
        'flag context must be an object such as { company: { id: "..." } }, got string "co_1"',
        'flag context "company" must be an object of strings, got an array',
        'flag context "company.id" must be a string, got number 5',
        'flag context "user.id" must be a string, got null',
      ]);
      assert.equal(server.requests.length, 0);
    });

    it("a __proto__ key in a context is sent as data and touches no prototype", T, async () => {
      const company = JSON.parse('{"__proto__": "admin", "plan": "gold"}');
      assert.equal(await (await client()).checkFlag("f", { company }), true);
      assert.deepStrictEqual(JSON.parse(server.requests[0]!.body), { company: JSON.parse('{"__proto__": "admin", "plan": "gold"}') });
      assert.ok(server.requests[0]!.body.includes('"__proto__":"admin"'));
      assert.equal(Object.getPrototypeOf({}), Object.prototype);
    });
  });
}
