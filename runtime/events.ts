import type { ClientCore, Operation } from "./client-core.js";
import { ApiError, InvalidArgumentError } from "./errors.js";
import { checkEvent, checkEventSettings, type EventOptions, type FieldRule } from "./event-checks.js";
import { EventQueue, type QueuedEvent } from "./event-queue.js";
import { closeOnSignals, stopClosingOnSignals } from "./event-signals.js";
import { LogLimiter } from "./log-limiter.js";
import type { Logger } from "./options.js";
import { backoffDelayMs, retryAfterMs, sleep } from "./retry.js";

export { checkEvent, checkEventSettings, type EventOptions, type FieldRule };

/** How the manifest maps events onto the batch operation (names are the SDK's camelCase names). */
export interface EventSpec {
  operation: Operation<unknown>;
  /** Argument of the operation that holds the list of events. */
  batchField: string;
  maxBatchSize: number;
  /** Fields of one event as sent. */
  fields: { apiKey: string; type: string; body: string; idempotencyKey: string; sentAt: string };
  /** Per kind of event (identify, track): its wire type and the rules of its body. */
  kinds: Readonly<Record<string, { type: string; rules: readonly FieldRule[] }>>;
}

export interface EventSettings {
  apiKey: string | undefined;
  flushIntervalMs: number;
  maxQueuedEvents: number;
  closeTimeoutMs: number;
  offline: boolean;
  logger: Logger | undefined;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** On SIGTERM or SIGINT: close (delivering queued events), then end the process by that signal. @default false */
  closeOnSignals?: boolean | undefined;
}

/** What became of the events a client was given. Loss is never silent: every event ends in one of these counts. */
export interface EventStats {
  /** Events taken into the queue. */
  accepted: number;
  /** Events the service acknowledged. */
  delivered: number;
  /** Re-sends of events after a failed batch. */
  retried: number;
  /** Events dropped unsent: the oldest when the queue was full, and events given after close(). */
  dropped: number;
  /** Events given up on: refused by the service, or still unsent when close() ran out of time. */
  failed: number;
  /** Events waiting to be sent or in a batch under way. */
  pending: number;
}

/** Batches in flight at once: enough to deliver bursts quickly without flooding the service. */
const MAX_CONCURRENT_BATCHES = 4;

const open = new Set<EventBuffer>();
let exitHookInstalled = false;

/** When the process is about to exit with events still queued, each buffer delivers them (bounded by its close timeout). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("beforeExit", () => {
    for (const buffer of open) if (buffer.stats().pending > 0) void buffer.close();
  });
}

/** Queues events and posts them in batches; `add` never blocks and never throws because of the network. */
export class EventBuffer {
  /** A private field: it stays out of util.inspect, JSON and error details of the client. */
  readonly #apiKey: string | undefined;
  private readonly settings: Omit<EventSettings, "apiKey">;
  private readonly queue: EventQueue;
  private readonly log: LogLimiter;
  private sending = 0;
  /** Events in batches under way. */
  private inBatches = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private closing: Promise<EventStats> | undefined;
  private readonly idleWaiters = new Set<() => void>();
  /** Set by close(): retries stop waiting past it. */
  private deadline = Infinity;
  /** Set when close() ran out of time: batches still under way were counted as failed and count nothing more. */
  private abandoned = false;
  /** Aborted when close() starts: batches waiting out a delay (a long Retry-After) are retried at once. */
  private readonly hurry = new AbortController();
  /** Aborted when close() runs out of time: requests under way stop, so none arrives later or keeps the process alive. */
  private readonly abandon = new AbortController();
  private readonly counts = { accepted: 0, delivered: 0, retried: 0, dropped: 0, failed: 0 };

  constructor(
    private readonly core: ClientCore,
    private readonly spec: EventSpec,
    settings: EventSettings,
  ) {
    checkEventSettings(settings);
    const { apiKey, ...rest } = settings;
    this.#apiKey = apiKey;
    this.settings = rest;
    this.queue = new EventQueue(settings.maxQueuedEvents);
    this.log = new LogLimiter(settings.logger);
    // Signals reach only the main thread: the sync client's worker leaves them to the thread that created the client.
    // node:worker_threads is loaded only here: loading it costs an import of the package milliseconds.
    if (settings.closeOnSignals === true && !settings.offline && process.getBuiltinModule("node:worker_threads").isMainThread) closeOnSignals(this);
  }

  /** Validates an event and queues it. Throws InvalidArgumentError for a bad event; never for the network. */
  add(kind: string, body: unknown, options: EventOptions = {}): void {
    const { type } = checkEvent(this.spec.kinds, kind, body, options);
    if (this.settings.offline) return;
    if (this.closed) {
      this.counts.dropped++;
      this.log.warn("events dropped after close", `${kind} dropped: the client is closed`);
      return;
    }
    // A copy: a caller that reuses and changes its object after the call does not change the queued event.
    const event = { type, body: { ...(body as object) }, idempotencyKey: options.idempotencyKey ?? crypto.randomUUID(), sentAt: options.sentAt ?? new Date() };
    this.counts.accepted++;
    if (this.queue.push(event) !== undefined) {
      this.counts.dropped++;
      this.log.warn("events dropped (queue full)", `event queue full (maxQueuedEvents ${this.settings.maxQueuedEvents}): the oldest event was dropped, ${this.counts.dropped} so far`);
    }
    if (!open.has(this)) {
      open.add(this);
      installExitHook();
    }
    if (this.queue.size >= this.spec.maxBatchSize) this.pump();
    else this.timer ??= setTimeout(() => this.onTimer(), this.settings.flushIntervalMs).unref();
  }

  stats(): EventStats {
    return { ...this.counts, pending: this.abandoned ? 0 : this.queue.size + this.inBatches };
  }

  /** In JSON (of a client, say) the queue is its counts: not its events, nor its timers, which JSON cannot hold. */
  toJSON(): EventStats {
    return this.stats();
  }

  /**
   * Sends everything queued now, and resolves when the queue is empty and no batch is under way, or after
   * closeTimeoutMs at most: then what is left stays queued and keeps being retried, and a line says how much.
   */
  async flush(): Promise<void> {
    this.pump(true);
    if (this.idle() || (await this.idleWithin(this.settings.closeTimeoutMs)) || this.closed) return;
    const { pending } = this.stats();
    this.log.warn("flush timed out", `flush: ${pending} events not delivered within ${this.settings.closeTimeoutMs} ms (closeTimeoutMs); they stay queued and are retried`);
  }

  /**
   * Stops accepting events and delivers the queued ones, retrying at once those waiting out a delay. Resolves once
   * every accepted event is delivered or has finally failed; after closeTimeoutMs what is left counts as failed and
   * requests under way are aborted.
   */
  close(): Promise<EventStats> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  private async closeNow(): Promise<EventStats> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    stopClosingOnSignals(this);
    this.deadline = Date.now() + this.settings.closeTimeoutMs;
    this.hurry.abort();
    this.pump(true);
    if (!this.idle() && !(await this.idleWithin(this.settings.closeTimeoutMs))) {
      const left = this.queue.size + this.inBatches;
      this.counts.failed += left;
      this.abandoned = true;
      this.queue.clear();
      this.abandon.abort();
      this.log.warn("close timed out", `close: ${left} events not delivered within ${this.settings.closeTimeoutMs} ms (closeTimeoutMs), counted as failed`);
    }
    open.delete(this);
    return this.stats();
  }

  private idle(): boolean {
    return this.queue.size === 0 && this.sending === 0;
  }

  /** Resolves true once nothing is queued or under way, or false after `timeoutMs`. */
  private idleWithin(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const settle = (idle: boolean) => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(idle);
      };
      const onIdle = () => settle(true);
      const timer = setTimeout(settle, timeoutMs, false);
      this.idleWaiters.add(onIdle);
    });
  }

  private onTimer(): void {
    this.timer = undefined;
    this.pump(true);
  }

  /** Starts batches while there is work and room; partial batches only when `all` (timer, flush, close). */
  private pump(all = false): void {
    while (this.sending < MAX_CONCURRENT_BATCHES && !this.abandoned) {
      if (this.queue.size === 0 || (!all && this.queue.size < this.spec.maxBatchSize)) break;
      const batch = this.queue.take(this.spec.maxBatchSize);
      this.sending++;
      this.inBatches += batch.length;
      void this.send(batch).finally(() => {
        this.sending--;
        this.pump(this.closed || this.queue.size >= this.spec.maxBatchSize);
        if (this.queue.size > 0 && this.timer === undefined && !this.closed) {
          this.timer = setTimeout(() => this.onTimer(), this.settings.flushIntervalMs).unref();
        }
        if (this.idle()) {
          // Drained: nothing for the exit hook to deliver, so the registry need not keep this buffer alive.
          open.delete(this);
          for (const resolve of [...this.idleWaiters]) resolve();
        }
      });
    }
  }

  /**
   * Sends one batch until it is delivered, refused, or out of time; its events stay counted as pending meanwhile.
   * The buffer owns every retry (the request itself makes one attempt), so that each re-send is counted.
   */
  private async send(events: QueuedEvent[]): Promise<void> {
    let batch = events.map((event) => this.toWire(event));
    // Closing grants every batch one retry at once, whether it was waiting when close() came or failed after.
    let closeRetryUsed = false;
    try {
      for (let attempt = 1; !this.abandoned; attempt++) {
        try {
          await this.core.request(this.spec.operation, { [this.spec.batchField]: batch }, { maxRetries: 0, signal: this.abandon.signal });
          if (!this.abandoned) this.counts.delivered += batch.length;
          return;
        } catch (error) {
          if (this.abandoned) return;
          if (!(error instanceof ApiError) || error instanceof InvalidArgumentError) {
            // The batch could not be written: an event's nested data was changed after it was checked.
            const sendable = batch.filter(isJson);
            if (sendable.length > 0 && sendable.length < batch.length) {
              this.fail(batch.length - sendable.length, "could not be sent as JSON (changed after the call?)");
              this.inBatches -= batch.length - sendable.length;
              batch = sendable;
              attempt--;
              continue;
            }
          }
          const retriable = error instanceof ApiError && this.core.isRetriable(error);
          let delayMs =
            (error instanceof ApiError ? retryAfterMs(error.headers) : undefined) ??
            backoffDelayMs(attempt, this.settings.retryBaseDelayMs, this.settings.retryMaxDelayMs);
          if (retriable && this.closed && !closeRetryUsed) {
            delayMs = 0;
            closeRetryUsed = true;
          }
          if (!retriable || Date.now() + delayMs >= this.deadline) return this.fail(batch.length, (error as Error).message);
          this.counts.retried += batch.length;
          if (await this.wait(delayMs)) closeRetryUsed = true;
        }
      }
    } finally {
      this.inBatches -= batch.length;
    }
  }

  /**
   * Waits before a retry; answers true when close() cut the wait short. Never keeps the process alive: at exit,
   * close() bounds delivery.
   */
  private async wait(delayMs: number): Promise<boolean> {
    // Before close, close() wakes the wait; once closing, only giving up does (further waits are bounded by the deadline).
    const signal = this.closed ? this.abandon.signal : this.hurry.signal;
    return sleep(delayMs, signal, true).then(
      () => false,
      () => true,
    );
  }

  private fail(count: number, reason: string): void {
    this.counts.failed += count;
    // `reason` comes from core.request, which already replaced any key a service echoed back.
    this.log.warn("event batch failed", `event batch of ${count} failed: ${reason}`);
  }

  private toWire(event: QueuedEvent): Record<string, unknown> {
    const { fields } = this.spec;
    return { [fields.apiKey]: this.#apiKey, [fields.type]: event.type, [fields.body]: event.body, [fields.idempotencyKey]: event.idempotencyKey, [fields.sentAt]: event.sentAt };
  }
}

function isJson(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}
