// A process that tracks events against a capture service and then does one thing with its client, for the tests of
// test/events-faults.test.ts where the process's exit (how, and when) is the point.
// Usage: events-child.ts <async|sync> <captureUrl> <close|signal|app-signal> [closeOnSignals]
import { SchematicClient, SchematicSyncClient, type SchematicClientOptions } from "../../generated/index.js";

const [kind, captureUrl, action, closeOnSignals] = process.argv.slice(2);
const options = {
  apiKey: "sch_child_secret",
  eventCaptureBaseUrl: captureUrl!,
  closeTimeoutMs: 3_000,
  flushIntervalMs: 60_000,
  retryBaseDelayMs: 20,
  ...(closeOnSignals === "closeOnSignals" ? { closeOnSignals: true } : {}),
} as SchematicClientOptions;
const client = kind === "sync" ? new SchematicSyncClient(options) : new SchematicClient(options);
for (let i = 0; i < 5; i++) client.track({ event: "from_child", quantity: i });

if (action === "close") {
  const stats = await client.close();
  // The parent times the exit from this line: nothing may keep the process alive once close() has returned.
  console.log(JSON.stringify(stats));
} else if (action === "signal" || action === "app-signal") {
  // An application with a handler of its own: it decides when to exit, so the client must not end the process.
  if (action === "app-signal") process.on("SIGTERM", () => console.log("the application's handler ran"));
  // Kept alive, as a server would be, until a signal arrives; the parent sends it once this line is read.
  setInterval(() => undefined, 1_000);
  console.log("ready");
}
