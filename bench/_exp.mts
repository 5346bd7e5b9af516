import { fork } from "node:child_process";
import { EventEmitter } from "node:events";
import { request } from "undici";
const { SchematicClient } = await import("../dist/generated/index.js");
const server = fork(new URL("./server.ts", import.meta.url), { execArgv: ["--import", "tsx"] });
const port = await new Promise<number>((r) => server.once("message", (m: any) => r(m.port)));
const base = `http://127.0.0.1:${port}`;
const ctx = { company: { id: "co_123" }, user: { user_id: "u_456" } };
const H = { "X-Schematic-Api-Key": "k", accept: "application/json", "content-type": "application/json" };
async function cpu(call: () => Promise<unknown>) { let n = 5000; const c0 = process.cpuUsage(); const t = performance.now(); await Promise.all(Array.from({length: 50}, async () => { while (n-- > 0) await call(); })); const c = process.cpuUsage(c0); return [((c.user + c.system) / 5000).toFixed(1) + "µs cpu", Math.round(5000 / ((performance.now() - t) / 1000)) + "/s"].join(" "); }
const c = new SchematicClient({ apiKey: "k", baseUrl: base, maxRetries: 0 });
const variants: Record<string, () => Promise<unknown>> = {
  raw: async () => { const r = await request(`${base}/flags/x/check`, { method: "POST", headers: H, body: JSON.stringify(ctx) }); return ((await r.body.json()) as any).data; },
  rawText: async () => { const r = await request(`${base}/flags/x/check`, { method: "POST", headers: H, body: JSON.stringify(ctx) }); return JSON.parse(await r.body.text()).data; },
  rawEmitterTimer: async () => { const e = new EventEmitter() as any; e.aborted = false; const t = setTimeout(() => { e.aborted = true; e.emit("abort"); }, 60000); try { const r = await request(`${base}/flags/x/check`, { method: "POST", headers: H, body: JSON.stringify(ctx), signal: e }); return ((await r.body.json()) as any).data; } finally { clearTimeout(t); } },
  client: () => c.features.checkFlag({ key: "x", ...ctx }),
};
for (const f of Object.values(variants)) for (let i = 0; i < 1000; i++) await f();
for (let round = 0; round < 4; round++) console.log(Object.entries(variants).map(([k, f]) => k).join(" | ")), console.log((await Promise.all([0])) && (await (async () => { const out = []; for (const f of Object.values(variants)) out.push(await cpu(f)); return out.join(" | "); })()));
server.kill();
