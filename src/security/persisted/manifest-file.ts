import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseManifestText } from './manifest.js';
import type { TrustedDocument, TrustedDocumentSource } from './source.js';

export interface ManifestFileOptions {
  path: string;
  /** Reports a reload that failed; the documents loaded before stay trusted. */
  onReloadError: (message: string) => void;
  /** Quiet time after the last change before the file is read (editors write in several steps). */
  debounceMs?: number;
}

/**
 * A manifest file, read at start and again whenever it changes. As with supergraph files
 * (supergraph/file-source.ts), the directory is watched, not the file: deploy tools and Kubernetes
 * ConfigMaps replace a file by renaming another over it, which a watch on the old inode never sees.
 * A file that cannot be read or parsed at start is a startup error; later, the last good set stays.
 */
export class ManifestFileSource implements TrustedDocumentSource {
  readonly name: string;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastText: string | undefined;
  /** Reloads run one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: ManifestFileOptions) {
    this.name = `manifest ${options.path}`;
  }

  async start(
    onChange: (documents: readonly TrustedDocument[]) => void,
  ): Promise<readonly TrustedDocument[]> {
    const { path } = this.options;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new Error(`Cannot read the trusted-documents manifest ${path}: ${describe(error)}`);
    }
    const documents = this.parse(text);
    this.lastText = text;
    try {
      // Not persistent: the watch alone never keeps a process alive.
      this.watcher = watch(dirname(path), { persistent: false }, () => this.changed(onChange));
      this.watcher.on('error', (error) =>
        this.options.onReloadError(`stopped watching ${path} for changes (${error.message})`),
      );
    } catch (error) {
      throw new Error(`Cannot watch ${dirname(path)} for changes to ${path}: ${describe(error)}`);
    }
    return documents;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    await this.queue;
  }

  private parse(text: string): TrustedDocument[] {
    try {
      return parseManifestText(text).documents;
    } catch (error) {
      throw new Error(
        `The trusted-documents manifest ${this.options.path} is not valid: ${(error as Error).message}`,
      );
    }
  }

  private changed(onChange: (documents: readonly TrustedDocument[]) => void): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.queue = this.queue.then(() => this.reload(onChange));
    }, this.options.debounceMs ?? 50);
  }

  private async reload(onChange: (documents: readonly TrustedDocument[]) => void): Promise<void> {
    if (this.closed) return;
    let text: string;
    try {
      text = await readFile(this.options.path, 'utf8');
    } catch (error) {
      // A file that is back with the same text is delivered again.
      this.lastText = undefined;
      this.options.onReloadError(
        `Cannot read the trusted-documents manifest ${this.options.path}: ${describe(error)}`,
      );
      return;
    }
    // Other files in the directory change too; only a new text of this one counts.
    if (text === this.lastText) return;
    let documents: TrustedDocument[];
    try {
      documents = this.parse(text);
    } catch (error) {
      this.lastText = undefined;
      this.options.onReloadError((error as Error).message);
      return;
    }
    this.lastText = text;
    if (!this.closed) onChange(documents);
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
