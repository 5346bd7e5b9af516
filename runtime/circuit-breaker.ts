/** What a request admitted by the breaker is: an ordinary one, or the single probe sent after a cool-down. */
export type BreakerTicket = "request" | "probe";

/** How a request admitted by the breaker ended. */
export type BreakerOutcome =
  /** The service could not answer: no connection, a timeout, a 5xx or a 429. */
  | "failed"
  /** The service answered, whatever it said. */
  | "answered"
  /** Nothing was learnt about the service (the request was refused before it was sent). */
  | "unknown";

/** What changed when an outcome was recorded, for the caller to log. */
export type BreakerChange = "opened" | "reopened" | "closed" | undefined;

/**
 * A circuit breaker over consecutive failures. Closed, every request goes through; after `failureThreshold`
 * consecutive failures it opens, and requests are refused for `coolDownMs`. Then one request, the probe, goes through
 * while the others are still refused: if the service answers, the breaker closes; if not, it opens for another
 * cool-down. Time is read only when a request asks to go through, so no timer runs.
 */
export class CircuitBreaker {
  private failures = 0;
  /** When the breaker last opened; undefined while it is closed. */
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    readonly failureThreshold: number,
    readonly coolDownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a request may go now, and as what; undefined when it must not (the caller answers without it). */
  admit(): BreakerTicket | undefined {
    if (this.openedAt === undefined) return "request";
    if (this.probing || this.now() - this.openedAt < this.coolDownMs) return undefined;
    this.probing = true;
    return "probe";
  }

  record(ticket: BreakerTicket, outcome: BreakerOutcome): BreakerChange {
    if (ticket === "probe") this.probing = false;
    if (outcome === "answered") {
      this.failures = 0;
      const wasOpen = this.openedAt !== undefined;
      this.openedAt = undefined;
      return wasOpen ? "closed" : undefined;
    }
    if (outcome !== "failed") return undefined;
    if (ticket === "probe" && this.openedAt !== undefined) {
      this.openedAt = this.now();
      return "reopened";
    }
    // Requests sent before the breaker opened and failing after it do not extend the cool-down.
    if (this.openedAt !== undefined || ++this.failures < this.failureThreshold) return undefined;
    this.openedAt = this.now();
    return "opened";
  }
}
