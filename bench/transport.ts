// Generated client vs raw undici.request: the same flag-check calls against one local server, in one run.
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { request } from "undici";
import { loadPackage, median, printRows, type Row } from "./report.js";

const API_KEY = "sch_bench_key";
// Many short interleaved rounds and their median: on a small shared machine single long runs vary by ±30%.
const SEQUENTIAL_CALLS = 2_000;
const CONCURRENT_CALLS = 5_000;
const CONCURRENCY = 50;
const ROUNDS = 20;

type Call = () => Promise<unknown>;

/** Median latency of each call, the two alternating call by call so that drift in machine load hits both alike. */
async function sequentialMicros(a: Call, b: Call): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
    for (const call of i % 2 === 0 ? [a, b] : [b, a]) {
      const started = performance.now();
      await call();
      times[call === a ? 0 : 1].push((performance.now() - started) * 1000);
    }
  }
  return [median(times[0]), median(times[1])];
}

async function concurrentPerSecond(call: Call): Promise<number> {
  let remaining = CONCURRENT_CALLS;
  const worker = async () => {
    while (remaining-- > 0) await call();
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return CONCURRENT_CALLS / ((performance.now() - started) / 1000);
}

export async function benchTransport(): Promise<boolean> {
  const server = fork(new URL("./server.ts", import.meta.url), { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const port = await new Promise<number>((resolve) => server.once("message", (m: { port: number }) => resolve(m.port)));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    const { SchematicClient } = await loadPackage();
    const client = new SchematicClient({ apiKey: API_KEY, baseUrl, maxRetries: 0 });
    const context = { company: { id: "co_123" }, user: { user_id: "u_456" } };
    const ours: Call = () => client.features.checkFlag({ key: "new-dashboard", ...context });
    const raw: Call = async () => {
      const response = await request(`${baseUrl}/flags/new-dashboard/check`, {
        method: "POST",
        headers: { "X-Schematic-Api-Key": API_KEY, accept: "application/json", "content-type": "application/json" },
        body: JSON.stringify(context),
      });
      const json = (await response.body.json()) as { data: unknown };
      return json.data;
    };
    // Warm up both paths (JIT, connections), then interleave rounds so drift in machine load hits both alike.
    for (const call of [ours, raw]) for (let i = 0; i < 500; i++) await call();
    const results = { oursSeq: [] as number[], rawSeq: [] as number[], oursCon: [] as number[], rawCon: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const [oursSeq, rawSeq] = await sequentialMicros(ours, raw);
      results.oursSeq.push(oursSeq);
      results.rawSeq.push(rawSeq);
      // Alternate which goes first, so neither always runs on a warmer or a busier machine.
      if (round % 2 === 0) {
        results.rawCon.push(await concurrentPerSecond(raw));
        results.oursCon.push(await concurrentPerSecond(ours));
      } else {
        results.oursCon.push(await concurrentPerSecond(ours));
        results.rawCon.push(await concurrentPerSecond(raw));
      }
    }
    const ratios = results.oursCon.map((value, i) => value / results.rawCon[i]!).sort((a, b) => a - b);
    const rows: Row[] = [
      {
        name: "checkFlag, sequential: latency",
        ours: median(results.oursSeq),
        reference: median(results.rawSeq),
        unit: "µs",
        referenceName: "undici.request",
        better: "lower",
        target: 1.1,
      },
      {
        name: `checkFlag, ${CONCURRENCY}-way concurrent: throughput`,
        ours: median(results.oursCon),
        reference: median(results.rawCon),
        unit: "req/s",
        referenceName: "undici.request",
        better: "higher",
        target: 0.9,
      },
    ];
    const met = printRows(`Transport (median of ${ROUNDS} rounds; ${SEQUENTIAL_CALLS} sequential and ${CONCURRENT_CALLS} concurrent calls each)`, rows);
    console.log(`  (concurrent throughput ratio per round: min ${ratios[0]!.toFixed(2)}, median ${median(ratios).toFixed(2)}, max ${ratios.at(-1)!.toFixed(2)})`);
    return met;
  } finally {
    server.kill();
  }
}
