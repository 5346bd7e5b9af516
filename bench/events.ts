// Events: how fast track() queues, how long 100 000 events take to reach a local capture service, and the memory
// of queued events, each beside a plain reference measured in the same run.
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { request } from "undici";
import { loadPackage, median, printRows, type Row } from "./report.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const EVENTS = 100_000;

function countOnServer(server: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    server.once("message", (m: { eventsReceived: number }) => resolve(m.eventsReceived));
    server.send("count");
  });
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export async function benchEvents(): Promise<boolean> {
  const { SchematicClient } = await loadPackage();
  const server = fork(new URL("./server.ts", import.meta.url), { execArgv: ["--import", "tsx"], stdio: ["inherit", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => server.once("message", (m: { port: number }) => resolve(m.port)));
  const url = `http://127.0.0.1:${port}`;
  try {
    const track = (i: number) => ({ event: "api_call", company: { id: `co_${i % 100}` }, user: { user_id: `u_${i % 1000}` }, quantity: 1 });

    // Enqueue rate: track() against building the same queued record by hand (the work any queue must do).
    const rates: number[] = [];
    const referenceRates: number[] = [];
    for (let round = 0; round < 5; round++) {
      const idle = new SchematicClient({ apiKey: "sch_bench", eventCaptureBaseUrl: url, maxQueuedEvents: EVENTS, flushIntervalMs: 600_000 });
      let started = performance.now();
      for (let i = 0; i < EVENTS; i++) idle.track(track(i));
      rates.push(EVENTS / ((performance.now() - started) / 1000));
      await idle.close();
      const plain: object[] = [];
      started = performance.now();
      for (let i = 0; i < EVENTS; i++) plain.push({ apiKey: "sch_bench", type: "track", body: track(i), idempotencyKey: randomUUID(), sentAt: new Date() });
      referenceRates.push(EVENTS / ((performance.now() - started) / 1000));
    }

    // Delivery: 100 000 tracks and close(), against undici posting the same batches (4 at a time) itself.
    const before = await countOnServer(server);
    const client = new SchematicClient({ apiKey: "sch_bench", eventCaptureBaseUrl: url, maxQueuedEvents: EVENTS });
    let started = performance.now();
    for (let i = 0; i < EVENTS; i++) client.track(track(i));
    const stats = await client.close();
    const deliveryMs = performance.now() - started;
    const received = (await countOnServer(server)) - before;
    if (stats.delivered !== EVENTS || received !== EVENTS) throw new Error(`delivered ${stats.delivered}, received ${received} of ${EVENTS}`);
    const batches = Array.from({ length: EVENTS / 100 }, (_, b) =>
      JSON.stringify({
        events: Array.from({ length: 100 }, (_, i) => ({ api_key: "sch_bench", type: "track", body: track(b * 100 + i), idempotency_key: randomUUID(), sent_at: new Date().toISOString() })),
      }),
    );
    started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < batches.length) {
          const response = await request(`${url}/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: batches[next++]! });
          await response.body.text();
        }
      }),
    );
    const referenceMs = performance.now() - started;

    // Memory: 10 000 queued events, against the same records held in a plain array.
    const baseline = heapAfterGc();
    const holding = new SchematicClient({ apiKey: "sch_bench", eventCaptureBaseUrl: "http://127.0.0.1:9", maxQueuedEvents: 20_000, flushIntervalMs: 600_000 });
    for (let i = 0; i < 10_000; i++) holding.track(track(i), { idempotencyKey: `key-${i}` });
    const queued = heapAfterGc() - baseline;
    const reference = Array.from({ length: 10_000 }, (_, i) => ({ apiKey: "sch_bench", type: "track", body: track(i), idempotencyKey: `key-${i}`, sentAt: new Date() }));
    const plain = heapAfterGc() - baseline - queued;
    void reference.length;
    void holding.eventStats();

    const rows: Row[] = [
      { name: `track() enqueue rate, ${EVENTS} events`, ours: median(rates), reference: median(referenceRates), unit: "ev/s", referenceName: "building records", better: "higher", absoluteMin: 200_000 },
      { name: `${EVENTS} events: track() to close() resolved`, ours: deliveryMs, reference: referenceMs, unit: "ms", referenceName: "undici, prebuilt", better: "lower", absoluteMax: 5_000 },
      { name: "memory of 10 000 queued events", ours: queued / 1024, reference: plain / 1024, unit: "KiB", referenceName: "plain array", better: "lower" },
    ];
    return printRows("Events (enqueue: median of 5 rounds)", rows);
  } finally {
    server.kill();
  }
}
