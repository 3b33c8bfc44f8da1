import { UserFacingError } from '../errors.js';
import { Alarm, backoffDelay, pause } from './backoff.js';
import type { FetchedSupergraph, SourceListener, SupergraphSource } from './source.js';

export interface PollTiming {
  /** Between successful fetches (0 for a long-poll, which waits at the server). */
  intervalMs: number;
  /** After a failure, doubling per failure… */
  retryBaseMs: number;
  /** …up to this. */
  retryMaxMs: number;
  /** At start, how long to keep retrying a source that fails before giving up. */
  startWaitMs: number;
}

/**
 * A source fetched over and over: a URL or a registry. It waits `intervalMs` between fetches, backs
 * off after failures, and after any failure fetches unconditionally, so that a source that comes
 * back is delivered in full (the gateway then knows it is healthy again, even if nothing changed).
 * Only a hash different from the last one delivered is delivered, except on reload.
 */
export abstract class PollingSource implements SupergraphSource {
  abstract readonly description: string;
  private listener: SourceListener | undefined;
  private lastHash: string | undefined;
  private failures = 0;
  private closed = false;
  private forced = false;
  private reloadWaiters: (() => void)[] = [];
  private inflight: AbortController | undefined;
  private readonly alarm = new Alarm();
  private loop: Promise<void> | undefined;

  constructor(private readonly timing: PollTiming) {}

  /**
   * One fetch. `conditional`: send what identifies the last answer (If-None-Match) and resolve
   * `unchanged` when the source says nothing changed. Rejects with an error whose message says what
   * went wrong in a few words.
   */
  protected abstract fetchOnce(
    signal: AbortSignal,
    conditional: boolean,
  ): Promise<FetchedSupergraph | 'unchanged'>;

  async load(): Promise<FetchedSupergraph> {
    const deadline = Date.now() + this.timing.startWaitMs;
    for (let attempt = 0; ; attempt++) {
      const controller = new AbortController();
      this.inflight = controller;
      try {
        const result = await this.fetchOnce(controller.signal, false);
        if (result !== 'unchanged') {
          this.lastHash = result.hash;
          return result;
        }
      } catch (error) {
        const delay = backoffDelay(attempt, this.timing.retryBaseMs, this.timing.retryMaxMs);
        if (this.closed || Date.now() + delay > deadline) {
          throw new UserFacingError(
            `Cannot load the supergraph from ${this.description}: ${messageOf(error)}`,
          );
        }
        await pause(delay, controller.signal);
      }
    }
  }

  follow(listener: SourceListener): void {
    this.listener = listener;
    this.loop ??= this.run();
  }

  reload(): Promise<void> {
    if (this.loop === undefined || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.reloadWaiters.push(resolve);
      this.forced = true;
      // A long-poll in flight would answer only when the stage changes.
      this.inflight?.abort();
      this.alarm.wake();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listener = undefined;
    this.inflight?.abort();
    this.alarm.wake();
    await this.loop;
    for (const resolve of this.reloadWaiters.splice(0)) resolve();
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      if (!this.forced) {
        const delay =
          this.failures > 0
            ? backoffDelay(this.failures - 1, this.timing.retryBaseMs, this.timing.retryMaxMs)
            : this.timing.intervalMs;
        await this.alarm.wait(delay);
      }
      if (this.closed) break;
      const force = this.forced;
      this.forced = false;
      const waiters = this.reloadWaiters.splice(0);
      await this.poll(force);
      for (const resolve of waiters) resolve();
    }
  }

  private async poll(force: boolean): Promise<void> {
    const controller = new AbortController();
    this.inflight = controller;
    let result: FetchedSupergraph | 'unchanged';
    try {
      result = await this.fetchOnce(
        controller.signal,
        !force && this.failures === 0 && this.lastHash !== undefined,
      );
    } catch (error) {
      // Cut short by a reload or a close: not a failure of the source.
      if (controller.signal.aborted && (this.forced || this.closed)) return;
      this.failures++;
      this.lastHash = undefined;
      this.listener?.failed(
        error instanceof Error ? error : new Error(String(error)),
        backoffDelay(this.failures - 1, this.timing.retryBaseMs, this.timing.retryMaxMs),
      );
      return;
    } finally {
      if (this.inflight === controller) this.inflight = undefined;
    }
    this.failures = 0;
    if (result === 'unchanged') return;
    if (!force && result.hash === this.lastHash) return;
    this.lastHash = result.hash;
    this.listener?.supergraph(result);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
