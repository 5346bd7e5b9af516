import { fork } from "node:child_process";
import { EventEmitter } from "node:events";
import { request } from "undici";
const { SchematicClient } = await import("../dist/generated/index.js");
const { ClientCore, identityCodec } = await import("../dist/runtime/index.js");
const server = fork(new URL("./server.ts", import.meta.url), { execArgv: ["--import", "tsx"] });
const port = await new Promise<number>((r) => server.once("message", (m: any) => r(m.port)));
const base = `http://127.0.0.1:${port}`;
const ctx = { company: { id: "co_123" }, user: { user_id: "u_456" } };
const H = { "X-Schematic-Api-Key": "k", accept: "application/json", "content-type": "application/json" };
const N = 3000;
async function cpu(call: () => Promise<unknown>) { let n = N; const c0 = process.cpuUsage(); await Promise.all(Array.from({length: 50}, async () => { while (n-- > 0) await call(); })); const c = process.cpuUsage(c0); return (c.user + c.system) / N; }
const c = new SchematicClient({ apiKey: "k", baseUrl: base, maxRetries: 0 });
const core = new ClientCore({ apiKey: "k", apiKeyOption: "apiKey", authHeader: "X-Schematic-Api-Key", servers: { api: { option: "baseUrl", url: base } }, errorClasses: {}, queryArrays: "repeat", timeoutMs: 60000, headers: {}, maxRetries: 0, retryStatuses: [], retryBaseDelayMs: 1, retryMaxDelayMs: 1, totalTimeoutMs: null });
const bare = { method: "POST", path: "/flags/x/check", server: "api", body: identityCodec, response: identityCodec, envelope: "data" } as const;
const variants: Record<string, () => Promise<unknown>> = {
  raw: async () => { const r = await request(`${base}/flags/x/check`, { method: "POST", headers: H, body: JSON.stringify(ctx) }); return ((await r.body.json()) as any).data; },
  rawEmitterTimer: async () => { const e = new EventEmitter() as any; e.aborted = false; const t = setTimeout(() => { e.aborted = true; e.emit("abort"); }, 60000); try { const r = await request(`${base}/flags/x/check`, { method: "POST", headers: H, body: JSON.stringify(ctx), signal: e }); return ((await r.body.json()) as any).data; } finally { clearTimeout(t); } },
  coreBare: () => core.request(bare as any, ctx),
  client: () => c.features.checkFlag({ key: "x", ...ctx }),
};
for (const f of Object.values(variants)) for (let i = 0; i < 1000; i++) await f();
const results: Record<string, number[]> = {};
for (let round = 0; round < 12; round++) for (const [k, f] of Object.entries(variants)) (results[k] ??= []).push(await cpu(f));
for (const [k, v] of Object.entries(results)) { v.sort((a, b) => a - b); console.log(k.padEnd(18), "min", v[0]!.toFixed(1), "median", v[6]!.toFixed(1), "µs cpu/req"); }
server.kill();
