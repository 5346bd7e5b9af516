import type { BuiltinOption } from "../../builtin-options.js";

/** Options of clients whose manifest declares `flagChecks`. */
export const FLAG_CHECK_OPTIONS: Readonly<Record<string, BuiltinOption>> = {
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
