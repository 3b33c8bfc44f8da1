import { getSupergraph, redact } from './http-fetch.js';
import { PollingSource } from './polling-source.js';
import { fetched, type FetchedSupergraph } from './source.js';

export interface UrlSourceOptions {
  url: string;
  pollIntervalMs: number;
  headers: Readonly<Record<string, string>>;
  /** Per request; defaults to 30 s. */
  timeoutMs?: number;
  /** At start, how long to keep retrying; defaults to 10 s. */
  startWaitMs?: number;
  maxBytes?: number;
}

/**
 * A supergraph polled from a URL (a file server, a bucket, a registry's supergraph endpoint) every
 * `pollIntervalMs` with `If-None-Match`, so an unchanged one costs a 304. Failures back off up to ten
 * times the interval.
 */
export class UrlSource extends PollingSource {
  readonly description: string;
  private etag: string | undefined;

  constructor(private readonly options: UrlSourceOptions) {
    super({
      intervalMs: options.pollIntervalMs,
      retryBaseMs: options.pollIntervalMs,
      retryMaxMs: options.pollIntervalMs * 10,
      startWaitMs: options.startWaitMs ?? 10_000,
    });
    this.description = `url ${redact(options.url)}`;
  }

  protected async fetchOnce(
    signal: AbortSignal,
    conditional: boolean,
  ): Promise<FetchedSupergraph | 'unchanged'> {
    const headers: Record<string, string> = { ...this.options.headers };
    if (conditional && this.etag !== undefined) headers['if-none-match'] = this.etag;
    const response = await getSupergraph({
      url: this.options.url,
      headers,
      signal,
      timeoutMs: this.options.timeoutMs ?? 30_000,
      ...(this.options.maxBytes === undefined ? {} : { maxBytes: this.options.maxBytes }),
    });
    if (response.status === 'unchanged') return 'unchanged';
    this.etag = response.etag;
    return fetched(response.sdl, response.version);
  }
}
