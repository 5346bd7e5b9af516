// A plain synchronous program: no await, no promise, no callback. It checks a flag, upserts a company, records an
// event without closing the client, prints what it got, and ends by itself.
import { SchematicSyncClient } from "../../generated/index.js";

const [baseUrl, apiKey] = process.argv.slice(2);
const client = new SchematicSyncClient({ apiKey: apiKey!, baseUrl, eventCaptureBaseUrl: baseUrl, flushIntervalMs: 60_000 });
const on = client.checkFlag("new-dashboard", { company: { id: "co_1" } });
const again = client.checkFlag("new-dashboard", { company: { id: "co_1" } });
const company = client.companies.upsertCompany({ keys: { id: "co_1" }, name: "Acme" });
client.track({ event: "script-ran", company: { id: "co_1" } });
console.log(JSON.stringify({ on, again, company: { id: company.id, name: company.name, createdAt: company.createdAt.toISOString() } }));
