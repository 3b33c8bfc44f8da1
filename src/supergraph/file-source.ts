import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { readSupergraphFile } from './load.js';
import {
  fetched,
  supergraphHash,
  type FetchedSupergraph,
  type SourceListener,
  type SupergraphSource,
} from './source.js';

export interface FileSourceOptions {
  path: string;
  /** Load the file again whenever it changes. */
  watch: boolean;
  /** Quiet time after the last change before the file is read (editors write in several steps). */
  debounceMs?: number;
  /** A file that keeps changing is still read this long after the first change. */
  maxWaitMs?: number;
}

/**
 * A supergraph file, watched when asked. The watch is on the directory, not the file: editors and
 * deploy tools replace a file by writing another one and renaming it over the first (and Kubernetes
 * swaps a ConfigMap's `..data` link), which a watch on the old file's inode never sees. Every burst
 * of changes in the directory reads the file once; only a changed hash is delivered.
 */
export class FileSource implements SupergraphSource {
  readonly description: string;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private listener: SourceListener | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private burstStartedAt: number | undefined;
  private lastHash: string | undefined;
  /** Reads run one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: FileSourceOptions) {
    this.description = `file ${options.path}`;
    this.debounceMs = options.debounceMs ?? 50;
    this.maxWaitMs = options.maxWaitMs ?? 1_000;
  }

  async load(): Promise<FetchedSupergraph> {
    const sdl = await readSupergraphFile(this.options.path);
    const result = fetched(sdl);
    this.lastHash = result.hash;
    return result;
  }

  follow(listener: SourceListener): void {
    this.listener = listener;
    if (!this.options.watch) return;
    this.startWatching();
    // The file may have changed between load() and now.
    this.changed();
  }

  reload(): Promise<void> {
    if (this.options.watch && this.watcher === undefined) this.startWatching();
    return this.read(true);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listener = undefined;
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    await this.queue;
  }

  private startWatching(): void {
    try {
      // Not persistent: the watch alone never keeps a process alive.
      this.watcher = watch(dirname(this.options.path), { persistent: false }, () => this.changed());
      this.watcher.on('error', (error) => {
        this.watcher?.close();
        this.watcher = undefined;
        this.listener?.failed(
          new Error(`Stopped watching ${this.options.path} (${error.message}); send SIGHUP to watch again`),
        );
      });
    } catch (error) {
      this.listener?.failed(
        new Error(
          `Cannot watch ${dirname(this.options.path)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        ),
      );
    }
  }

  /** Debounced: read once the directory has been quiet for debounceMs, or maxWaitMs after the first change. */
  private changed(): void {
    if (this.closed) return;
    const now = Date.now();
    this.burstStartedAt ??= now;
    clearTimeout(this.timer);
    const delay = Math.min(this.debounceMs, Math.max(0, this.burstStartedAt + this.maxWaitMs - now));
    this.timer = setTimeout(() => {
      this.burstStartedAt = undefined;
      this.timer = undefined;
      void this.read(false);
    }, delay);
  }

  private read(force: boolean): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      let sdl: string;
      try {
        sdl = await readSupergraphFile(this.options.path);
      } catch (error) {
        // A file that reappears with the same content is delivered again.
        this.lastHash = undefined;
        this.listener?.failed(error as Error);
        return;
      }
      const hash = supergraphHash(sdl);
      if (!force && hash === this.lastHash) return;
      this.lastHash = hash;
      this.listener?.supergraph({ sdl, hash });
    });
    return this.queue;
  }
}
