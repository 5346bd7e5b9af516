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
