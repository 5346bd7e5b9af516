// Flag cache in Redis: a cached checkFlag through RedisCache (no in-memory level), beside a raw GET of the same entry
// with the same node-redis client in the same run. Redis is started the way the tests start it (test/helpers/redis.ts).
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { createClient } from "redis";
import { redisAvailable, startRedis } from "../test/helpers/redis.js";
import { loadPackage, loadRuntime, median, printRows } from "./report.js";

const ROUNDS = 7;
const CALLS_PER_ROUND = 3_000;

/** Median ns per awaited call of each op, their rounds alternating so that drift hits both alike. */
async function alternating(ops: (() => Promise<unknown>)[]): Promise<number[]> {
  const samples = ops.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, op] of ops.entries()) {
      const started = performance.now();
      for (let call = 0; call < CALLS_PER_ROUND; call++) await op();
      samples[i]!.push(((performance.now() - started) * 1e6) / CALLS_PER_ROUND);
    }
  }
  return samples.map(median);
}

export async function benchRedis(): Promise<boolean> {
  if (!redisAvailable) {
    console.log("\nFlag cache in Redis: skipped, redis-server is not on PATH");
    return true;
  }
  const { SchematicClient } = await loadPackage();
  const { RedisCache } = await loadRuntime();
  const redis = await startRedis();
  const server = fork(new URL("./server.ts", import.meta.url), { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const port = await new Promise<number>((resolve) => server.once("message", (m: { port: number }) => resolve(m.port)));
  const connection = createClient({ url: redis.url });
  connection.on("error", () => undefined);
  let cachedCheck: number;
  let rawGet: number;
  try {
    await connection.connect();
    const store = new RedisCache({ client: connection, namespace: "bench" });
    const client = new SchematicClient({ apiKey: "sch_bench_key", baseUrl: `http://127.0.0.1:${port}`, cache: { maxSize: 0, maxAgeMs: 600_000, store } });
    const context = { company: { id: "co_123" }, user: { user_id: "u_456" } };
    await client.checkFlag("new-dashboard", context); // fills Redis
    await connection.ping(); // the write it started has landed
    const [entry] = (await connection.keys("bench:*")).filter((key) => key.split(":").length > 3);
    for (let i = 0; i < 2_000; i++) await client.checkFlag("new-dashboard", context);
    [cachedCheck, rawGet] = (await alternating([() => client.checkFlag("new-dashboard", context), () => connection.get(entry!)])) as [number, number];
  } finally {
    server.kill();
    connection.destroy();
    await redis.stop();
  }
  return printRows("Flag cache in Redis (loopback redis-server, one connection)", [
    {
      name: "cached checkFlag through RedisCache",
      ours: cachedCheck,
      reference: rawGet,
      unit: "ns/op",
      referenceName: "node-redis GET, same key",
      better: "lower",
      target: 1.5,
    },
  ]);
}
