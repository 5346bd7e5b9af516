import { existsSync, writeFileSync } from "node:fs";
import { Agent, type Dispatcher } from "undici";

/**
 * A dispatcher module whose first worker crashes 200 ms after it starts (an uncaught exception in a timer), as a bug
 * in a user's module would: later workers, started after the marker file exists, do not.
 */
export function createDispatcher(): Dispatcher {
  const marker = process.env.SYNC_CRASH_MARKER_FILE!;
  if (!existsSync(marker)) {
    writeFileSync(marker, "crashed once\n");
    setTimeout(() => {
      throw new Error("a bug in the dispatcher module");
    }, 200);
  }
  return new Agent();
}
