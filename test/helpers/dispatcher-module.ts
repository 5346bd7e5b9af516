import { appendFileSync } from "node:fs";
import { Agent, type Dispatcher } from "undici";

/**
 * A dispatcher factory as a sync client's `dispatcherModule` names it: one connection at most, and a header that
 * shows the requests went through it. The async client's tests use the same dispatcher directly.
 * When SYNC_WORKER_STARTS_FILE is set, each call appends a line to that file: a sync client's worker calls it once as
 * it starts, which lets a test count worker starts.
 */
export function createDispatcher(): Dispatcher {
  const marker = process.env.SYNC_WORKER_STARTS_FILE;
  if (marker) appendFileSync(marker, "started\n");
  return new Agent({ connections: 1 }).compose(
    (dispatch) => (options, handler) =>
      dispatch({ ...options, headers: { ...(options.headers as Record<string, string>), "x-dispatcher": "dispatcher-module" } }, handler),
  );
}
