/** Longest server-requested delay the client honours; longer requests are capped to it. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Delay before retry number `retry` (1 for the first retry): exponential from `baseMs`, capped at `maxMs`, minus up
 * to a quarter of random jitter so that many clients retrying together spread out.
 */
export function backoffDelayMs(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(baseMs * 2 ** (retry - 1), maxMs);
  return Math.round(exponential * (1 - 0.25 * random()));
}

/**
 * The delay a response asks for: `retry-after-ms` (milliseconds), else `retry-after` in seconds or as an HTTP date.
 * Capped at MAX_RETRY_AFTER_MS. Undefined when absent, unreadable, negative or a date already past: the caller then
 * uses its normal backoff rather than retrying at once.
 */
export function retryAfterMs(headers: Readonly<Record<string, string>>, now: number = Date.now()): number | undefined {
  const cap = (ms: number) => Math.min(ms, MAX_RETRY_AFTER_MS);
  const milliseconds = headers["retry-after-ms"];
  if (milliseconds !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(milliseconds)) return cap(Number(milliseconds));
  const value = headers["retry-after"]?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return cap(Number(value) * 1000);
  // Every HTTP date format starts with a day name; Date.parse alone would read "-5" or "7" as a year.
  if (!/^[A-Za-z]/.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) || date < now ? undefined : cap(date - now);
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts; never leaves a timer behind. With `unref`
 * the wait does not keep the process alive.
 */
export function sleep(ms: number, signal?: AbortSignal, unref = false): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (unref) timer.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
