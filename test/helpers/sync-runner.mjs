// Entry of the thread that runs sync clients for the tests (see clients.ts). Node 20 does not give worker threads the
// parent's tsx hooks, so they are registered before the TypeScript runner is loaded.
import { register } from "tsx/esm/api";

register();
await import("./sync-runner.ts");
