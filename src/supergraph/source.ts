import { createHash } from 'node:crypto';

/**
 * Where a served supergraph comes from: a file, a URL, composition from config, or a registry
 * stage. A source only fetches; the live supergraph (live.ts) validates what it fetches, swaps it in,
 * and keeps the last good one when a fetch or a validation fails.
 */
export interface SupergraphSource {
  /** What it reads, for logs and `/ready`: `file /etc/supergraph.graphql`, `registry http://… stage prod`. */
  readonly description: string;
  /** What it delivers was validated already (by a cluster's primary): the receiver only applies it. */
  readonly validated?: boolean;
  /** The first supergraph; rejects (with a UserFacingError) when there is none to serve. */
  load(): Promise<FetchedSupergraph>;
  /**
   * From now on, delivers every supergraph that differs from the last one it delivered, and every
   * failure, until closed. Sources that only change when told to (composition) deliver nothing here.
   */
  follow(listener: SourceListener): void;
  /** Fetches now (SIGHUP), delivering the result even when unchanged; resolves when it was delivered. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export interface FetchedSupergraph {
  sdl: string;
  /** Hex SHA-256 of `sdl`. */
  hash: string;
  /** The registry's version id, when the source has one. */
  version?: string;
}

export interface SourceListener {
  supergraph(fetched: FetchedSupergraph): void;
  /** A fetch failed; `retryInMs`: when the source tries again by itself. */
  failed(error: Error, retryInMs?: number): void;
}

/** Hex SHA-256, the same hash the registry sends as its ETag. */
export function supergraphHash(sdl: string): string {
  return createHash('sha256').update(sdl).digest('hex');
}

export function fetched(sdl: string, version?: string): FetchedSupergraph {
  return version === undefined
    ? { sdl, hash: supergraphHash(sdl) }
    : { sdl, hash: supergraphHash(sdl), version };
}

/** A source with one fixed supergraph (tests, `startGateway({ supergraphSdl })`). */
export function staticSource(sdl: string, description = 'given supergraph'): SupergraphSource {
  let listener: SourceListener | undefined;
  return {
    description,
    load: async () => fetched(sdl),
    follow(next) {
      listener = next;
    },
    async reload() {
      listener?.supergraph(fetched(sdl));
    },
    async close() {
      listener = undefined;
    },
  };
}
