// Events under faults: bad data refused at the call, memory bounded during an outage, flush and close bounded in
// time, nothing sent or kept alive after close, close hurrying batches that wait out a Retry-After, signals, and
// the API key kept out of queued events and of every event log line.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { inspect } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { InvalidArgumentError, SchematicClient, type SchematicClientOptions } from "../generated/index.js";
import { EventQueue, type QueuedEvent } from "../runtime/event-queue.js";
import { sleep } from "../runtime/retry.js";
import { startCapture, type CaptureServer, type CapturedEvent } from "./helpers/capture.js";
import { repoRoot } from "./helpers/cli.js";
import { CLIENT_KINDS, type ClientKind } from "./helpers/clients.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";
import { API_KEY } from "./helpers/wire.js";

const T = { timeout: 60_000 };
const CHILD = path.join(repoRoot, "test/scripts/events-child.ts");

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Waits until `done()` holds, checking every 10 ms, or fails after `timeoutMs`. */
async function until(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Events of every batch a capture-shaped server read. */
function eventsOf(server: TestServer): CapturedEvent[] {
  return server.requests.flatMap((request) => (JSON.parse(request.body) as { events: CapturedEvent[] }).events);
}

for (const kind of CLIENT_KINDS) describe(`${kind.name} client`, () => suite(kind));

function suite(kind: ClientKind) {
  function client(url: string, options: Partial<SchematicClientOptions> = {}, logs: string[] = []) {
    return kind.create({
      apiKey: API_KEY,
      baseUrl: url,
      eventCaptureBaseUrl: url,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 20,
      logger: { warn: (line) => logs.push(line), error: (line) => logs.push(line) },
      ...options,
    } as SchematicClientOptions);
  }

  async function withServer<S extends TestServer>(started: S | Promise<S>, test: (server: S) => Promise<void>) {
    const server = await started;
    try {
      await test(server);
    } finally {
      await kind.dispose();
      await server.close();
    }
  }

  describe("data JSON cannot carry", () => {
    it("a BigInt or a circular object anywhere in a body is refused at the call, naming the field; good events still go", T, () =>
      withServer(startCapture(), async (capture) => {
        const sdk = await client(capture.url);
        const circular: Record<string, unknown> = { name: "loop" };
        circular.self = circular;
        const cases: [() => unknown, string][] = [
          [() => sdk.track({ event: "x", traits: { seats: 10n } as never }), 'track: "traits.seats" is a BigInt, which JSON cannot carry: pass a number or a string'],
          [() => sdk.track({ event: "x", traits: { deep: { list: [1, { n: 2n }] } } as never }), 'track: "traits.deep.list[1].n" is a BigInt, which JSON cannot carry: pass a number or a string'],
          [() => sdk.track({ event: "x", traits: circular as never }), 'track: "traits.self" refers back to an object that contains it (a circular reference)'],
          [
            () => sdk.identify({ keys: { id: "u_1" }, company: { keys: { id: "co_1" }, traits: { big: 1n } } } as never),
            'identify: "company.traits.big" is a BigInt, which JSON cannot carry: pass a number or a string',
          ],
        ];
        for (const [call, message] of cases) {
          sdk.track({ event: "good" });
          await assert.rejects(async () => call(), (error: unknown) => error instanceof InvalidArgumentError && error.message === message, message);
        }
        const shared = { plan: "gold" };
        sdk.track({ event: "good", traits: { a: shared, b: shared } });
        const stats = await sdk.close();
        assert.deepStrictEqual(stats, { accepted: 5, delivered: 5, retried: 0, dropped: 0, failed: 0, pending: 0 });
        assert.deepStrictEqual(eventsOf(capture).map((e) => e.body.event), ["good", "good", "good", "good", "good"], "one batch, nothing sunk");
      }),
    );
  });

  describe("deeply nested bodies", () => {
    // The sync client is driven from another thread (helpers/clients.ts), and structured clone, which carries the call
    // there, overflows on 20 000 levels itself: it gets a body that still exceeds the cap.
    const levels = kind.sync ? 2_000 : 20_000;
    it(`a body nested ${levels} levels deep is refused at the call with InvalidArgumentError (no stack overflow); 900 levels go`, T, () =>
      withServer(startCapture(), async (capture) => {
        const sdk = await client(capture.url);
        const nest = (levels: number) => {
          let value: Record<string, unknown> = { leaf: true };
          for (let i = 0; i < levels; i++) value = { d: value };
          return value;
        };
        const started = Date.now();
        await assert.rejects(
          async () => sdk.track({ event: "deep", traits: nest(levels) }),
          (error: unknown) =>
            error instanceof InvalidArgumentError &&
            /^track: "traits(\.d)+… \(\d+ more characters\)" is nested more than 1000 levels deep, which the event body may not be$/.test(error.message),
        );
        assert.ok(Date.now() - started < 5_000, `refused in ${Date.now() - started} ms`);
        sdk.track({ event: "nested", traits: nest(900) });
        const stats = await sdk.close();
        assert.deepStrictEqual(stats, { accepted: 1, delivered: 1, retried: 0, dropped: 0, failed: 0, pending: 0 });
        assert.deepStrictEqual(eventsOf(capture).map((e) => e.body.event), ["nested"]);
      }),
    );
  });

  describe("flush during an outage", () => {
    it("resolves within closeTimeoutMs, says what was not delivered, and keeps the events queued for retries", T, () =>
      withServer(startCapture(() => "hang"), async (capture) => {
        const logs: string[] = [];
        const sdk = await client(capture.url, { closeTimeoutMs: 500, timeoutMs: 60_000 }, logs);
        for (let i = 0; i < 3; i++) sdk.track({ event: "x" });
        const started = Date.now();
        await sdk.flush();
        const elapsedMs = Date.now() - started;
        assert.ok(elapsedMs >= 450 && elapsedMs < 5_000, `flush took ${elapsedMs} ms`);
        assert.ok(logs.includes("flush: 3 events not delivered within 500 ms (closeTimeoutMs); they stay queued and are retried"), logs.join("\n"));
        assert.equal((await sdk.eventStats()).pending, 3);
        assert.deepStrictEqual(await sdk.close(), { accepted: 3, delivered: 0, retried: 0, dropped: 0, failed: 3, pending: 0 });
      }),
    );
  });

  describe("close", () => {
    it("wakes a batch waiting out a long Retry-After and retries it at once", T, async () => {
      const server = await startServer((_, res) =>
        server.requests.length === 1 ? sendJson(res, 503, { error: "busy" }, { "retry-after": "50" }) : sendJson(res, 200, {}),
      );
      await withServer(server, async () => {
        // Without the wake-up, close() would wait its whole closeTimeoutMs (the 50 s wait is longer) and deliver nothing.
        const sdk = await client(server.url, { flushIntervalMs: 20, closeTimeoutMs: 10_000 });
        for (let i = 0; i < 3; i++) sdk.track({ event: "x", quantity: i });
        // `retried` is counted as the batch starts its wait: close() then finds it waiting, not still in its 503.
        await until(async () => (await sdk.eventStats()).retried > 0, "the batch waiting out Retry-After");
        assert.equal(server.requests.length, 1);
        const started = Date.now();
        const stats = await sdk.close();
        assert.ok(Date.now() - started < 5_000, `close took ${Date.now() - started} ms`);
        assert.deepStrictEqual(stats, { accepted: 3, delivered: 3, retried: 3, dropped: 0, failed: 0, pending: 0 });
        assert.deepStrictEqual(eventsOf(server).slice(3).map((e) => e.body.quantity), [0, 1, 2]);
      });
    });

    it("after close gave up, a batch that was waiting to retry is never sent", T, async () => {
      // The first attempt asks for a 1 s wait; close (300 ms) wakes it, the retry hangs, close gives up and aborts it.
      const server = await startServer((_, res) => {
        if (server.requests.length === 1) sendJson(res, 503, { error: "busy" }, { "retry-after": "1" });
        else if (server.requests.length === 2) return; // hangs
        else sendJson(res, 200, {});
      });
      await withServer(server, async () => {
        const sdk = await client(server.url, { flushIntervalMs: 20, closeTimeoutMs: 300 });
        for (let i = 0; i < 3; i++) sdk.track({ event: "x" });
        await until(() => server.requests.length === 1, "the first attempt");
        const stats = await sdk.close();
        assert.deepStrictEqual(stats, { accepted: 3, delivered: 0, retried: 3, dropped: 0, failed: 3, pending: 0 });
        const received = server.requests.length;
        await sleep(1_500);
        assert.equal(server.requests.length, received, "nothing counted as failed arrives later");
        assert.deepStrictEqual(await sdk.eventStats(), stats);
      });
    });

    it("in a process whose capture service accepts but never answers, nothing keeps the process alive once close returns", T, async () => {
      const capture = await startCapture(() => "hang");
      try {
        const child = spawn(process.execPath, ["--import", "tsx", CHILD, kind.name, capture.url, "close"], { cwd: repoRoot, timeout: 30_000 });
        let stdout = "";
        let stderr = "";
        let closedAt = 0;
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
          closedAt ||= Date.now();
        });
        child.stderr.on("data", (chunk) => (stderr += chunk));
        const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("close", (...args) => resolve(args)));
        assert.equal(signal, null, `killed after 30 s (${stderr})`);
        assert.equal(code, 0, stderr);
        assert.ok(Date.now() - closedAt < 5_000, `exited ${Date.now() - closedAt} ms after close() returned`);
        assert.deepStrictEqual(JSON.parse(stdout), { accepted: 5, delivered: 0, retried: 0, dropped: 0, failed: 5, pending: 0 });
        assert.equal(capture.requests.length, 1, "the batch went once, and its attempt was aborted");
      } finally {
        await capture.close();
      }
    });
  });

  describe("signals", () => {
    async function runUntilSignal(url: string, signal: NodeJS.Signals, ...extra: string[]) {
      const child = spawn(process.execPath, ["--import", "tsx", CHILD, kind.name, url, "signal", ...extra], { cwd: repoRoot, timeout: 30_000 });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.stdout.once("data", () => child.kill(signal));
      const [code, diedBy] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("close", (...args) => resolve(args)));
      return { code, diedBy, stderr };
    }

    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      it(`with closeOnSignals, ${signal} delivers the queued events, then the process dies by ${signal}`, T, () =>
        withServer(startCapture(), async (capture) => {
          const { code, diedBy, stderr } = await runUntilSignal(capture.url, signal, "closeOnSignals");
          assert.deepStrictEqual({ code, diedBy }, { code: null, diedBy: signal }, stderr);
          assert.equal(capture.counted.size, 5);
        }),
      );
    }

    it("with closeOnSignals and a SIGTERM handler of the application's own, delivers but leaves the exit to the application", T, () =>
      withServer(startCapture(), async (capture) => {
        const child = spawn(process.execPath, ["--import", "tsx", CHILD, kind.name, capture.url, "app-signal", "closeOnSignals"], { cwd: repoRoot, timeout: 30_000 });
        let stdout = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("close", (...args) => resolve(args)));
        await until(() => stdout.includes("ready"), "the child to start", 20_000);
        child.kill("SIGTERM");
        await until(() => capture.counted.size === 5, "the queued events", 20_000);
        await sleep(500);
        assert.equal(child.exitCode, null, "still running: the application did not exit");
        assert.equal(child.signalCode, null);
        assert.ok(stdout.includes("the application's handler ran"));
        child.kill("SIGKILL");
        assert.deepStrictEqual(await ended, [null, "SIGKILL"]);
      }),
    );

    it("without closeOnSignals, SIGTERM ends the process at once as before, and the queued events are lost", T, () =>
      withServer(startCapture(), async (capture) => {
        const { code, diedBy, stderr } = await runUntilSignal(capture.url, "SIGTERM");
        assert.deepStrictEqual({ code, diedBy }, { code: null, diedBy: "SIGTERM" }, stderr);
        await sleep(200);
        assert.equal(capture.counted.size, 0);
      }),
    );
  });

  describe("the API key", () => {
    it("never appears in an event log line, even when the service echoes the batch back in its error", T, async () => {
      const server = await startServer((request, res) => sendJson(res, 400, { error: `bad batch: ${request.body}` }));
      await withServer(server, async () => {
        const logs: string[] = [];
        const sdk = await client(server.url, {}, logs);
        sdk.track({ event: "x" });
        await sdk.close();
        assert.ok(server.requests[0]!.body.includes(API_KEY), "the key went where it belongs: in the batch");
        assert.ok(logs.some((line) => line.startsWith("event batch of 1 failed: POST /batch failed with 400 Bad Request: bad batch")), logs.join("\n"));
        for (const line of logs) assert.ok(!line.includes(API_KEY), line);
      });
    });
  });
}

describe("async client internals", () => {
  it("a queued event does not hold the API key: it is added as the batch is sent", T, async () => {
    const capture = await startCapture();
    try {
      const sdk = new SchematicClient({ apiKey: API_KEY, eventCaptureBaseUrl: capture.url, flushIntervalMs: 60_000 });
      sdk.track({ event: "x" });
      sdk.identify({ keys: { id: "u_1" } });
      const buffer = (sdk as unknown as { eventBuffer: Record<string, unknown> }).eventBuffer;
      // Everything the event queue holds, the request core included (its headers and key are #private).
      const held = Object.entries(buffer);
      assert.ok(held.some(([name]) => name === "core"), "the request core is inspected too");
      assert.ok(held.length > 3);
      for (const [name, value] of held) {
        assert.ok(!inspect(value, { depth: Infinity, showHidden: true }).includes(API_KEY), `eventBuffer.${name} shows the key`);
      }
      assert.deepStrictEqual(JSON.parse(JSON.stringify(buffer)), { accepted: 2, delivered: 0, retried: 0, dropped: 0, failed: 0, pending: 2 });
      await sdk.close();
      assert.deepStrictEqual([...capture.counted.values()].map((e) => e.api_key), [API_KEY, API_KEY]);
    } finally {
      await capture.close();
    }
  });

  it("during an outage memory stays bounded by maxQueuedEvents: dropped events are released at once, and logged in aggregate", T, async () => {
    // Every batch is refused with 503 and retried: four batches stay in flight and the queue does not move.
    const capture = await startCapture(() => "503");
    try {
      const logs: string[] = [];
      const sdk = new SchematicClient({
        apiKey: API_KEY,
        eventCaptureBaseUrl: capture.url,
        maxQueuedEvents: 1_000,
        retryBaseDelayMs: 5,
        retryMaxDelayMs: 20,
        closeTimeoutMs: 300,
        logger: { warn: (line) => logs.push(line) },
      });
      const traits: WeakRef<object>[] = [];
      for (let i = 0; i < 50_000; i++) {
        const nested = { i };
        // Events 1 000 to 1 999 are neither in the four batches under way (0-399) nor among the newest 1 000 kept.
        if (i >= 1_000 && i < 2_000) traits.push(new WeakRef(nested));
        sdk.track({ event: "x", traits: nested });
        if (i % 5_000 === 0) await sleep(1);
      }
      await until(() => capture.requests.length >= 8, "retries of the batches under way");
      gc();
      await sleep(0);
      gc();
      const retained = traits.filter((ref) => ref.deref() !== undefined).length;
      assert.equal(retained, 0, "dropped events are not referenced");
      const stats = sdk.eventStats();
      assert.equal(stats.pending, 1_400, "the newest 1 000 queued, and the 400 in batches under way");
      assert.equal(stats.dropped, 48_600);
      const dropLines = logs.filter((line) => line.includes("dropped"));
      assert.ok(dropLines.length >= 1 && dropLines.length <= 2, dropLines.join("\n"));
      assert.match(dropLines[0]!, /^event queue full \(maxQueuedEvents 1000\): the oldest event was dropped, 1 so far$/);
      await sdk.close();
    } finally {
      await capture.close();
    }
  });

  it("a nested value changed into a BigInt after the call fails only its own event, not its batch", T, async () => {
    const capture = await startCapture();
    try {
      const logs: string[] = [];
      const sdk = new SchematicClient({ apiKey: API_KEY, eventCaptureBaseUrl: capture.url, flushIntervalMs: 60_000, logger: { warn: (line) => logs.push(line) } });
      const traits: Record<string, unknown> = { seats: 1 };
      sdk.track({ event: "good", quantity: 1 });
      sdk.track({ event: "changed", traits });
      sdk.track({ event: "good", quantity: 2 });
      traits.seats = 2n;
      assert.deepStrictEqual(await sdk.close(), { accepted: 3, delivered: 2, retried: 0, dropped: 0, failed: 1, pending: 0 });
      assert.deepStrictEqual([...capture.counted.values()].map((e) => e.body.quantity), [1, 2]);
      assert.ok(logs.some((line) => line.startsWith("event batch of 1 failed: could not be sent as JSON")), logs.join("\n"));
    } finally {
      await capture.close();
    }
  });

  it("a function or a symbol in a body is refused at the call", T, () => {
    const sdk = new SchematicClient({ apiKey: API_KEY, eventCaptureBaseUrl: "http://127.0.0.1:9" });
    assert.throws(() => sdk.track({ event: "x", traits: { f: () => 1 } }), { name: "InvalidArgumentError", message: 'track: "traits.f" is a function, which JSON cannot carry' });
    assert.throws(() => sdk.track({ event: "x", traits: { s: [Symbol("s")] } }), { name: "InvalidArgumentError", message: 'track: "traits.s[0]" is a symbol, which JSON cannot carry' });
    assert.equal(sdk.eventStats().accepted, 0);
  });
});

describe("the event queue", () => {
  it("keeps the newest events, oldest first, and hands back each one it drops, whatever the order of adds and takes", T, () => {
    const event = (n: number): QueuedEvent => ({ type: "track", body: { n }, idempotencyKey: String(n), sentAt: new Date(0) });
    const operation = fc.oneof(fc.record({ take: fc.integer({ min: 1, max: 40 }) }), fc.record({ add: fc.integer({ min: 1, max: 60 }) }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(operation, { maxLength: 60 }), (capacity, operations) => {
        const queue = new EventQueue(capacity);
        const model: number[] = [];
        let next = 0;
        for (const op of operations) {
          if ("take" in op) {
            assert.deepStrictEqual(queue.take(op.take).map((e) => (e.body as { n: number }).n), model.splice(0, op.take));
          } else {
            for (let i = 0; i < op.add; i++, next++) {
              const dropped = queue.push(event(next));
              model.push(next);
              const expected = model.length > capacity ? model.shift() : undefined;
              assert.equal(dropped === undefined ? undefined : (dropped.body as { n: number }).n, expected);
            }
          }
          assert.equal(queue.size, model.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
