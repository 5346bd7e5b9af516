import { closeOnSignals, stopClosingOnSignals } from "../event-signals.js";
import { checkEvent, checkEventSettings, type EventOptions, type EventSettings, type EventSpec, type EventStats } from "../events.js";
import { LogLimiter } from "../log-limiter.js";
import type { SyncBridge } from "./bridge.js";

/** Settings of the sync client's events: those of the async client's queue that the calling thread needs. */
export type SyncEventSettings = Pick<EventSettings, "flushIntervalMs" | "maxQueuedEvents" | "closeTimeoutMs" | "offline" | "logger" | "closeOnSignals">;

const NO_EVENTS: EventStats = Object.freeze({ accepted: 0, delivered: 0, retried: 0, dropped: 0, failed: 0, pending: 0 });

/** Queues with events handed to their worker since the last flush or close; delivered before the process exits. */
const unflushed = new Set<SyncEvents>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // The worker never keeps the process alive, so this thread delivers what is left before it ends (bounded by closeTimeoutMs).
  process.on("beforeExit", () => {
    for (const events of unflushed) {
      try {
        events.close();
      } catch (error) {
        events.report(`events not delivered before exit: ${(error as Error).message}`);
      }
    }
  });
}

/**
 * The sync client's events: checked in the calling thread and handed to the worker's event queue without waiting
 * for it; the queue, batching, retries and counts are the async client's, in the worker.
 */
export class SyncEvents {
  private closed = false;
  private closedStats: EventStats | undefined;
  /** Events given after close(): counted here, since they never reach the worker. */
  private droppedAfterClose = 0;
  private readonly log: LogLimiter;

  private readonly settings: SyncEventSettings;

  constructor(
    private readonly bridge: SyncBridge,
    private readonly spec: Pick<EventSpec, "kinds">,
    settings: SyncEventSettings,
  ) {
    checkEventSettings(settings);
    // The generated client passes the API key too; this thread never needs it, and keeping it would show it in inspect().
    const { apiKey: _apiKey, ...withoutKey } = settings as SyncEventSettings & { apiKey?: unknown };
    this.settings = withoutKey;
    this.log = new LogLimiter(settings.logger);
    // Signals reach the main thread, not the worker: this thread closes, which delivers through the worker.
    if (settings.closeOnSignals === true && !settings.offline) closeOnSignals(this);
  }

  /** Checks an event and hands it to the worker; `kind` is also the name of the async client's method for it. */
  add(kind: string, body: unknown, options?: EventOptions): void {
    checkEvent(this.spec.kinds, kind, body, options);
    if (this.settings.offline) return;
    if (this.closed) {
      this.droppedAfterClose++;
      this.log.warn("events dropped after close", `${kind} dropped: the client is closed`);
      return;
    }
    // The clone made here is the queued event: later changes to the caller's object do not reach it.
    if (options === undefined) this.bridge.post(kind, [body]);
    else this.bridge.post(kind, [body, options], 1);
    unflushed.add(this);
    installExitHook();
  }

  /** Sends what is queued; returns when it is delivered, or after closeTimeoutMs at most (what is left stays queued). */
  flush(): void {
    if (!this.bridge.started) return;
    this.bridge.call("flush", []);
    // A flush cut short by closeTimeoutMs leaves events queued: the exit hook must still deliver them.
    if ((this.bridge.call("eventStats", []) as EventStats).pending === 0) unflushed.delete(this);
  }

  /** Delivers what is queued, then stops the worker: it holds a thread and connections. A later request starts a new one. */
  close(): EventStats {
    if (this.closedStats === undefined) {
      this.closed = true;
      unflushed.delete(this);
      stopClosingOnSignals(this);
      this.closedStats = this.bridge.started ? (this.bridge.call("close", []) as EventStats) : NO_EVENTS;
      this.bridge.stop();
    }
    return this.withLocalCounts(this.closedStats);
  }

  stats(): EventStats {
    // After close the counts are final: no event reaches a worker any more.
    const counts = this.closedStats ?? (this.bridge.started ? (this.bridge.call("eventStats", []) as EventStats) : NO_EVENTS);
    return this.withLocalCounts(counts);
  }

  report(message: string): void {
    this.settings.logger?.error?.(message);
  }

  private withLocalCounts(stats: EventStats): EventStats {
    return { ...stats, dropped: stats.dropped + this.droppedAfterClose };
  }
}
