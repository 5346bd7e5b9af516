/**
 * Client options the runtime defines, with their type, default and documentation, stated once: a manifest lists only
 * the ones it overrides (a default or a description), and normalize merges the rest in.
 */

export interface BuiltinOption {
  /** Type expression the manifest's declaration must keep. */
  type: string;
  default: unknown;
  description: string;
}

type OptionTable = Readonly<Record<string, BuiltinOption>>;

/** Options of every client: the transport's timeouts, retries and headers. */
export const TRANSPORT_OPTIONS: OptionTable = {
  timeoutMs: {
    type: "integer",
    default: 60000,
    description: "Time allowed for each attempt of a request (connect, headers and body), in milliseconds.",
  },
  headers: { type: "map<string>", default: {}, description: "Headers sent with every request." },
  maxRetries: {
    type: "integer",
    default: 2,
    description:
      "How many times a request is retried after a retriable status or a connection failure (refused, reset, closed before a response); 0 disables retries. Timeouts are not retried.",
  },
  retryStatuses: {
    type: "list<integer>",
    default: [408, 429, 500, 502, 503, 504],
    description: "Response statuses after which a request is retried.",
  },
  retryBaseDelayMs: {
    type: "integer",
    default: 500,
    description:
      "Delay before the first retry, in milliseconds; each further retry waits twice as long, less up to 25% jitter. A `Retry-After` or `retry-after-ms` response header (at most 60 s) takes precedence.",
  },
  retryMaxDelayMs: { type: "integer", default: 8000, description: "Longest backoff delay between two attempts, in milliseconds." },
  totalTimeoutMs: {
    type: "integer?",
    default: null,
    description:
      "Time allowed for a whole call, every attempt and wait included, in milliseconds; null for no limit beyond timeoutMs per attempt.",
  },
};

/** Options of clients whose manifest declares `flagChecks`. */
export const FLAG_CHECK_OPTIONS: OptionTable = {
  flagDefaults: { type: "map<boolean>", default: {}, description: "Values flag checks return when the service cannot answer, by flag key." },
  offline: {
    type: "boolean",
    default: false,
    description:
      "Make no network requests from any part of the client: flag checks answer from defaults, and resource calls throw OfflineError. No API key is needed. For development and tests.",
  },
  flagCheckTimeoutMs: {
    type: "integer",
    default: 3000,
    description:
      "Longest time a flag check that misses the cache waits for the service, every attempt and retry wait included, in milliseconds; then it answers its default. Shorter than timeoutMs because a check has a safe answer at hand and usually sits on the path of a request of your own. The client's totalTimeoutMs, when shorter, wins.",
  },
  flagCircuitFailures: {
    type: "integer",
    default: 5,
    description:
      'Flag checks in a row that fail to reach the service (no connection, timeout, 5xx, 429, after their retries) after which the circuit opens: checks that miss the cache then answer their default at once, with fallback "circuit_open", until one probe check finds the service answering again. 0 disables the circuit breaker.',
  },
  flagCircuitCooldownMs: {
    type: "integer",
    default: 10000,
    description:
      "How long an open circuit answers flag checks with defaults before the next check that misses the cache probes the service (one attempt; the other checks keep answering defaults meanwhile), in milliseconds.",
  },
};

/** Options of clients whose manifest declares `events`. */
export const EVENT_OPTIONS: OptionTable = {
  flushIntervalMs: {
    type: "integer",
    default: 1000,
    description:
      "Longest time an identify or track event waits in the queue before its batch is sent, in milliseconds; a batch also goes as soon as it is full.",
  },
  maxQueuedEvents: {
    type: "integer",
    default: 10000,
    description:
      "Most events kept waiting to be sent. When the queue is full the oldest event is dropped to make room, and counted in eventStats().dropped.",
  },
  closeTimeoutMs: {
    type: "integer",
    default: 10000,
    description:
      "Longest time close() (and the flush when the process is about to exit) spends delivering queued events; events still unsent then count as failed.",
  },
  closeOnSignals: {
    type: "boolean",
    default: false,
    description:
      "On SIGTERM or SIGINT, close the client (delivering queued events, within closeTimeoutMs), then end the process by the same signal; if the application listens to that signal too, it decides when to exit instead.",
  },
};

/** The capability each capability option belongs to, named as the manifest section that enables it. */
export const CAPABILITY_OF_OPTION: Readonly<Record<string, "flagChecks" | "events">> = Object.freeze({
  ...Object.fromEntries(Object.keys(FLAG_CHECK_OPTIONS).map((name) => [name, "flagChecks" as const])),
  ...Object.fromEntries(Object.keys(EVENT_OPTIONS).map((name) => [name, "events" as const])),
});

/** The built-in options of a client, given which capabilities its manifest declares. */
export function builtinOptions(capabilities: { flagChecks?: unknown; events?: unknown }): Record<string, BuiltinOption> {
  return {
    ...TRANSPORT_OPTIONS,
    ...(capabilities.flagChecks ? FLAG_CHECK_OPTIONS : {}),
    ...(capabilities.events ? EVENT_OPTIONS : {}),
  };
}
