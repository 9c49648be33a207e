/**
 * "Full jitter" back-off (AWS architecture blog, 2015): wait a random time between 0 and
 * min(cap, base × 2^attempt). Spreads a hundred workstations coming back after an outage
 * over the whole window instead of letting them knock at the same instant.
 */
export function fullJitterDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * ceiling);
}

/** Resolves after ms, or at once when the signal aborts or `wake` is called. */
export function interruptibleSleep(ms: number, signal: AbortSignal): { promise: Promise<void>; wake(): void } {
  let wake = () => {};
  const promise = new Promise<void>((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    wake = done;
  });
  return { promise, wake: () => wake() };
}
