import { displayUrl, fetchSupergraph } from '../registry/client.js';
import type { Registry } from '../registry/types.js';
import { PollingSource, type PollTiming } from './polling-source.js';
import { fetched, type FetchedSupergraph } from './source.js';

/** How long the registry holds a long-poll (it answers at once when the stage changes). */
const LONG_POLL_MS = 25_000;

export interface RegistryTiming {
  /** The long-poll's wait, at most 30 s (the registry's limit). */
  waitMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  startWaitMs?: number;
}

function timing(options: RegistryTiming): PollTiming {
  return {
    intervalMs: 0,
    retryBaseMs: options.retryBaseMs ?? 1_000,
    retryMaxMs: options.retryMaxMs ?? 10_000,
    startWaitMs: options.startWaitMs ?? 10_000,
  };
}

export interface RegistrySourceOptions extends RegistryTiming {
  /** The registry's base URL, e.g. http://registry:4100 */
  registry: string;
  stage: string;
  token: string | undefined;
}

/**
 * Follows a stage of a registry over HTTP: `GET /registry/v1/stages/:stage/supergraph?wait=…` with
 * the hash it serves as `If-None-Match`. The registry holds the request until the stage changes (then
 * answers at once) or the wait ends (304), so a publish reaches the gateway within a second. A
 * registry that is down leaves the gateway serving what it has, retrying with backoff.
 */
export class RegistrySource extends PollingSource {
  readonly description: string;
  private readonly waitMs: number;
  private etag: string | undefined;

  constructor(private readonly options: RegistrySourceOptions) {
    super(timing(options));
    this.waitMs = Math.min(options.waitMs ?? LONG_POLL_MS, 30_000);
    this.description = `registry ${displayUrl(options.registry)} stage ${options.stage}`;
  }

  protected async fetchOnce(
    signal: AbortSignal,
    conditional: boolean,
  ): Promise<FetchedSupergraph | 'unchanged'> {
    const { registry, stage, token } = this.options;
    const longPoll = conditional && this.etag !== undefined;
    const result = await fetchSupergraph(registry, stage, {
      etag: longPoll ? this.etag : undefined,
      waitMs: longPoll ? this.waitMs : 0,
      token,
      signal,
      timeoutMs: 10_000,
    });
    switch (result.status) {
      case 'unchanged':
        return 'unchanged';
      case 'empty':
        throw new Error(`stage "${stage}" has no supergraph yet: publish a subgraph to it first`);
      case 'changed':
        this.etag = result.hash;
        return fetched(result.sdl, String(result.versionId));
      default:
        return assertNever(result);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected registry answer: ${JSON.stringify(value)}`);
}

export interface EmbeddedRegistrySourceOptions extends RegistryTiming {
  registry: Registry;
  stage: string;
}

/** Follows a stage of the registry this process runs, through `Registry.waitForChange`. */
export class EmbeddedRegistrySource extends PollingSource {
  readonly description: string;
  private readonly waitMs: number;
  private knownHash: string | undefined;

  constructor(private readonly options: EmbeddedRegistrySourceOptions) {
    super(timing(options));
    this.waitMs = options.waitMs ?? LONG_POLL_MS;
    this.description = `embedded registry stage ${options.stage}`;
  }

  protected async fetchOnce(
    signal: AbortSignal,
    conditional: boolean,
  ): Promise<FetchedSupergraph | 'unchanged'> {
    const { registry, stage } = this.options;
    const version =
      conditional && this.knownHash !== undefined
        ? await registry.waitForChange(stage, this.knownHash, this.waitMs, signal)
        : await registry.current(stage);
    if (version === undefined) {
      if (conditional && this.knownHash !== undefined) return 'unchanged';
      throw new Error(`stage "${stage}" has no supergraph yet: publish a subgraph to it first`);
    }
    this.knownHash = version.hash;
    return fetched(version.supergraphSdl, String(version.id));
  }
}
