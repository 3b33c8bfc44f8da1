import type { Logger } from 'pino';
import type { StoredVersion } from '../store/registry.js';
import { RegistryError } from './types.js';

/**
 * `T` is what a waiter gets: a stage's supergraph version, or its safelist. `headHash` reads what
 * identifies the current one cheaply, `head` reads it, `hashOf` says what identifies a read one.
 */
export interface ChangeWaitersOptions<T = StoredVersion> {
  headHash(stage: string): Promise<string | undefined>;
  head(stage: string): Promise<T | undefined>;
  hashOf(value: T): string;
  /** Commits made by other processes (PostgreSQL LISTEN/NOTIFY), when the store can tell. */
  subscribe?: ((listener: (stage: string) => void) => Promise<() => Promise<void>>) | undefined;
  /** Waiters one process holds at most; more are refused rather than exhausting memory. */
  maxWaiters: number;
  /** How often stages with waiters are polled: covers a SQLite file written by another process. */
  pollMs: number;
  logger?: Logger | undefined;
}

interface Waiter<T> {
  knownHash: string | undefined;
  finish(version: T | undefined): void;
}

/**
 * Long-polls on stages: each waiter resolves with the stage's version as soon as its hash differs
 * from the one the waiter knows. Three things wake it: this process's commits (`changed`), another
 * process's commits (`subscribe`), and, while anyone waits, a poll of the head hash.
 */
export class ChangeWaiters<T = StoredVersion> {
  private readonly byStage = new Map<string, Set<Waiter<T>>>();
  private count = 0;
  private poll: NodeJS.Timeout | undefined;
  private polling = false;
  private subscription: Promise<(() => Promise<void>) | undefined> | undefined;
  private closed = false;

  constructor(private readonly options: ChangeWaitersOptions<T>) {}

  wait(
    stage: string,
    knownHash: string | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    if (this.count >= this.options.maxWaiters) {
      throw new RegistryError(
        'UNAVAILABLE',
        `The registry already holds ${this.options.maxWaiters} waiting requests; try again shortly.`,
      );
    }
    return new Promise((resolve) => {
      let done = false;
      const finish = (version: T | undefined) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.remove(stage, waiter);
        resolve(version);
      };
      const onAbort = () => finish(undefined);
      const waiter: Waiter<T> = { knownHash, finish };
      const timer = setTimeout(() => finish(undefined), Math.max(0, waitMs));
      if (signal?.aborted) return finish(undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.add(stage, waiter);
      // Registered before the first look, so a commit in between is not missed.
      void this.check(stage);
    });
  }

  /** A version was committed to the stage (by this process, or as another reported). */
  changed(stage: string): void {
    if (this.byStage.has(stage)) void this.check(stage);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiters of [...this.byStage.values()])
      for (const waiter of [...waiters]) waiter.finish(undefined);
    const unsubscribe = await this.subscription;
    await unsubscribe?.();
  }

  private add(stage: string, waiter: Waiter<T>): void {
    let waiters = this.byStage.get(stage);
    if (waiters === undefined) {
      waiters = new Set();
      this.byStage.set(stage, waiters);
    }
    waiters.add(waiter);
    this.count++;
    if (this.poll === undefined) {
      this.poll = setInterval(() => void this.pollAll(), this.options.pollMs);
      this.poll.unref();
    }
    const { subscribe } = this.options;
    if (subscribe !== undefined) {
      this.subscription ??= subscribe((changed) => this.changed(changed)).catch((error: unknown) => {
        this.options.logger?.warn({ err: error }, 'registry: cannot listen for changes; polling only');
        return undefined;
      });
    }
  }

  private remove(stage: string, waiter: Waiter<T>): void {
    const waiters = this.byStage.get(stage);
    if (waiters === undefined || !waiters.delete(waiter)) return;
    this.count--;
    if (waiters.size === 0) this.byStage.delete(stage);
    if (this.count === 0 && this.poll !== undefined) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  }

  private async pollAll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await Promise.all([...this.byStage.keys()].map((stage) => this.check(stage)));
    } finally {
      this.polling = false;
    }
  }

  /** Resolves the stage's waiters whose hash is no longer the head's; an empty stage wakes nobody. */
  private async check(stage: string): Promise<void> {
    try {
      const hash = await this.options.headHash(stage);
      if (hash === undefined) return;
      const stale = [...(this.byStage.get(stage) ?? [])].filter((waiter) => waiter.knownHash !== hash);
      if (stale.length === 0) return;
      const head = await this.options.head(stage);
      if (head === undefined) return;
      const headHash = this.options.hashOf(head);
      for (const waiter of stale) if (waiter.knownHash !== headHash) waiter.finish(head);
    } catch (error) {
      this.options.logger?.warn({ err: error, stage }, 'registry: cannot read the stage head; retrying');
    }
  }
}
