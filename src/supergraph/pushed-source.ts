import type { FetchedSupergraph, SourceListener, SupergraphSource } from './source.js';

/**
 * A source whose supergraphs are handed to it: a cluster worker's, fed by the primary, which
 * fetched and validated them already. What arrives before `follow` is kept (the latest only).
 */
export class PushedSource implements SupergraphSource {
  readonly validated = true;
  private listener: SourceListener | undefined;
  private latest: FetchedSupergraph;
  private loadedHash: string | undefined;
  private pendingFailure: string | undefined;

  constructor(
    readonly description: string,
    first: FetchedSupergraph,
    failure?: string,
  ) {
    this.latest = first;
    this.pendingFailure = failure;
  }

  async load(): Promise<FetchedSupergraph> {
    this.loadedHash = this.latest.hash;
    return this.latest;
  }

  follow(listener: SourceListener): void {
    this.listener = listener;
    if (this.latest.hash !== this.loadedHash) listener.supergraph(this.latest);
    if (this.pendingFailure !== undefined) listener.failed(new Error(this.pendingFailure));
    this.pendingFailure = undefined;
  }

  push(supergraph: FetchedSupergraph): void {
    this.latest = supergraph;
    this.pendingFailure = undefined;
    this.listener?.supergraph(supergraph);
  }

  fail(message: string): void {
    if (this.listener) this.listener.failed(new Error(message));
    else this.pendingFailure = message;
  }

  /** The pusher reloads; there is nothing to fetch here. */
  async reload(): Promise<void> {}

  async close(): Promise<void> {
    this.listener = undefined;
  }
}
