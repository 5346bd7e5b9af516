import type { BuiltinOption } from "../../builtin-options.js";

/** Options of clients whose manifest declares `events`. */
export const EVENT_OPTIONS: Readonly<Record<string, BuiltinOption>> = {
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
