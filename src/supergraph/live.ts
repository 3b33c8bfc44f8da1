import { UserFacingError } from '../errors.js';
import type { FetchedSupergraph, SupergraphSource } from './source.js';
import { assertValidSupergraph } from './validate.js';

/** A supergraph being served. */
export interface ServedSupergraph {
  sdl: string;
  /** Hex SHA-256 of `sdl`. */
  hash: string;
  /** The registry's version id, when the source has one. */
  version?: string;
  loadedAt: Date;
}

/**
 * Where the served supergraph is: loading the first one, serving one, or serving the last good one
 * (if any) after a fetch or a new supergraph failed.
 */
export type SupergraphState =
  | { status: 'loading' }
  | { status: 'loaded'; current: ServedSupergraph }
  | { status: 'failed'; current: ServedSupergraph | undefined; error: string; failedAt: Date };

/** The state as `/ready` shows it (`detail.supergraph`), and as a cluster's primary relays it. */
export interface SupergraphStatus {
  status: SupergraphState['status'];
  source: string;
  hash?: string;
  version?: string;
  loadedAt?: string;
  lastError?: { message: string; at: string };
}

/** What the live supergraph logs through: pino's and Fastify's loggers both fit. */
export interface SupergraphLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** The longest error message kept for `/ready` (composition can list many errors). */
const MAX_ERROR_CHARS = 4_000;

/**
 * The supergraph a gateway serves, kept up to date from its source. Every new SDL is validated the
 * way the gateway will load it before it reaches `swap`; one that fails (or a fetch that fails) is
 * refused: the last good supergraph stays served, the error is logged and shown in `/ready`. An SDL
 * with the hash already served is not swapped again.
 */
export class LiveSupergraph {
  private current: SupergraphState = { status: 'loading' };
  private swap: ((supergraph: ServedSupergraph) => void) | undefined;
  private onFailure: ((message: string) => void) | undefined;

  constructor(
    private readonly source: SupergraphSource,
    private readonly logger: SupergraphLogger,
  ) {}

  get description(): string {
    return this.source.description;
  }

  state(): SupergraphState {
    return this.current;
  }

  /** The supergraph served now, if any. */
  served(): ServedSupergraph | undefined {
    return this.current.status === 'loading' ? undefined : this.current.current;
  }

  status(): SupergraphStatus {
    const state = this.current;
    const served = this.served();
    return {
      status: state.status,
      source: this.source.description,
      ...(served && { hash: served.hash, loadedAt: served.loadedAt.toISOString() }),
      ...(served?.version !== undefined && { version: served.version }),
      ...(state.status === 'failed' && {
        lastError: { message: state.error, at: state.failedAt.toISOString() },
      }),
    };
  }

  /** Loads and validates the first supergraph; rejects when there is none to serve. */
  async start(): Promise<ServedSupergraph> {
    const first = await this.source.load();
    if (!this.source.validated) assertValidSupergraph(first.sdl, this.source.description);
    const served = toServed(first);
    this.current = { status: 'loaded', current: served };
    return served;
  }

  /**
   * Follows the source: each new valid supergraph goes to `swap` (which may throw: the supergraph is
   * then refused), each failure to `onFailure`.
   */
  follow(swap: (supergraph: ServedSupergraph) => void, onFailure?: (message: string) => void): void {
    this.swap = swap;
    this.onFailure = onFailure;
    this.source.follow({
      supergraph: (fetched) => this.offer(fetched),
      failed: (error, retryInMs) => this.fail(error, retryInMs),
    });
  }

  /** Fetches from the source now (SIGHUP) and resolves with the state after it. */
  async reload(): Promise<SupergraphStatus> {
    await this.source.reload();
    return this.status();
  }

  close(): Promise<void> {
    this.swap = undefined;
    this.onFailure = undefined;
    return this.source.close();
  }

  private offer(fetched: FetchedSupergraph): void {
    const served = this.served();
    if (served !== undefined && fetched.hash === served.hash) {
      if (this.current.status === 'failed') {
        this.logger.info(
          { source: this.description, hash: served.hash },
          'the supergraph source is back; serving the same supergraph',
        );
      }
      this.current = { status: 'loaded', current: served };
      return;
    }
    const next = toServed(fetched);
    const started = performance.now();
    try {
      if (!this.source.validated) assertValidSupergraph(fetched.sdl, this.source.description);
      this.swap?.(next);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.current = { status: 'loaded', current: next };
    this.logger.info(
      {
        source: this.description,
        hash: next.hash,
        version: next.version,
        previousHash: served?.hash,
        // Validating and swapping hold the event loop: requests wait this long.
        tookMs: Math.round(performance.now() - started),
      },
      'serving a new supergraph',
    );
  }

  private fail(error: unknown, retryInMs?: number): void {
    const message = describe(error);
    const served = this.served();
    this.current = { status: 'failed', current: served, error: message, failedAt: new Date() };
    this.logger.error(
      { source: this.description, error: message, servingHash: served?.hash, retryInMs },
      served
        ? 'the supergraph could not be updated; still serving the last good one'
        : 'no supergraph could be loaded',
    );
    this.onFailure?.(message);
  }
}

function toServed({ sdl, hash, version }: FetchedSupergraph): ServedSupergraph {
  return version === undefined
    ? { sdl, hash, loadedAt: new Date() }
    : { sdl, hash, version, loadedAt: new Date() };
}

function describe(error: unknown): string {
  const text =
    error instanceof UserFacingError && error.details.length > 0
      ? [error.message, ...error.details].join('\n')
      : error instanceof Error
        ? error.message
        : String(error);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}
