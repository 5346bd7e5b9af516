// Flag-check cache: a cached checkFlag, and cache sets at capacity, beside lru-cache doing the same in the same run.
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { LRUCache } from "lru-cache";
import { loadPackage, loadRuntime, median, printRows, type Row } from "./report.js";

const ROUNDS = 7;

/** Median ns per call of `op` over rounds of `count` calls. */
function nsPerOp(count: number, op: (i: number) => void): number {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (let i = 0; i < count; i++) op(i);
    samples.push(((performance.now() - started) * 1e6) / count);
  }
  return median(samples);
}

async function nsPerAsyncOp(count: number, op: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (let i = 0; i < count; i++) await op();
    samples.push(((performance.now() - started) * 1e6) / count);
  }
  return median(samples);
}

/** Sets of fresh keys into a full cache, so that every set evicts: ours and lru-cache, alternating rounds. */
function setAtCapacity(capacity: number, LruCache: Awaited<ReturnType<typeof loadRuntime>>["LruCache"]): [number, number] {
  const keys = Array.from({ length: capacity * 4 }, (_, i) => `flag-${i}|company|2:id${String(i).length}:${i}`);
  const ours = new LruCache<number>(capacity, 60_000);
  const reference = new LRUCache<string, number>({ max: capacity, ttl: 60_000, ttlAutopurge: false });
  for (let i = 0; i < capacity; i++) {
    ours.set(keys[i]!, i);
    reference.set(keys[i]!, i);
  }
  const count = 200_000;
  let next = capacity;
  const key = () => keys[next++ % keys.length]!;
  return [nsPerOp(count, (i) => ours.set(key(), i)), nsPerOp(count, (i) => reference.set(key(), i))];
}

export async function benchCache(): Promise<boolean> {
  const { SchematicClient } = await loadPackage();
  const runtime = await loadRuntime();
  const server = fork(new URL("./server.ts", import.meta.url), { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const port = await new Promise<number>((resolve) => server.once("message", (m: { port: number }) => resolve(m.port)));
  let cachedCheck: number;
  let referenceGet: number;
  try {
    const client = new SchematicClient({ apiKey: "sch_bench_key", baseUrl: `http://127.0.0.1:${port}`, cache: { maxAgeMs: 600_000 } });
    const context = { company: { id: "co_123" }, user: { user_id: "u_456" } };
    await client.checkFlag("new-dashboard", context); // fills the cache
    for (let i = 0; i < 100_000; i++) await client.checkFlag("new-dashboard", context);
    cachedCheck = await nsPerAsyncOp(500_000, () => client.checkFlag("new-dashboard", context));
    const reference = new LRUCache<string, { value: boolean }>({ max: 1000, ttl: 600_000 });
    reference.set("new-dashboard|company|2:id6:co_123|user|7:user_id5:u_456", { value: true });
    referenceGet = await nsPerAsyncOp(500_000, async () => reference.get("new-dashboard|company|2:id6:co_123|user|7:user_id5:u_456")?.value);
  } finally {
    server.kill();
  }
  const [small, smallReference] = setAtCapacity(1_000, runtime.LruCache);
  const [large, largeReference] = setAtCapacity(100_000, runtime.LruCache);
  const rows: Row[] = [
    {
      name: "cached checkFlag (awaited)",
      ours: cachedCheck,
      reference: referenceGet,
      unit: "ns/op",
      referenceName: "awaited lru-cache get",
      better: "lower",
      absoluteMax: 300,
    },
    { name: "cache set at capacity, 1 000 entries", ours: small, reference: smallReference, unit: "ns/op", referenceName: "lru-cache set", better: "lower", target: 1.5 },
    { name: "cache set at capacity, 100 000 entries", ours: large, reference: largeReference, unit: "ns/op", referenceName: "lru-cache set", better: "lower", target: 1.5 },
    // Any cache slows down once its working set outgrows the CPU caches; an O(1) set grows no more than the reference.
    {
      name: "set cost growth, 1 000 -> 100 000 entries",
      ours: large / small,
      reference: largeReference / smallReference,
      unit: "x",
      referenceName: "lru-cache growth",
      better: "lower",
      target: 1.5,
    },
  ];
  return printRows(`Flag-check cache (median of ${ROUNDS} rounds)`, rows);
}
