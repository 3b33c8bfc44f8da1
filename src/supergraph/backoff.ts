/**
 * Waiting between fetches: the delay after `failures` consecutive failures doubles from `baseMs`
 * up to `maxMs`, and a wait ends early when its signal aborts (a reload, or the source closing).
 */
export function backoffDelay(failures: number, baseMs: number, maxMs: number): number {
  if (failures <= 0) return baseMs;
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30));
}

/** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A loop's wake-up call: `wait(ms)` sleeps until the time passes or `wake()` is called, whichever
 * comes first. Used by polling sources so that a reload or a close does not wait out an interval.
 */
export class Alarm {
  private controller = new AbortController();

  async wait(ms: number): Promise<void> {
    await pause(ms, this.controller.signal);
    if (this.controller.signal.aborted) this.controller = new AbortController();
  }

  wake(): void {
    this.controller.abort();
  }
}
