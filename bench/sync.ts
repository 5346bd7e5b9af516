// Sync client vs async client, same run: a cached check (answered in the calling thread) and an uncached one (a round
// trip to the worker thread and the local server).
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import { loadPackage, median, printRows, type Row } from "./report.js";

const ROUNDS = 9;
const CACHED_CALLS = 500_000;
const UNCACHED_CALLS = 2_000;

/**
 * The floor of any blocking call through a worker thread: post a message, sleep in Atomics.wait, get an echo back,
 * with no work done. A sync request can cost no less than this on top of the async one.
 */
async function bareRoundTripMicros(): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const echo = new Worker(
    `const { workerData: { port, signal } } = require("node:worker_threads");
     port.on("message", (message) => { port.postMessage(message); Atomics.store(signal, 0, 1); Atomics.notify(signal, 0); });`,
    { eval: true, workerData: { port: port2, signal }, transferList: [port2] },
  );
  const call = (message: object) => {
    Atomics.store(signal, 0, 0);
    port1.postMessage(message);
    for (;;) {
      Atomics.wait(signal, 0, 0);
      Atomics.store(signal, 0, 0);
      const reply = receiveMessageOnPort(port1);
      if (reply) return reply.message as unknown;
    }
  };
  const message = { id: 1, method: "features.checkFlag", args: [{ key: "new-dashboard", company: { id: "co_123" } }, {}] };
  for (let i = 0; i < 500; i++) call(message);
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (let i = 0; i < UNCACHED_CALLS; i++) call(message);
    samples.push(((performance.now() - started) * 1e3) / UNCACHED_CALLS);
  }
  await echo.terminate();
  return median(samples);
}

export async function benchSync(): Promise<boolean> {
  const { SchematicClient, SchematicSyncClient } = await loadPackage();
  // The server has a process of its own: the sync client blocks this thread while it waits.
  const server = fork(new URL("./server.ts", import.meta.url), { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const port = await new Promise<number>((resolve) => server.once("message", (m: { port: number }) => resolve(m.port)));
  const options = { apiKey: "sch_bench_key", baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 };
  const context = { company: { id: "co_123" }, user: { user_id: "u_456" } };
  const cachedAsync = new SchematicClient({ ...options, cache: { maxAgeMs: 600_000 } });
  const cachedSync = new SchematicSyncClient({ ...options, cache: { maxAgeMs: 600_000 } });
  const uncachedAsync = new SchematicClient({ ...options, cache: false });
  const uncachedSync = new SchematicSyncClient({ ...options, cache: false });
  try {
    const started = performance.now();
    uncachedSync.checkFlag("new-dashboard", context);
    const firstCallMs = performance.now() - started;

    await cachedAsync.checkFlag("new-dashboard", context);
    cachedSync.checkFlag("new-dashboard", context);
    for (let i = 0; i < 100_000; i++) {
      await cachedAsync.checkFlag("new-dashboard", context);
      cachedSync.checkFlag("new-dashboard", context);
    }
    for (let i = 0; i < 300; i++) {
      await uncachedAsync.checkFlag("new-dashboard", context);
      uncachedSync.checkFlag("new-dashboard", context);
    }

    const samples = { cachedAsync: [] as number[], cachedSync: [] as number[], uncachedAsync: [] as number[], uncachedSync: [] as number[] };
    const time = async (into: number[], count: number, unit: number, op: () => unknown) => {
      const t = performance.now();
      for (let i = 0; i < count; i++) await op();
      into.push(((performance.now() - t) * unit) / count);
    };
    const timeSync = (into: number[], count: number, unit: number, op: () => unknown) => {
      const t = performance.now();
      for (let i = 0; i < count; i++) op();
      into.push(((performance.now() - t) * unit) / count);
    };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so that neither always runs on a warmer or a busier machine.
      const steps = [
        () => time(samples.cachedAsync, CACHED_CALLS, 1e6, () => cachedAsync.checkFlag("new-dashboard", context)),
        async () => timeSync(samples.cachedSync, CACHED_CALLS, 1e6, () => cachedSync.checkFlag("new-dashboard", context)),
        () => time(samples.uncachedAsync, UNCACHED_CALLS, 1e3, () => uncachedAsync.checkFlag("new-dashboard", context)),
        async () => timeSync(samples.uncachedSync, UNCACHED_CALLS, 1e3, () => uncachedSync.checkFlag("new-dashboard", context)),
      ];
      const order = round % 2 === 0 ? [0, 1, 2, 3] : [1, 0, 3, 2];
      for (const step of order) await steps[step]!();
    }
    const floor = await bareRoundTripMicros();
    console.log(`  (first call of a sync client, worker start included: ${firstCallMs.toFixed(0)} ms)`);
    const rows: Row[] = [
      {
        name: "cached checkFlag: sync vs awaited async",
        ours: median(samples.cachedSync),
        reference: median(samples.cachedAsync),
        unit: "ns/op",
        referenceName: "async client",
        better: "lower",
        target: 2,
      },
      {
        name: "uncached checkFlag: sync vs async",
        ours: median(samples.uncachedSync),
        reference: median(samples.uncachedAsync),
        unit: "µs/op",
        referenceName: "async client",
        better: "lower",
        maxExcess: 100,
      },
      {
        name: "uncached checkFlag: what sync adds",
        ours: median(samples.uncachedSync) - median(samples.uncachedAsync),
        reference: floor,
        unit: "µs/op",
        referenceName: "bare thread round trip",
        better: "lower",
      },
    ];
    return printRows(`Sync client (median of ${ROUNDS} rounds; ${CACHED_CALLS} cached and ${UNCACHED_CALLS} uncached checks each)`, rows);
  } finally {
    uncachedSync.close();
    cachedSync.close();
    server.kill();
  }
}
