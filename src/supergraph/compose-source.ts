import type { GatehouseConfig } from '../config/load.js';
import { composeFromConfig, type SupergraphLoadOptions } from './load.js';
import { fetched, type FetchedSupergraph, type SourceListener, type SupergraphSource } from './source.js';

/**
 * The config's `subgraphs`, composed at start (reading each one's schema file or asking the running
 * service for its SDL), and composed again on reload. Nothing is followed in between.
 */
export class ComposeSource implements SupergraphSource {
  readonly description: string;
  private listener: SourceListener | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: GatehouseConfig,
    private readonly options: SupergraphLoadOptions = {},
  ) {
    this.description = `composition of ${config.subgraphs.map((subgraph) => subgraph.name).join(', ') || 'no subgraphs'}`;
  }

  async load(): Promise<FetchedSupergraph> {
    return fetched(await composeFromConfig(this.config, this.options));
  }

  follow(listener: SourceListener): void {
    this.listener = listener;
  }

  reload(): Promise<void> {
    this.queue = this.queue.then(async () => {
      try {
        // Subgraphs that are up answer at once; a reload does not wait long for one that is down.
        const sdl = await composeFromConfig(this.config, { introspectionWaitMs: 2_000 });
        this.listener?.supergraph(fetched(sdl));
      } catch (error) {
        this.listener?.failed(error instanceof Error ? error : new Error(String(error)));
      }
    });
    return this.queue;
  }

  async close(): Promise<void> {
    this.listener = undefined;
    await this.queue;
  }
}
