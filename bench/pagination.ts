// Pages: iterating 10 000 companies in pages of 100 with `for await` over listCompanies, beside a hand-written loop
// over the same method that asks for each page itself (the same 101 requests), in the same run against one local
// server holding pre-serialized pages.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { wireCompany } from "../test/helpers/wire.js";
import { loadPackage, median, printRows } from "./report.js";

const RECORDS = 10_000;
const PAGE_SIZE = 100;
const ROUNDS = 7;

export async function benchPagination(): Promise<boolean> {
  const { SchematicClient } = await loadPackage();
  const companies = Array.from({ length: RECORDS }, (_, i) => ({ ...wireCompany(), id: `co_${i}` }));
  const pages = new Map<number, string>();
  for (let offset = 0; offset <= RECORDS; offset += PAGE_SIZE) {
    pages.set(offset, JSON.stringify({ data: companies.slice(offset, offset + PAGE_SIZE), params: {} }));
  }
  const server = createServer((req, res) => {
    const offset = Number(new URL(req.url!, "http://x").searchParams.get("offset") ?? 0);
    const body = pages.get(offset) ?? '{"data":[]}';
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new SchematicClient({ apiKey: "sch_bench_key", baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });

  const iterated = async () => {
    let count = 0;
    for await (const _company of client.companies.listCompanies({ limit: PAGE_SIZE })) count++;
    return count;
  };
  const handLoop = async () => {
    let count = 0;
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const page = await client.companies.listCompanies({ limit: PAGE_SIZE, offset });
      count += page.items.length;
      if (page.items.length < PAGE_SIZE) return count;
    }
  };
  const samples: [number[], number[]] = [[], []];
  try {
    for (const run of [iterated, handLoop]) if ((await run()) !== RECORDS) throw new Error(`${run.name} saw the wrong number of companies`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, run] of [iterated, handLoop].entries()) {
        const started = performance.now();
        await run();
        samples[i]!.push(performance.now() - started);
      }
    }
  } finally {
    server.close();
  }
  return printRows(`Pages (${RECORDS} companies in pages of ${PAGE_SIZE}, local server)`, [
    {
      name: "for await over listCompanies",
      ours: median(samples[0]),
      reference: median(samples[1]),
      unit: "ms",
      referenceName: "hand loop, same calls",
      better: "lower",
      target: 1.1,
    },
  ]);
}
