// A flag-check endpoint and a capture endpoint for benchmarks, run in their own process so that they do not share
// the client's event loop.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const body = JSON.stringify({
  data: {
    flag: "new-dashboard",
    value: true,
    reason: "Matched rule 3",
    flag_id: "flag_123",
    rule_id: "rule_3",
    rule_type: "plan_entitlement",
    company_id: "co_123",
    user_id: "u_456",
    feature_usage_reset_at: "2025-04-01T00:00:00.000Z",
    entitlement: { feature_id: "feat_1", feature_key: "dash", value_type: "boolean" },
  },
  params: {},
});

let eventsReceived = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    if (req.url === "/batch") {
      // The capture service: reads the batch, counts its events, acknowledges.
      eventsReceived += (JSON.parse(Buffer.concat(chunks).toString()) as { events: unknown[] }).events.length;
      res.writeHead(200, { "content-type": "application/json", "content-length": 2 });
      res.end("{}");
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
process.on("message", (message: string) => {
  if (message === "count") process.send?.({ eventsReceived });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on("disconnect", () => process.exit(0));
