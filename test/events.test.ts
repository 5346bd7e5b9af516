import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { InvalidArgumentError, type SchematicClientOptions } from "../generated/index.js";
import { sleep } from "../runtime/retry.js";
import { CLIENT_KINDS, type ClientKind } from "./helpers/clients.js";
import { startCapture, type CaptureServer } from "./helpers/capture.js";
import { repoRoot } from "./helpers/cli.js";
import { API_KEY } from "./helpers/wire.js";

const T = { timeout: 60_000 };

for (const kind of CLIENT_KINDS) describe(`${kind.name} client`, () => suite(kind));

function suite(kind: ClientKind) {
  function client(capture: CaptureServer, options: Partial<SchematicClientOptions> = {}, logs: string[] = []) {
    return kind.create({
      apiKey: API_KEY,
      baseUrl: capture.url,
      eventCaptureBaseUrl: capture.url,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 20,
      logger: { warn: (line) => logs.push(line) },
      ...options,
    } as SchematicClientOptions);
  }

  async function withCapture(test: (capture: CaptureServer) => Promise<void>, fault?: Parameters<typeof startCapture>[0]) {
    const capture = await startCapture(fault);
    try {
      await test(capture);
    } finally {
      await kind.dispose();
      await capture.close();
    }
  }

  describe("identify and track", () => {
    it("return at once and deliver the events in the capture service's wire shape", T, () =>
      withCapture(async (capture) => {
        const sdk = await client(capture);
        const before = Date.now();
        assert.equal(
          await sdk.track({ event: "api_call", company: { id: "co_1" }, user: { user_id: "u_1" }, quantity: 3, traits: { plan: "gold" } }),
          undefined,
        );
        assert.equal(
          await sdk.identify(
            {
              keys: { email: "ada@example.com" },
              name: "Ada",
              traits: { login_count: 24 },
              company: { keys: { id: "co_1" }, name: "Acme", traits: { city: "Atlanta" } },
            },
            { idempotencyKey: "idem-identify-1", sentAt: new Date("2025-01-02T03:04:05.000Z") },
          ),
          undefined,
        );
        assert.equal(capture.requests.length, 0, "nothing is sent during the call");
        await sdk.flush();
        assert.equal(capture.batches.length, 1);
        const [track, identify] = capture.batches[0]!;
        const request = capture.requests[0]!;
        assert.equal(request.path, "/batch");
        assert.equal(request.headers["x-schematic-api-key"], API_KEY);
        assert.deepStrictEqual(
          { ...track!, idempotency_key: "?", sent_at: "?" },
          {
            api_key: API_KEY,
            type: "track",
            body: { event: "api_call", company: { id: "co_1" }, user: { user_id: "u_1" }, quantity: 3, traits: { plan: "gold" } },
            idempotency_key: "?",
            sent_at: "?",
          },
        );
        assert.match(track!.idempotency_key, /^[0-9a-f-]{36}$/);
        assert.ok(Date.parse(track!.sent_at) >= before - 1 && Date.parse(track!.sent_at) <= Date.now());
        assert.deepStrictEqual(identify, {
          api_key: API_KEY,
          type: "identify",
          body: {
            keys: { email: "ada@example.com" },
            name: "Ada",
            traits: { login_count: 24 },
            company: { keys: { id: "co_1" }, name: "Acme", traits: { city: "Atlanta" } },
          },
          idempotency_key: "idem-identify-1",
          sent_at: "2025-01-02T03:04:05.000Z",
        });
        assert.deepStrictEqual(await sdk.close(), { accepted: 2, delivered: 2, retried: 0, dropped: 0, failed: 0, pending: 0 });
      }),
    );

    it("queues a copy: changing the object after the call does not change the event", T, () =>
      withCapture(async (capture) => {
        const sdk = await client(capture);
        const body = { event: "api_call", quantity: 1 };
        sdk.track(body);
        body.quantity = 2;
        sdk.track(body);
        await sdk.close();
        assert.deepStrictEqual(
          capture.batches.flat().map((e) => e.body.quantity),
          [1, 2],
        );
      }),
    );

    it("sends a partial batch after flushIntervalMs", T, () =>
      withCapture(async (capture) => {
        const sdk = await client(capture, { flushIntervalMs: 300 });
        const started = Date.now();
        sdk.track({ event: "signup" });
        await sleep(100);
        assert.equal(capture.batches.length, 0, "a partial batch waits");
        while (capture.batches.length === 0 && Date.now() - started < 5_000) await sleep(10);
        assert.equal(capture.batches.length, 1);
        assert.ok(Date.now() - started >= 290, "it went after the interval, not before");
        await sdk.close();
      }),
    );

    it("delivers a burst of 10 000 tracks exactly once each, in batches of at most 100", T, () =>
      withCapture(async (capture) => {
        const sdk = await client(capture);
        for (let i = 0; i < 10_000; i++) sdk.track({ event: "api_call", company: { id: `co_${i % 7}` }, quantity: i });
        const stats = await sdk.close();
        assert.deepStrictEqual(stats, { accepted: 10_000, delivered: 10_000, retried: 0, dropped: 0, failed: 0, pending: 0 });
        assert.equal(capture.counted.size, 10_000);
        assert.equal(capture.duplicates, 0);
        assert.ok(capture.batches.every((batch) => batch.length <= 100));
        assert.deepStrictEqual(new Set([...capture.counted.values()].map((e) => e.body.quantity)).size, 10_000);
      }),
    );

    it("with 20% of batches answered 503 and some connections reset, still delivers every event, none counted twice", T, () =>
      withCapture(
        async (capture) => {
          const sdk = await client(capture);
          for (let i = 0; i < 10_000; i++) sdk.track({ event: "api_call", quantity: i });
          const stats = await sdk.close();
          assert.equal(stats.delivered, 10_000);
          assert.equal(stats.failed, 0);
          assert.ok(stats.retried > 0);
          assert.equal(capture.counted.size, 10_000, "every event counted");
          assert.ok(capture.duplicates > 0, "reset batches were sent again...");
          assert.ok(capture.batches.length > 100, "...as were the refused ones");
        },
        (n) => (n % 5 === 0 ? "503" : n % 7 === 0 ? "reset-after-processing" : "none"),
      ),
    );

    it("a batch the service refuses (400) fails without retries, and is counted and logged", T, () =>
      withCapture(
        async (capture) => {
          const logs: string[] = [];
          const sdk = await client(capture, {}, logs);
          for (let i = 0; i < 3; i++) sdk.track({ event: "x" });
          assert.deepStrictEqual(await sdk.close(), { accepted: 3, delivered: 0, retried: 0, dropped: 0, failed: 3, pending: 0 });
          assert.equal(capture.requests.length, 1);
          assert.ok(logs.some((line) => /^event batch of 3 failed: POST \/batch failed with 400 Bad Request: batch too large$/.test(line)));
          assert.ok(!logs.some((line) => line.includes(API_KEY)));
        },
        () => "400",
      ),
    );
  });

  describe("bounded memory and close", () => {
    it("when the queue is full the oldest events are dropped, and counted", T, () =>
      withCapture(async (capture) => {
        const sdk = await client(capture, { maxQueuedEvents: 50, flushIntervalMs: 60_000 });
        for (let i = 0; i < 300; i++) sdk.track({ event: "api_call", quantity: i });
        assert.deepStrictEqual(await sdk.eventStats(), { accepted: 300, delivered: 0, retried: 0, dropped: 250, failed: 0, pending: 50 });
        const stats = await sdk.close();
        assert.equal(stats.delivered, 50);
        assert.deepStrictEqual(
          [...capture.counted.values()].map((e) => e.body.quantity),
          Array.from({ length: 50 }, (_, i) => 250 + i),
          "the newest 50 were kept",
        );
      }),
    );

    it("close gives up after closeTimeoutMs, counting what is left as failed; later events are dropped", T, () =>
      withCapture(
        async (capture) => {
          const sdk = await client(capture, { closeTimeoutMs: 300, timeoutMs: 60_000 });
          for (let i = 0; i < 5; i++) sdk.track({ event: "x" });
          const started = Date.now();
          const stats = await sdk.close();
          assert.ok(Date.now() - started < 2_000);
          assert.deepStrictEqual(stats, { accepted: 5, delivered: 0, retried: 0, dropped: 0, failed: 5, pending: 0 });
          await sdk.track({ event: "late" });
          assert.equal((await sdk.eventStats()).dropped, 1);
          assert.deepStrictEqual(await sdk.close(), await sdk.close(), "close is idempotent");
        },
        () => "hang",
      ),
    );

    it("a process that tracks and ends without close() still delivers, and exits by itself", T, () =>
      withCapture(async (capture) => {
        const script = `
          import { ${kind.sync ? "SchematicSyncClient" : "SchematicClient"} as Client } from ${JSON.stringify(path.join(repoRoot, "generated/index.ts"))};
          const client = new Client({ apiKey: "sch_child", eventCaptureBaseUrl: process.argv[1] });
          for (let i = 0; i < 250; i++) client.track({ event: "from_child", quantity: i });
        `;
        const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, capture.url], {
          cwd: repoRoot,
          timeout: 30_000,
        });
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        assert.equal(code, 0, stderr);
        assert.equal(capture.counted.size, 250);
      }),
    );

    it("a process whose capture service is down still exits by itself, within closeTimeoutMs", T, async () => {
      const closed = await startCapture();
      const deadUrl = closed.url;
      await closed.close();
      const script = `
        import { ${kind.sync ? "SchematicSyncClient" : "SchematicClient"} as Client } from ${JSON.stringify(path.join(repoRoot, "generated/index.ts"))};
        const client = new Client({ apiKey: "sch_child", eventCaptureBaseUrl: process.argv[1], closeTimeoutMs: 500, retryBaseDelayMs: 20 });
        client.track({ event: "lost" });
        process.on("exit", () => console.log(JSON.stringify(client.eventStats())));
      `;
      const started = Date.now();
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, deadUrl], { cwd: repoRoot, timeout: 30_000 });
      let stdout = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      assert.equal(code, 0);
      assert.ok(Date.now() - started < 15_000, "exited without waiting for a service that is down");
      const { retried, ...stats } = JSON.parse(stdout) as Record<string, number>;
      assert.deepStrictEqual(stats, { accepted: 1, delivered: 0, dropped: 0, failed: 1, pending: 0 });
      assert.ok(retried! > 0, "it kept trying until close ran out of time");
    });
  });

  describe("offline and bad input", () => {
    it("offline sends nothing and queues nothing", T, () =>
      withCapture(async (capture) => {
        const sdk = await kind.create({ offline: true, eventCaptureBaseUrl: capture.url, baseUrl: capture.url });
        await sdk.track({ event: "x" });
        await sdk.identify({ keys: { id: "u_1" } });
        await sdk.flush();
        assert.deepStrictEqual(await sdk.close(), { accepted: 0, delivered: 0, retried: 0, dropped: 0, failed: 0, pending: 0 });
        await sleep(50);
        assert.equal(capture.connections, 0);
      }),
    );

    it("bad events are rejected at the call and never queued", T, () =>
      withCapture(async (capture) => {
        const sdk = await client(capture);
        const cases: [() => unknown, string][] = [
          [() => sdk.track({} as never), 'track: "event" is required'],
          [() => sdk.track({ event: "" }), 'track: "event" must be a non-empty string, got string ""'],
          [() => sdk.track({ event: "x", quantity: -1 }), 'track: "quantity" must be 0 or more, got number -1'],
          [() => sdk.track({ event: "x", quantity: Number.NaN }), 'track: "quantity" must be a whole number, got number NaN'],
          [() => sdk.track({ event: "x", quantity: Infinity }), 'track: "quantity" must be a whole number, got number Infinity'],
          [() => sdk.track({ event: "x", company: { id: 1 } } as never), 'track: "company".id must be a string, got number 1'],
          [() => sdk.track("signup" as never), 'track takes an object, got string "signup"'],
          [() => sdk.identify({ keys: "u_1" } as never), 'identify: "keys" must be an object of strings, got string "u_1"'],
          [() => sdk.identify({ name: "Ada" } as never), 'identify: "keys" is required'],
          [() => sdk.track({ event: "x" }, { idempotencyKey: "" }), 'track: idempotencyKey must be a non-empty string, got string ""'],
          [() => sdk.track({ event: "x" }, { sentAt: new Date("nope") }), "track: sentAt must be a valid Date, got an object"],
        ];
        for (const [call, message] of cases) {
          await assert.rejects(
            async () => call(),
            (error: unknown) => error instanceof InvalidArgumentError && error.message === message,
            message,
          );
        }
        assert.equal((await sdk.eventStats()).accepted, 0);
        const traits = JSON.parse('{"__proto__": {"polluted": true}}');
        sdk.track({ event: "x", traits });
        await sdk.close();
        assert.ok(capture.requests[0]!.body.includes('"traits":{"__proto__":{"polluted":true}}'));
        assert.equal(({} as { polluted?: boolean }).polluted, undefined);
      }),
    );

    it("bad event options fail at construction", T, async () => {
      await assert.rejects(kind.create({ apiKey: API_KEY, maxQueuedEvents: 0 }), /maxQueuedEvents must be a whole number, 1 or more/);
      await assert.rejects(kind.create({ apiKey: API_KEY, flushIntervalMs: -1 }), /flushIntervalMs must be a positive number/);
    });
  });
}
