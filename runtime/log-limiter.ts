import type { Logger } from "./options.js";

/** One line per cause per this interval; the rest are counted and reported with the next line or at its end. */
export const LOG_INTERVAL_MS = 10_000;

/** Longest line the client writes: a huge argument or server message is cut, never echoed whole. */
export const MAX_LOG_LINE_CHARS = 1_000;

type Level = "debug" | "info" | "warn" | "error";

interface CauseWindow {
  startedAt: number;
  suppressed: number;
  level: Level;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Aggregates a client's log lines: the first line of each cause in an interval is written, later ones are counted,
 * and the count is written when the interval ends (one summary line) so that an outage yields a few lines, not one
 * per failed call. Lines are cut at MAX_LOG_LINE_CHARS. Timers never keep the process alive.
 */
export class LogLimiter {
  private readonly windows = new Map<string, CauseWindow>();

  constructor(
    private readonly logger: Logger | undefined,
    private readonly intervalMs: number = LOG_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  warn(cause: string, message: string): void {
    this.write("warn", cause, message);
  }

  error(cause: string, message: string): void {
    this.write("error", cause, message);
  }

  /** Writes `message` unless a line of the same cause was written within the interval; then it is only counted. */
  write(level: Level, cause: string, message: string): void {
    const log = this.logger?.[level];
    if (typeof log !== "function") return;
    const now = this.now();
    const window = this.windows.get(cause);
    if (window !== undefined && now - window.startedAt < this.intervalMs) {
      window.suppressed++;
      window.timer ??= setTimeout(() => this.summarize(cause), this.intervalMs - (now - window.startedAt)).unref();
      return;
    }
    if (window !== undefined) this.summarize(cause);
    this.windows.set(cause, { startedAt: now, suppressed: 0, level, timer: undefined });
    this.emit(level, message);
  }

  /** Writes the count of lines suppressed for `cause` now, if any (also run when the interval ends). */
  private summarize(cause: string): void {
    const window = this.windows.get(cause);
    if (window === undefined) return;
    clearTimeout(window.timer);
    window.timer = undefined;
    if (window.suppressed > 0) {
      const count = window.suppressed;
      window.suppressed = 0;
      const interval = this.intervalMs < 1000 ? `${this.intervalMs} ms` : `${Math.round(this.intervalMs / 1000)} s`;
      this.emit(window.level, `${cause}: ${count} more similar ${count === 1 ? "message" : "messages"} suppressed in the last ${interval}`);
    }
    if (this.now() - window.startedAt >= this.intervalMs) this.windows.delete(cause);
  }

  private emit(level: Level, message: string): void {
    try {
      this.logger?.[level]?.(truncate(message));
    } catch {
      // A logger that throws must not turn a diagnostic into a failure of the call that logged it.
    }
  }
}

/** `text` cut to MAX_LOG_LINE_CHARS, saying how much was left out. */
export function truncate(text: string, max: number = MAX_LOG_LINE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
