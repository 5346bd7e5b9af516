/**
 * Milliseconds since the epoch, read from the system at most once per millisecond or per 32 calls. Date.now() costs
 * ~50 ns here, a large share of a cached flag check; expiry needs no finer clock. The call count bounds staleness
 * even when a caller loops on cached checks without ever yielding to the timer that resets the reading.
 */
let reading: number | undefined;
let callsSinceReading = 0;
let timerPending = false;

function forget(): void {
  reading = undefined;
  timerPending = false;
}

export function coarseNow(): number {
  if (reading === undefined || ++callsSinceReading >= 32) {
    reading = Date.now();
    callsSinceReading = 0;
    if (!timerPending) {
      timerPending = true;
      setTimeout(forget, 1).unref();
    }
  }
  return reading;
}
