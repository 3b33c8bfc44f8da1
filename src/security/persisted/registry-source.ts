import type { GatehouseConfig } from '../../config/load.js';
import { UserFacingError } from '../../errors.js';
import { displayUrl, RegistryRequestError } from '../../registry/client-http.js';
import { fetchSafelist } from '../../registry/safelist-client.js';
import { RegistryError, type Registry, type Safelist } from '../../registry/types.js';
import { backoffDelay, pause } from '../../supergraph/backoff.js';
import type { TrustedDocument, TrustedDocumentSource } from './source.js';

/** Where a gateway reads a stage's safelist: the registry it runs, or one it follows over HTTP. */
export type SafelistOrigin =
  | { kind: 'embedded'; registry: Registry; stage: string }
  | { kind: 'remote'; url: string; stage: string; token: string | undefined };

export interface RegistrySafelistSourceOptions {
  origin: SafelistOrigin;
  /** Reports a failed refresh; the documents loaded before stay trusted meanwhile. */
  onRefreshError?: (message: string) => void;
  /** The long-poll's wait (the registry answers at once on a push); at most 30 s. */
  waitMs?: number;
  /** After a failure, the wait doubles from this… */
  retryBaseMs?: number;
  /** …up to this. */
  retryMaxMs?: number;
  /** At start, how long to keep retrying a registry that fails before giving up. */
  startWaitMs?: number;
}

/** The same timing as a gateway following the registry's supergraph (supergraph/registry-source.ts). */
const LONG_POLL_MS = 25_000;
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 10_000;
const START_WAIT_MS = 10_000;
/** One request to a remote registry, on top of the long-poll's wait. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The documents pushed to a stage's safelist (`gatehouse safelist push`). It long-polls the
 * registry, which answers as soon as a push adds something, so a push reaches the gateway within a
 * second, without a restart. A registry that fails leaves the last documents trusted, retried with
 * backoff; after a failure the whole safelist is read again.
 */
export class RegistrySafelistSource implements TrustedDocumentSource {
  readonly name: string;
  private revision: number | undefined;
  private failures = 0;
  private closed = false;
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: RegistrySafelistSourceOptions) {
    const { origin } = options;
    this.name =
      origin.kind === 'embedded'
        ? `safelist of embedded registry stage ${origin.stage}`
        : `safelist of registry ${displayUrl(origin.url)} stage ${origin.stage}`;
  }

  async start(
    onChange: (documents: readonly TrustedDocument[]) => void,
  ): Promise<readonly TrustedDocument[]> {
    const deadline = Date.now() + (this.options.startWaitMs ?? START_WAIT_MS);
    for (let attempt = 0; ; attempt++) {
      try {
        const safelist = await this.read(undefined);
        if (safelist === undefined) throw new Error('the registry answered "unchanged" to a first read');
        this.revision = safelist.revision;
        this.loop = this.follow(onChange);
        return trustedDocuments(safelist);
      } catch (error) {
        const delay = backoffDelay(attempt, this.retryBaseMs, this.retryMaxMs);
        if (this.closed || Date.now() + delay > deadline || isFinal(error))
          throw new UserFacingError(`Cannot load the ${this.name}: ${messageOf(error)}`);
        await pause(delay, this.stop.signal);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop.abort();
    await this.loop;
  }

  private get retryBaseMs(): number {
    return this.options.retryBaseMs ?? RETRY_BASE_MS;
  }

  private get retryMaxMs(): number {
    return this.options.retryMaxMs ?? RETRY_MAX_MS;
  }

  private async follow(onChange: (documents: readonly TrustedDocument[]) => void): Promise<void> {
    while (!this.closed) {
      if (this.failures > 0)
        await pause(backoffDelay(this.failures - 1, this.retryBaseMs, this.retryMaxMs), this.stop.signal);
      if (this.closed) return;
      try {
        // After a failure, read everything: the registry may be another one now (restored, failed over).
        const safelist = await this.read(this.failures > 0 ? undefined : this.revision);
        this.failures = 0;
        if (safelist === undefined || safelist.revision === this.revision) continue;
        this.revision = safelist.revision;
        onChange(trustedDocuments(safelist));
      } catch (error) {
        if (this.closed) return;
        this.failures++;
        const retryMs = backoffDelay(this.failures - 1, this.retryBaseMs, this.retryMaxMs);
        this.options.onRefreshError?.(
          `cannot refresh the ${this.name} (${messageOf(error)}); retrying in ${retryMs} ms`,
        );
      }
    }
  }

  /** The safelist; with `known`, waits for a revision other than it (undefined: none came). */
  private async read(known: number | undefined): Promise<Safelist | undefined> {
    const { origin } = this.options;
    const waitMs = Math.min(this.options.waitMs ?? LONG_POLL_MS, 30_000);
    const { signal } = this.stop;
    if (origin.kind === 'embedded') {
      return known === undefined
        ? origin.registry.safelist(origin.stage)
        : origin.registry.waitForSafelistChange(origin.stage, known, waitMs, signal);
    }
    const fetched = await fetchSafelist(origin.url, origin.stage, {
      revision: known,
      waitMs: known === undefined ? 0 : waitMs,
      token: origin.token,
      signal,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    return fetched.status === 'changed' ? fetched.safelist : undefined;
  }
}

/**
 * Where `security.trustedDocuments.registry` reads the safelist: the registry the gateway follows
 * (`supergraph: { registry: URL }`, its stage and token), else the one it runs (`registry.embedded`)
 * for the stage it follows or runs as.
 */
export function safelistOrigin(config: GatehouseConfig, registry: Registry | undefined): SafelistOrigin {
  const source = config.supergraph;
  const followed = source?.kind === 'registry' ? source : undefined;
  const stage = followed?.stage ?? config.stage;
  if (followed !== undefined && followed.registry !== 'embedded')
    return { kind: 'remote', url: followed.registry, stage, token: followed.token };
  if (registry !== undefined) return { kind: 'embedded', registry, stage };
  throw new UserFacingError(
    '`security.trustedDocuments.registry: true` trusts the operations pushed to a registry: follow one (`supergraph: { registry: URL }`) or run one (`registry.embedded: true`).',
  );
}

/** The safelist source `security.trustedDocuments.registry` asks for, or none. */
export function registrySafelistSources(
  config: GatehouseConfig,
  resources: { registry?: Registry | undefined; logger: { warn(details: object, message: string): void } },
): TrustedDocumentSource[] {
  if (!config.security.trustedDocuments.registry) return [];
  const origin = safelistOrigin(config, resources.registry);
  return [
    new RegistrySafelistSource({
      origin,
      onRefreshError: (message) =>
        resources.logger.warn(
          { stage: origin.stage },
          `trusted documents: ${message}; the documents loaded before stay trusted`,
        ),
    }),
  ];
}

function trustedDocuments(safelist: Safelist): TrustedDocument[] {
  return safelist.documents.map((document) => ({
    id: document.id,
    body: document.body,
    clientName: document.clientName ?? undefined,
    clientVersion: document.clientVersion ?? undefined,
  }));
}

/** A refusal that retrying will not change (an unknown stage, a token refused): fail at once. */
function isFinal(error: unknown): boolean {
  if (error instanceof RegistryError) return error.code !== 'UNAVAILABLE';
  return error instanceof RegistryRequestError && (error.status === 401 || error.status === 404);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
