/** Something that delivers its events when closed: an async EventBuffer, or the sync client's events. */
export interface Closable {
  close(): unknown;
}

const closeOnSignal = new Set<Closable>();
const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * On SIGTERM or SIGINT, `target` is closed (delivering its queued events, bounded by its closeTimeoutMs) and the
 * process then ends by the same signal, so its exit status is the signal's. Handlers are installed while a target
 * is registered; if the application listens to the signal too, it is not raised again: the application decides.
 */
export function closeOnSignals(target: Closable): void {
  if (closeOnSignal.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  closeOnSignal.add(target);
}

export function stopClosingOnSignals(target: Closable): void {
  if (!closeOnSignal.delete(target) || closeOnSignal.size > 0) return;
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

function onSignal(signal: NodeJS.Signals): void {
  const targets = [...closeOnSignal];
  closeOnSignal.clear();
  // Removed first: a second signal while delivering takes its default action and ends the process at once.
  for (const each of SIGNALS) process.off(each, onSignal);
  void Promise.allSettled(targets.map(async (target) => target.close())).then(() => {
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}
