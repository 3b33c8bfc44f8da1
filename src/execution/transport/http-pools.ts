import { Agent, Pool } from 'undici';

export interface SubgraphPoolOptions {
  connections: number;
  timeoutMs: number;
  /** undici counts the body as it parses it and closes the connection past this. */
  maxResponseBytes: number;
}

/**
 * The gateway's outgoing connections: a keep-alive pool per subgraph and one agent for the REST
 * services behind connectors. Created once per gateway by the composition root and closed when it
 * stops, after the runtime that uses them. A supergraph update that keeps a subgraph's URL keeps its
 * pool and its open connections.
 */
export class HttpPools {
  readonly #pools = new Map<string, Pool>();
  #restAgent: Agent | undefined;

  constructor(private readonly restConnectionsPerOrigin: number) {}

  subgraphPool(subgraph: string, url: URL, options: SubgraphPoolOptions): Pool {
    const key = `${subgraph}\n${url.origin}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new Pool(url.origin, {
        connections: options.connections,
        keepAliveTimeout: 30_000,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        maxResponseSize: options.maxResponseBytes,
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  get restAgent(): Agent {
    this.#restAgent ??= new Agent({ connections: this.restConnectionsPerOrigin, keepAliveTimeout: 30_000 });
    return this.#restAgent;
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.#pools.values(), ...(this.#restAgent ? [this.#restAgent] : [])].map((d) => d.close()),
    );
    this.#pools.clear();
  }
}
