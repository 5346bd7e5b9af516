import { randomUUID } from "node:crypto";
import type { ClientCore, Operation } from "./client-core.js";
import { ApiError, InvalidArgumentError } from "./errors.js";
import { checkPositiveMs, type Logger } from "./options.js";
import { backoffDelayMs, retryAfterMs, sleep } from "./retry.js";
import { describe } from "./url.js";

/** How a field of an event body is checked when the event is accepted (generated from the manifest's types). */
export type FieldRule = readonly [name: string, kind: "string" | "number" | "integer" | "boolean" | "map" | "stringMap" | "object" | "list" | "any", required: boolean, minimum?: number];

/** How the manifest maps events onto the batch operation (names are the SDK's camelCase names). */
export interface EventSpec {
  operation: Operation<unknown>;
  /** Argument of the operation that holds the list of events. */
  batchField: string;
  maxBatchSize: number;
  /** Fields of one queued event. */
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
}

export interface EventOptions {
  /** Events with the same key are counted once by the service (for 24 hours); one is generated when absent. */
  idempotencyKey?: string;
  /** When the event happened. @default the time of the call */
  sentAt?: Date;
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
  private queue: Record<string, unknown>[] = [];
  private head = 0;
  private sending = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private closing: Promise<EventStats> | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Events in batches under way. */
  private inBatches = 0;
  /** Set by close(): retries stop waiting past it. */
  private deadline = Infinity;
  /** Set when close() ran out of time: batches still under way were counted as failed and count nothing more. */
  private abandoned = false;
  private readonly counts = { accepted: 0, delivered: 0, retried: 0, dropped: 0, failed: 0 };

  constructor(
    private readonly core: ClientCore,
    private readonly spec: EventSpec,
    private readonly settings: EventSettings,
  ) {
    checkEventSettings(settings);
  }

  /** Validates an event and queues it. Throws InvalidArgumentError for a bad event; never for the network. */
  add(kind: string, body: unknown, options: EventOptions = {}): void {
    const { type } = checkEvent(this.spec, kind, body, options);
    if (this.settings.offline) return;
    if (this.closed) {
      this.counts.dropped++;
      this.settings.logger?.warn?.(`${kind} dropped: the client is closed`);
      return;
    }
    const { fields } = this.spec;
    this.queue.push({
      [fields.apiKey]: this.settings.apiKey,
      [fields.type]: type,
      // A copy: a caller that reuses and changes its object after the call does not change the queued event.
      [fields.body]: { ...(body as object) },
      [fields.idempotencyKey]: options.idempotencyKey ?? randomUUID(),
      [fields.sentAt]: options.sentAt ?? new Date(),
    });
    this.counts.accepted++;
    if (this.queue.length - this.head > this.settings.maxQueuedEvents) {
      // Full: the oldest event makes room, and is counted.
      this.head++;
      this.counts.dropped++;
    }
    if (!open.has(this)) {
      open.add(this);
      installExitHook();
    }
    if (this.queue.length - this.head >= this.spec.maxBatchSize) this.pump();
    else this.timer ??= setTimeout(() => this.onTimer(), this.settings.flushIntervalMs).unref();
  }

  stats(): EventStats {
    return { ...this.counts, pending: this.abandoned ? 0 : this.queue.length - this.head + this.inBatches };
  }

  /** Sends everything queued now, and resolves when the queue is empty and no batch is under way. */
  flush(): Promise<void> {
    this.pump(true);
    if (this.queue.length === this.head && this.sending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops accepting events and delivers the queued ones. Resolves once every accepted event is delivered or has
   * finally failed; after closeTimeoutMs what is left counts as failed.
   */
  close(): Promise<EventStats> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  private async closeNow(): Promise<EventStats> {
    this.closed = true;
    this.deadline = Date.now() + this.settings.closeTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.settings.closeTimeoutMs);
    });
    await Promise.race([this.flush(), timedOut]);
    clearTimeout(timer);
    const left = this.queue.length - this.head;
    if (left + this.inBatches > 0) {
      this.counts.failed += left + this.inBatches;
      this.settings.logger?.warn?.(`close: ${left + this.inBatches} events not delivered within ${this.settings.closeTimeoutMs} ms`);
      this.queue = [];
      this.head = 0;
      this.abandoned = true;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    open.delete(this);
    return this.stats();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.pump(true);
  }

  /** Starts batches while there is work and room; partial batches only when `all` (timer, flush, close). */
  private pump(all = false): void {
    while (this.sending < MAX_CONCURRENT_BATCHES) {
      const waiting = this.queue.length - this.head;
      if (waiting === 0 || (!all && waiting < this.spec.maxBatchSize)) break;
      const batch = this.queue.slice(this.head, this.head + this.spec.maxBatchSize);
      this.head += batch.length;
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.sending++;
      this.inBatches += batch.length;
      void this.send(batch).finally(() => {
        this.sending--;
        this.inBatches -= batch.length;
        this.pump(this.closed || this.queue.length - this.head >= this.spec.maxBatchSize);
        if (this.queue.length > this.head && this.timer === undefined && !this.closed) {
          this.timer = setTimeout(() => this.onTimer(), this.settings.flushIntervalMs).unref();
        }
        if (this.sending === 0 && this.queue.length === this.head) {
          // Drained: nothing for the exit hook to deliver, so the registry need not keep this buffer alive.
          open.delete(this);
          this.idleWaiters.splice(0).forEach((resolve) => resolve());
        }
      });
    }
  }

  /**
   * Sends one batch until it is delivered, refused, or out of time; its events stay counted as pending meanwhile.
   * The buffer owns every retry (the request itself makes one attempt), so that each re-send is counted.
   */
  private async send(batch: Record<string, unknown>[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.core.request(this.spec.operation, { [this.spec.batchField]: batch }, { maxRetries: 0 });
        if (!this.abandoned) this.counts.delivered += batch.length;
        return;
      } catch (error) {
        const retriable = error instanceof ApiError && this.core.isRetriable(error);
        const delayMs =
          (error instanceof ApiError ? retryAfterMs(error.headers) : undefined) ??
          backoffDelayMs(attempt, this.settings.retryBaseDelayMs, this.settings.retryMaxDelayMs);
        if (this.abandoned) return;
        if (!retriable || Date.now() + delayMs >= this.deadline) {
          this.counts.failed += batch.length;
          this.settings.logger?.warn?.(`event batch of ${batch.length} failed: ${(error as Error).message}`);
          return;
        }
        this.counts.retried += batch.length;
        // A wait between attempts must not keep the process alive: at exit, close() bounds delivery instead.
        await sleep(delayMs, undefined, true);
      }
    }
  }
}

/** The settings of an event queue, checked as the client is built. */
export function checkEventSettings(settings: Pick<EventSettings, "flushIntervalMs" | "closeTimeoutMs" | "maxQueuedEvents">): void {
  checkPositiveMs("flushIntervalMs", settings.flushIntervalMs);
  checkPositiveMs("closeTimeoutMs", settings.closeTimeoutMs);
  if (!Number.isInteger(settings.maxQueuedEvents) || settings.maxQueuedEvents < 1) {
    throw new InvalidArgumentError(`maxQueuedEvents must be a whole number, 1 or more, got ${describe(settings.maxQueuedEvents)}`);
  }
}

/** Checks an event and its options against the manifest's rules; returns its kind. Throws InvalidArgumentError. */
export function checkEvent(spec: Pick<EventSpec, "kinds">, kind: string, body: unknown, options: EventOptions = {}): EventSpec["kinds"][string] {
  const eventKind = spec.kinds[kind]!;
  checkBody(kind, body, eventKind.rules);
  if (typeof options !== "object" || options === null) throw new InvalidArgumentError(`${kind}: options must be an object, got ${describe(options)}`);
  if (options.idempotencyKey !== undefined && (typeof options.idempotencyKey !== "string" || options.idempotencyKey === "")) {
    throw new InvalidArgumentError(`${kind}: idempotencyKey must be a non-empty string, got ${describe(options.idempotencyKey)}`);
  }
  if (options.sentAt !== undefined && !(options.sentAt instanceof Date && !Number.isNaN(options.sentAt.getTime()))) {
    throw new InvalidArgumentError(`${kind}: sentAt must be a valid Date, got ${describe(options.sentAt)}`);
  }
  return eventKind;
}

function checkBody(kind: string, body: unknown, rules: readonly FieldRule[]): void {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidArgumentError(`${kind} takes an object, got ${describe(body)}`);
  }
  const record = body as Record<string, unknown>;
  for (const [name, kind_, required, minimum] of rules) {
    const value = record[name];
    const where = `${kind}: "${name}"`;
    if (value === undefined || value === null) {
      if (required) throw new InvalidArgumentError(`${where} is required`);
      continue;
    }
    const fail = (expected: string) => {
      throw new InvalidArgumentError(`${where} must be ${expected}, got ${describe(value)}`);
    };
    switch (kind_) {
      case "string":
        if (typeof value !== "string" || (required && value === "")) fail(required ? "a non-empty string" : "a string");
        break;
      case "integer":
      case "number":
        if (typeof value !== "number" || !Number.isFinite(value) || (kind_ === "integer" && !Number.isInteger(value))) {
          fail(kind_ === "integer" ? "a whole number" : "a finite number");
        }
        if (minimum !== undefined && (value as number) < minimum) fail(`${minimum} or more`);
        break;
      case "boolean":
        if (typeof value !== "boolean") fail("true or false");
        break;
      case "list":
        if (!Array.isArray(value)) fail("a list");
        break;
      case "stringMap":
        if (typeof value !== "object" || Array.isArray(value)) fail("an object of strings");
        for (const [key, inner] of Object.entries(value as object)) {
          if (typeof inner !== "string") throw new InvalidArgumentError(`${where}.${key} must be a string, got ${describe(inner)}`);
        }
        break;
      case "map":
      case "object":
        if (typeof value !== "object" || Array.isArray(value)) fail("an object");
        break;
      case "any":
        break;
    }
  }
}
