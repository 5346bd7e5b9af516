import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import {
  InvalidArgumentError,
  SchematicSyncClient,
  type CacheProvider,
  type FlagCheckContext,
  type FlagCheckResult,
  type SchematicClient,
  type SchematicClientOptions,
} from "../generated/index.js";
import { CircuitBreaker } from "../runtime/circuit-breaker.js";
import { sleep } from "../runtime/retry.js";
import { CLIENT_KINDS, type ClientKind, type LogLine } from "./helpers/clients.js";
import { sendJson, startServer, type RecordedRequest, type TestServer } from "./helpers/server.js";
import { API_KEY } from "./helpers/wire.js";

// Flag checks when the service fails: the circuit breaker, the bound of a check, malformed answers, aggregated log
// lines; and the input a check refuses. Written once, run for both clients.

const T = { timeout: 20_000 };

/** Lines the flag checker writes (the transport's retry lines start with the request instead). */
const flagLines = (lines: LogLine[]) => lines.filter(({ line }) => line.startsWith("flag "));

/** A context of its own for check `i`, so that neither the cache nor coalescing can answer it. */
const company = (i: number): FlagCheckContext => ({ company: { id: `co_${i}` } });

/** On for company "gold", off for any other. */
function answerByCompany(request: RecordedRequest, res: ServerResponse) {
  const body = JSON.parse(request.body || "{}");
  sendJson(res, 200, { data: { flag: request.path.split("/")[2], value: body.company?.id === "gold", reason: "rule" } });
}

/** Takes the request and never answers (the server closes the socket when the test is over). */
const neverAnswer = () => undefined;

async function closedPortUrl(): Promise<string> {
  const closed = await startServer();
  await closed.close();
  return closed.url;
}

/** `promise`, or a rejection if it has not settled after `ms`: a hang fails the test quickly, with a reason. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

for (const kind of CLIENT_KINDS) describe(`${kind.name} client`, () => suite(kind));

function suite(kind: ClientKind) {
  let server: TestServer;
  let lines: LogLine[] = [];

  function client(options: Partial<SchematicClientOptions> = {}): Promise<SchematicClient> {
    return kind.create({
      apiKey: API_KEY,
      baseUrl: server.url,
      eventCaptureBaseUrl: server.url,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 10,
      logger: { warn: (line) => lines.push({ level: "warn", line }), info: (line) => lines.push({ level: "info", line }) },
      ...options,
    } as SchematicClientOptions);
  }

  before(async () => {
    server = await startServer(answerByCompany);
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.handle(answerByCompany);
    lines = [];
  });
  afterEach(() => kind.dispose());
  after(() => server.close());

  describe("circuit breaker", () => {
    it("server down (closed port): after the failures in a row, misses answer their default at once, and the log has three lines", T, async () => {
      const down = await client({ baseUrl: await closedPortUrl(), maxRetries: 0, flagCircuitFailures: 3, flagCircuitCooldownMs: 60_000 });
      for (let i = 0; i < 3; i++) assert.equal((await down.checkFlagWithEntitlement("f", company(i))).fallback, "connection");
      const { value: open, ms } = await timed(async () => {
        const results: FlagCheckResult[] = [];
        for (let i = 3; i < 103; i++) results.push(await down.checkFlagWithEntitlement("f", company(i), { defaultValue: true }));
        return results;
      });
      assert.ok(open.every((result) => result.fallback === "circuit_open" && result.value === true && result.error === undefined));
      assert.match(open[0]!.reason!, /circuit open/);
      assert.ok(ms < 3_000, `100 checks with the circuit open took ${ms} ms`);
      const flag = flagLines(lines);
      assert.equal(flag.length, 3, flag.map(({ line }) => line).join("\n"));
      assert.match(flag[0]!.line, /^flag "f": answered with false \(false\) because the service could not be reached: .*ECONNREFUSED/);
      assert.match(flag[1]!.line, /^flag checks: 3 checks in a row could not reach the service: .*; for 60000 ms checks that miss the cache answer their default at once/);
      assert.match(flag[2]!.line, /^flag "f": answered with the call's default \(true\) because .*\(circuit open\)$/);
    });

    it("server accepting but never answering: defaults at once once open, one probe after the cool-down, and recovery closes it", T, async () => {
      server.handle(neverAnswer);
      const coolDownMs = 1_000;
      const hanging = await client({ flagCheckTimeoutMs: 400, flagCircuitFailures: 2, flagCircuitCooldownMs: coolDownMs });
      const [first, second] = await Promise.all([hanging.checkFlagWithEntitlement("f", company(1)), hanging.checkFlagWithEntitlement("f", company(2))]);
      assert.deepStrictEqual([first.fallback, second.fallback], ["timeout", "timeout"]);
      assert.equal(server.requests.length, 2);

      // Open: 20 misses answer at once, where each would otherwise wait 400 ms for its timeout.
      const { value: open, ms } = await timed(async () => {
        const results: FlagCheckResult[] = [];
        for (let i = 10; i < 30; i++) results.push(await hanging.checkFlagWithEntitlement("f", company(i)));
        return results;
      });
      assert.ok(open.every((result) => result.fallback === "circuit_open"), JSON.stringify(open.map((result) => result.fallback)));
      assert.ok(ms < 2_000, `20 checks with the circuit open took ${ms} ms`);
      assert.equal(server.requests.length, 2, "nothing was sent while the circuit was open");

      // After the cool-down: a single probe, and the other misses keep answering defaults while it is under way.
      await sleep(coolDownMs + 200);
      if (kind.sync) {
        assert.equal((await hanging.checkFlagWithEntitlement("f", company(40))).fallback, "timeout", "the probe timed out");
      } else {
        let probeSettled = false;
        const probe = hanging.checkFlagWithEntitlement("f", company(40)).finally(() => (probeSettled = true));
        const others = await Promise.all(Array.from({ length: 9 }, (_, i) => hanging.checkFlagWithEntitlement("f", company(41 + i))));
        assert.equal(probeSettled, false, "the others answered while the probe was under way");
        assert.ok(others.every((result) => result.fallback === "circuit_open"));
        assert.equal((await probe).fallback, "timeout", "the probe timed out");
      }
      assert.equal(server.requests.length, 3, "exactly one probe");
      assert.equal((await hanging.checkFlagWithEntitlement("f", company(50))).fallback, "circuit_open", "a failed probe opens the circuit again");
      assert.equal(server.requests.length, 3);

      // Recovery: the next probe is answered, the circuit closes, and misses reach the service again.
      server.handle(answerByCompany);
      await sleep(coolDownMs + 200);
      const recovered = await hanging.checkFlagWithEntitlement("f", { company: { id: "gold" } });
      assert.equal(recovered.value, true);
      assert.equal(recovered.fallback, undefined);
      for (let i = 60; i < 63; i++) assert.equal((await hanging.checkFlagWithEntitlement("f", company(i))).fallback, undefined);
      assert.equal(server.requests.length, 3 + 1 + 3);

      const flag = flagLines(lines);
      const summary = flag.map(({ level, line }) => `${level} ${line.slice(0, 60)}`).join("\n");
      // One line per cause: the timeouts (3, one written), the circuit opening (2), the open answers (30), the closing.
      assert.equal(flag.length, 4, summary);
      assert.equal(flag.filter(({ line }) => line.includes("service did not answer in time")).length, 1, summary);
      assert.equal(flag.filter(({ line }) => line.startsWith("flag checks: 2 checks in a row")).length, 1, summary);
      assert.equal(flag.filter(({ line }) => line.endsWith("(circuit open)") && line.startsWith('flag "f"')).length, 1, summary);
      assert.deepStrictEqual(flag.at(-1), { level: "info", line: "flag checks: the service answers again (circuit closed)" });
    });

    it("5xx and 429 count as failures; the probe makes a single attempt", T, async () => {
      server.handle((_, res) => sendJson(res, 503, { error: "down" }));
      const failing = await client({ maxRetries: 2, flagCircuitFailures: 2, flagCircuitCooldownMs: 500 });
      assert.equal((await failing.checkFlagWithEntitlement("f", company(1))).fallback, "server_error");
      server.handle((_, res) => sendJson(res, 429, { error: "slow down" }));
      assert.equal((await failing.checkFlagWithEntitlement("f", company(2))).fallback, "rate_limited");
      assert.equal(server.requests.length, 6, "two checks, three attempts each");
      assert.equal((await failing.checkFlagWithEntitlement("f", company(3))).fallback, "circuit_open");
      await sleep(700);
      assert.equal((await failing.checkFlagWithEntitlement("f", company(4))).fallback, "rate_limited");
      assert.equal(server.requests.length, 7, "the probe was one attempt, without retries");
    });

    it("answers from the service (404, malformed) do not open it; flagCircuitFailures 0 disables it", T, async () => {
      server.handle((request, res) =>
        request.path.includes("missing") ? sendJson(res, 404, { error: "flag not found" }) : sendJson(res, 200, { data: null }),
      );
      const answering = await client({ flagCircuitFailures: 1 });
      for (let i = 0; i < 3; i++) {
        assert.equal((await answering.checkFlagWithEntitlement("missing", company(i))).fallback, "unknown_flag");
        assert.equal((await answering.checkFlagWithEntitlement("f", company(i))).fallback, "invalid_response");
      }
      assert.equal(server.requests.length, 6);

      server.handle((_, res) => sendJson(res, 503, { error: "down" }));
      const disabled = await client({ maxRetries: 0, flagCircuitFailures: 0 });
      for (let i = 0; i < 10; i++) assert.equal((await disabled.checkFlagWithEntitlement("f", company(i))).fallback, "server_error");
      assert.equal(server.requests.length, 6 + 10);
    });

    it("rejects bad breaker options at construction", T, async () => {
      await assert.rejects(client({ flagCircuitFailures: -1 }), /flagCircuitFailures must be a whole number/);
      await assert.rejects(client({ flagCircuitCooldownMs: 0 }), /flagCircuitCooldownMs must be a positive number/);
      await assert.rejects(client({ flagCheckTimeoutMs: Number.NaN }), /flagCheckTimeoutMs must be a positive number/);
    });
  });

  describe("bounds and logs", () => {
    it("a miss is bounded by flagCheckTimeoutMs, retries included, while resource calls keep timeoutMs", T, async () => {
      server.handle(neverAnswer);
      // timeoutMs far enough above flagCheckTimeoutMs that a check bounded by the wrong one fails, on a busy machine too.
      const slow = await client({ timeoutMs: 1_500, flagCheckTimeoutMs: 200, flagCircuitFailures: 0 });
      const { value: check, ms } = await timed(() => slow.checkFlagWithEntitlement("f", company(1)));
      assert.equal(check.fallback, "timeout");
      assert.ok(ms >= 150 && ms < 1_200, `the check took ${ms} ms`);
      const perCall = await timed(() => slow.checkFlagWithEntitlement("f", company(2), { totalTimeoutMs: 100 }));
      assert.equal(perCall.value.fallback, "timeout");
      assert.ok(perCall.ms < 1_000, `the check with its own bound took ${perCall.ms} ms`);
      const call = await timed(() => slow.features.checkFlag({ key: "f", company: { id: "co_3" } }).catch((error: Error) => error));
      assert.equal((call.value as Error).name, "TimeoutError");
      assert.ok(call.ms >= 1_300, `the resource call waited its own timeout, ${call.ms} ms`);

      // Retries too: a 503 with long waits between attempts stops at the check's bound, not after every retry.
      server.handle((_, res) => sendJson(res, 503, { error: "down" }));
      server.requests.length = 0;
      const retrying = await client({ maxRetries: 5, retryBaseDelayMs: 600, retryMaxDelayMs: 600, flagCheckTimeoutMs: 800, flagCircuitFailures: 0 });
      const retried = await timed(() => retrying.checkFlagWithEntitlement("f", company(4)));
      assert.equal(retried.value.fallback, "server_error");
      assert.ok(retried.ms < 1_800, `the retried check took ${retried.ms} ms (five waits of at least 450 ms would take 2 250)`);
      assert.ok(server.requests.length <= 2, `${server.requests.length} attempts`);
    });

    it("an outage writes one line per cause, not one per check", T, async () => {
      const down = await client({ baseUrl: await closedPortUrl(), maxRetries: 0, flagCircuitFailures: 0 });
      const count = kind.sync ? 30 : 200;
      const results = await Promise.all(Array.from({ length: count }, (_, i) => down.checkFlagWithEntitlement("f", company(i))));
      assert.ok(results.every((result) => result.fallback === "connection"));
      assert.equal(flagLines(lines).length, 1, flagLines(lines).slice(0, 3).map(({ line }) => line).join("\n"));
    });

    it("a 1 MB flag key does not make a 1 MB log line", T, async () => {
      const down = await client({ baseUrl: await closedPortUrl(), maxRetries: 0 });
      const key = "k".repeat(1024 * 1024);
      const result = await down.checkFlagWithEntitlement(key, company(1));
      assert.equal(result.fallback, "connection");
      assert.ok(lines.length > 0);
      for (const { line } of lines) assert.ok(line.length <= 1_100, `a line of ${line.length} characters`);
      assert.match(flagLines(lines)[0]!.line, /^flag "k{100}… \(1048476 more characters\)": answered with false/);
    });
  });

  describe("malformed answers", () => {
    it("are a service failure that yields the default, never a TypeError, and are not cached", T, async () => {
      const bodies: [string, string][] = [
        ["data null", JSON.stringify({ data: null })],
        ["data a list", JSON.stringify({ data: [true] })],
        ["data a string", JSON.stringify({ data: "true" })],
        ["value missing", JSON.stringify({ data: { flag: "f", reason: "r" } })],
        ["value a string", JSON.stringify({ data: { flag: "f", value: "true", reason: "r" } })],
        ["no envelope", JSON.stringify({ value: true })],
        ["not JSON", "<html>gateway</html>"],
      ];
      const checker = await client({ flagDefaults: { f: true }, flagCircuitFailures: 1 });
      for (const [name, body] of bodies) {
        server.requests.length = 0;
        server.handle((_, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(body);
        });
        const result = await checker.checkFlagWithEntitlement("f", company(1));
        assert.equal(result.fallback, "invalid_response", name);
        assert.equal(result.value, true, `${name}: the flag default`);
        assert.equal(await checker.checkFlag("f", company(1), { defaultValue: false }), false, `${name}: the call's default`);
        assert.equal(server.requests.length, 2, `${name}: not cached, and the circuit stays closed`);
      }
      assert.match(flagLines(lines)[0]!.line, /because the service's answer was not a flag result: POST \/flags\/\{key\}\/check answered with something that is not a flag result/);
    });
  });

  describe("bad input", () => {
    class Account {
      id = "co_1";
    }
    const badContexts: [string, unknown, RegExp][] = [
      ["a Map context", new Map([["company", { id: "co_1" }]]), /^flag context must be an object such as .*, got a Map$/],
      ["a Date context", new Date(0), /^flag context must be an object such as .*, got a Date$/],
      ["an array context", [{ id: "co_1" }], /^flag context must be an object such as .*, got an array$/],
      ["a Map as company", { company: new Map([["id", "co_1"]]) }, /^flag context "company" must be an object of strings, got a Map$/],
      ["a Date as user", { user: new Date(0) }, /^flag context "user" must be an object of strings, got a Date$/],
      ["a number in a map", { company: { id: 1 } }, /^flag context "company.id" must be a string, got number 1$/],
    ];
    // A class instance cannot reach the sync client's thread as one (it arrives as a plain object).
    if (!kind.sync) {
      badContexts.push(["a class instance context", new Account(), /got a Account$/]);
      badContexts.push(["a class instance as company", { company: new Account() }, /^flag context "company" must be an object of strings, got a Account$/]);
    }
    const badOptions: [string, unknown, RegExp][] = [
      ["a string defaultValue", { defaultValue: "yes" }, /^options.defaultValue must be a boolean or a function returning one, got string "yes"$/],
      ["a number defaultValue", { defaultValue: 1 }, /^options.defaultValue must be a boolean or a function returning one, got number 1$/],
      ["a null defaultValue", { defaultValue: null }, /got null$/],
      ["null options", null, /^flag check options must be an object, got null$/],
      ["a negative totalTimeoutMs", { totalTimeoutMs: -1 }, /^options.totalTimeoutMs must be a positive number/],
    ];

    it("contexts that are not plain objects of strings, and bad per-call options, throw InvalidArgumentError before any request", T, async () => {
      const checker = await client();
      await checker.checkFlag("f", company(1)); // cached: bad input is refused on a hit too
      server.requests.length = 0;
      for (const [name, context, message] of badContexts) {
        for (const check of [() => checker.checkFlag("f", context as FlagCheckContext), () => checker.checkFlagWithEntitlement("f", context as FlagCheckContext)]) {
          const error = await check().then(() => assert.fail(`${name}: accepted`), (e: unknown) => e);
          assert.ok(error instanceof InvalidArgumentError, `${name}: ${String(error)}`);
          assert.match(error.message, message, name);
        }
      }
      for (const [name, options, message] of badOptions) {
        const error = await checker.checkFlag("f", company(1), options as never).then(() => assert.fail(`${name}: accepted`), (e: unknown) => e);
        assert.ok(error instanceof InvalidArgumentError, `${name}: ${String(error)}`);
        assert.match(error.message, message, name);
      }
      assert.equal(server.requests.length, 0);
      const plain = { company: Object.assign(Object.create(null) as Record<string, string>, { id: "gold" }) };
      assert.equal(await checker.checkFlag("f", plain), true, "an object without a prototype is a plain object");
    });
  });

  describe("custom async store", { skip: kind.sync && "the sync client takes only a store that answers synchronously" }, () => {
    it("a context changed after the call changes neither the request nor the cache key", T, async () => {
      const store = new Map<string, FlagCheckResult>();
      const provider: CacheProvider<FlagCheckResult> = {
        get: async (key) => (await sleep(20), store.get(key)),
        set: async (key, value) => void store.set(key, value),
        delete: async (key) => void store.delete(key),
      };
      const checker = await client({ cache: provider });
      const context = { company: { id: "gold" } };
      const gold = checker.checkFlag("f", context);
      context.company.id = "silver"; // the caller reuses its object, while the store is read
      const replaced = { company: { id: "bronze" } };
      const bronze = checker.checkFlag("f", replaced);
      replaced.company = { id: "gold" };
      assert.deepStrictEqual([await gold, await bronze], [true, false]);
      const sent = server.requests.map((request) => JSON.parse(request.body).company.id).sort();
      assert.deepStrictEqual(sent, ["bronze", "gold"]);
      const stored = [...store.entries()].map(([key, result]) => [key.includes("4:gold") ? "gold" : key.includes("6:bronze") ? "bronze" : key, result.value]);
      assert.deepStrictEqual(stored.sort(), [
        ["bronze", false],
        ["gold", true],
      ]);
      assert.equal(await checker.checkFlag("f", { company: { id: "gold" } }), true, "read back under its own key");
      assert.equal(await checker.checkFlag("f", { company: { id: "silver" } }), false);
      assert.equal(server.requests.length, 3);
    });

    it("a store whose get never settles: checks wait at most their budget for it, then answer from the service", T, async () => {
      const provider: CacheProvider<FlagCheckResult> = {
        get: () => new Promise<undefined>(() => undefined),
        set: () => undefined,
        delete: () => undefined,
      };
      const checker = await client({ cache: provider, flagCheckTimeoutMs: 300 });
      const gold = { company: { id: "gold" } };
      const first = await timed(() => within(5_000, checker.checkFlagWithEntitlement("f", gold)));
      assert.equal(first.value.value, true);
      assert.equal(first.value.fallback, undefined, "the service's answer");
      assert.ok(first.ms >= 250 && first.ms < 3_000, `the check took ${first.ms} ms`);
      const again = await timed(() => within(5_000, checker.checkFlag("f", gold, { totalTimeoutMs: 100 })));
      assert.equal(again.value, true);
      assert.ok(again.ms < 2_500, `the check with its own budget took ${again.ms} ms`);
      assert.equal(server.requests.length, 2);
      const timedOut = flagLines(lines).filter(({ line }) => line.startsWith("flag cache read did not answer within"));
      assert.equal(timedOut.length, 1, "one line for both reads");
      assert.match(timedOut[0]!.line, /within 300 ms: treated as a miss, the check asks the service$/);
    });

    it("a store whose set never settles: the check answers, and the next check of the same key answers too", T, async () => {
      let writes = 0;
      const provider: CacheProvider<FlagCheckResult> = {
        get: async () => undefined,
        set: () => (writes++, new Promise<void>(() => undefined)),
        delete: () => undefined,
      };
      const checker = await client({ cache: provider });
      const gold = { company: { id: "gold" } };
      assert.equal(await within(5_000, checker.checkFlag("f", gold)), true);
      assert.equal(await within(5_000, checker.checkFlag("f", gold)), true, "not joined to a check still waiting on its write");
      assert.equal(writes, 2);
      assert.equal(server.requests.length, 2);

      const failing: CacheProvider<FlagCheckResult> = { get: async () => undefined, set: async () => Promise.reject(new Error("disk full")), delete: () => undefined };
      const reporting = await client({ cache: failing });
      assert.equal(await within(5_000, reporting.checkFlag("f", gold)), true);
      await sleep(20);
      assert.ok(lines.some(({ line }) => line === "flag cache write failed: disk full"), "a write that fails later is still reported");
    });
  });

  describe("a defaultValue function that fails", () => {
    it("that throws or returns a non-boolean: the flag default, else false, with one line per cause", { ...T, skip: kind.sync && "functions cannot reach the sync runner thread; checked for the sync client below" }, async () => {
      const down = await client({ baseUrl: await closedPortUrl(), maxRetries: 0, flagCircuitFailures: 0, flagDefaults: { on: true } });
      const throwing = () => {
        throw new Error("boom");
      };
      const yes = () => "yes" as unknown as boolean;
      const answers = [];
      for (const defaultValue of [throwing, throwing, yes, yes]) {
        for (const flag of ["on", "other"]) answers.push(await within(5_000, down.checkFlagWithEntitlement(flag, company(1), { defaultValue })));
      }
      assert.deepStrictEqual(answers.map((result) => result.value), [true, false, true, false, true, false, true, false]);
      assert.deepStrictEqual(answers.slice(0, 2).map((result) => result.reason), [
        "Answered with the flag default because the service could not be reached",
        "Answered with false because the service could not be reached",
      ]);
      assert.equal(await down.checkFlag("on", company(1), { defaultValue: (async () => false) as unknown as () => boolean }), true, "an async function's answer comes too late");
      const failed = flagLines(lines).filter(({ line }) => line.includes("options.defaultValue"));
      assert.deepStrictEqual(failed.map(({ line }) => line), [
        'flag "on": options.defaultValue threw Error: boom; the flag default or false is used instead',
        'flag "on": options.defaultValue returned string "yes", not a boolean; the flag default or false is used instead',
      ]);
    });
  });
}

describe("sync client in this thread: a defaultValue function that fails", () => {
  it("that throws or returns a non-boolean: the flag default, else false", T, async () => {
    const warnings: string[] = [];
    const sync = new SchematicSyncClient({ apiKey: API_KEY, baseUrl: await closedPortUrl(), maxRetries: 0, flagDefaults: { on: true }, logger: { warn: (line) => warnings.push(line) } });
    try {
      const throwing = () => {
        throw new Error("boom");
      };
      const yes = () => "yes" as unknown as boolean;
      const answers = [throwing, yes].flatMap((defaultValue) => ["on", "other"].map((flag) => sync.checkFlag(flag, {}, { defaultValue })));
      assert.deepStrictEqual(answers, [true, false, true, false]);
      assert.equal(warnings.filter((line) => line.includes("options.defaultValue")).length, 2, warnings.join("\n"));
    } finally {
      sync.close();
    }
  });
});

describe("CircuitBreaker", () => {
  it("opens after the failures in a row, admits one probe after the cool-down, and closes when the service answers", () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 1_000, () => now);
    assert.equal(breaker.record(breaker.admit()!, "failed"), undefined);
    assert.equal(breaker.record(breaker.admit()!, "answered"), undefined, "an answer resets the count");
    for (let i = 0; i < 2; i++) assert.equal(breaker.record(breaker.admit()!, "failed"), undefined);
    assert.equal(breaker.record("request", "unknown"), undefined, "an unknown outcome counts for nothing");
    assert.equal(breaker.record(breaker.admit()!, "failed"), "opened");
    assert.equal(breaker.record("request", "failed"), undefined, "a late failure does not extend the cool-down");
    now = 999;
    assert.equal(breaker.admit(), undefined);
    now = 1_000;
    assert.equal(breaker.admit(), "probe");
    assert.equal(breaker.admit(), undefined, "one probe at a time");
    assert.equal(breaker.record("probe", "failed"), "reopened");
    now = 1_999;
    assert.equal(breaker.admit(), undefined);
    now = 2_000;
    assert.equal(breaker.admit(), "probe");
    assert.equal(breaker.record("probe", "unknown"), undefined);
    assert.equal(breaker.admit(), "probe", "a probe that learnt nothing frees the slot");
    assert.equal(breaker.record("probe", "answered"), "closed");
    assert.equal(breaker.admit(), "request");
  });
});
