import { Agent, type Dispatcher } from 'undici';
import type { UsageRecord } from '../store/registry.js';
import {
  callRegistry,
  DEFAULT_TIMEOUT_MS,
  displayUrl,
  parseJson,
  RegistryRequestError,
  type CallOptions,
  type CallResult,
} from './client-http.js';
import { MAX_USAGE_RECORDS, MAX_WAIT_MS } from './http-input.js';
import { fetchSafelist, pushSafelistOverHttp } from './safelist-client.js';
import {
  RegistryError,
  type ChangeOutcome,
  type CheckReport,
  type PublishRequest,
  type Registry,
  type RegistrySubgraph,
  type RemoveRequest,
  type Safelist,
  type SafelistPushOutcome,
  type SafelistPushRequest,
  type StoredVersion,
  type VersionDiff,
  type VersionSummary,
} from './types.js';

export { displayUrl, RegistryRequestError } from './client-http.js';

export interface RegistryClientOptions {
  /** The registry's base URL, e.g. `http://registry:4100` (the API is under `/registry/v1`). */
  url: string;
  /** An admin token (`registry.tokens`): needed for changes, and for reads in stage `prod`. */
  token?: string | undefined;
  /** How long one call may take (a long-poll: this on top of its wait). Default 30 s. */
  timeoutMs?: number;
  /** The largest answer read. Default 64 MiB. */
  maxResponseBytes?: number;
}

/** What the registry accepts (`GET /registry/v1/stages`). */
export interface RegistryLimits {
  maxSchemaBytes: number;
  maxBodyBytes: number;
}

/** A schema at least this large is checked against the registry's limit before it is sent. */
const PRECHECK_SCHEMA_BYTES = 1024 * 1024;

export interface StageStatus {
  name: string;
  current?: VersionSummary;
}

/**
 * The registry over HTTP: the same {@link Registry} a gateway embeds, for the CLI and for gateways
 * following a remote registry. Failures say what happened (`Cannot reach the registry at …`, `The
 * registry refused the token (401)`); the registry's own refusals come back as `RegistryError`s,
 * as they would in process. The actor of a change is the token's name, so `actor` is not sent.
 */
export class RegistryClient implements Registry {
  private knownStages: readonly string[] = [];
  private limits: RegistryLimits | undefined;
  private readonly agent = new Agent({ keepAliveTimeout: 10_000 });

  constructor(private readonly options: RegistryClientOptions) {}

  /** A client that has read the registry's stages, so {@link stages} answers. */
  static async connect(options: RegistryClientOptions): Promise<RegistryClient> {
    const client = new RegistryClient(options);
    await client.stageStatus();
    return client;
  }

  get url(): string {
    return this.options.url;
  }

  /** The stages as last read (by {@link connect} or {@link stageStatus}); empty before. */
  stages(): readonly string[] {
    return this.knownStages;
  }

  /** Each stage, with its current version. */
  async stageStatus(): Promise<StageStatus[]> {
    const { stages, limits } = await this.json<{ stages: StageStatus[]; limits?: RegistryLimits }>('/stages');
    this.knownStages = stages.map((stage) => stage.name);
    this.limits = limits;
    return stages;
  }

  async publish(request: PublishRequest): Promise<ChangeOutcome> {
    await this.assertSchemaSize(request);
    const { stage, ...body } = request;
    return this.json(`/stages/${segment(stage)}/subgraphs`, {
      method: 'POST',
      body,
      accept: [422],
    });
  }

  async check(request: PublishRequest): Promise<CheckReport> {
    await this.assertSchemaSize(request);
    const { stage, ...body } = request;
    const { report } = await this.json<{ report: CheckReport }>(`/stages/${segment(stage)}/checks`, {
      method: 'POST',
      body,
    });
    return report;
  }

  async remove(request: RemoveRequest): Promise<ChangeOutcome> {
    return this.json(`/stages/${segment(request.stage)}/subgraphs/${segment(request.name)}`, {
      method: 'DELETE',
      query: { allowBreaking: request.allowBreaking },
      accept: [422],
    });
  }

  async subgraphs(stage: string): Promise<RegistrySubgraph[]> {
    return (await this.json<{ subgraphs: RegistrySubgraph[] }>(`/stages/${segment(stage)}/subgraphs`))
      .subgraphs;
  }

  async history(stage: string, limit?: number): Promise<VersionSummary[]> {
    return (
      await this.json<{ versions: VersionSummary[] }>(`/stages/${segment(stage)}/versions`, {
        query: { limit },
      })
    ).versions;
  }

  async version(id: number): Promise<StoredVersion | undefined> {
    try {
      return storedVersion(await this.json<StoredVersion & { createdAt: string }>(`/versions/${id}`));
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'UNKNOWN_VERSION') return undefined;
      throw error;
    }
  }

  async current(stage: string): Promise<StoredVersion | undefined> {
    const [latest] = await this.history(stage, 1);
    return latest === undefined ? undefined : this.version(latest.id);
  }

  async diff(from: number, to: number): Promise<VersionDiff> {
    return this.json('/diff', { query: { from, to } });
  }

  async rollback(stage: string, to: number): Promise<ChangeOutcome> {
    return this.json(`/stages/${segment(stage)}/rollback`, { method: 'POST', body: { to }, accept: [422] });
  }

  async promote(from: string, to: string): Promise<ChangeOutcome> {
    return this.json(`/stages/${segment(to)}/promote`, { method: 'POST', body: { from }, accept: [422] });
  }

  /** Long-polls the stage (30 s at a time) until its hash differs from `knownHash` or `waitMs` pass. */
  async waitForChange(
    stage: string,
    knownHash: string | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<StoredVersion | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal?.aborted) return undefined;
      const fetched = await fetchSupergraph(this.options.url, stage, {
        etag: knownHash,
        waitMs: Math.min(remaining, MAX_WAIT_MS),
        token: this.options.token,
        signal,
        dispatcher: this.agent,
        ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
      }).catch((error: unknown) => {
        if (signal?.aborted) return undefined;
        throw error;
      });
      if (fetched?.status === 'changed') return this.version(fetched.versionId);
    }
  }

  /** Sends usage, per stage, in batches the API accepts. */
  async recordUsage(records: readonly UsageRecord[]): Promise<void> {
    const byStage = new Map<string, UsageRecord[]>();
    for (const record of records) byStage.set(record.stage, [...(byStage.get(record.stage) ?? []), record]);
    for (const [stage, list] of byStage) {
      for (let start = 0; start < list.length; start += MAX_USAGE_RECORDS) {
        await this.call(`/stages/${segment(stage)}/usage`, {
          method: 'POST',
          body: { records: list.slice(start, start + MAX_USAGE_RECORDS) },
        });
      }
    }
  }

  pushSafelist(request: SafelistPushRequest): Promise<SafelistPushOutcome> {
    return pushSafelistOverHttp(this.options.url, request, this.connection());
  }

  async safelist(stage: string): Promise<Safelist> {
    const fetched = await fetchSafelist(this.options.url, stage, this.connection());
    if (fetched.status !== 'changed')
      throw new RegistryRequestError('The registry answered 304 to a plain read');
    return fetched.safelist;
  }

  /** Long-polls the stage's safelist (30 s at a time) until its revision differs or `waitMs` pass. */
  async waitForSafelistChange(
    stage: string,
    knownRevision: number | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<Safelist | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal?.aborted) return undefined;
      const fetched = await fetchSafelist(this.options.url, stage, {
        ...this.connection(),
        revision: knownRevision,
        waitMs: Math.min(remaining, MAX_WAIT_MS),
        signal,
      }).catch((error: unknown) => {
        if (signal?.aborted) return undefined;
        throw error;
      });
      if (fetched?.status === 'changed') return fetched.safelist;
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private connection() {
    return {
      token: this.options.token,
      dispatcher: this.agent,
      timeoutMs: this.options.timeoutMs,
      maxResponseBytes: this.options.maxResponseBytes,
    };
  }

  /**
   * Refuses a large schema the registry would refuse, without sending it: the registry answers a
   * body over its limit with 413 and closes the connection, which a client still sending megabytes
   * sees as a broken pipe rather than the answer.
   */
  private async assertSchemaSize({ sdl, name }: PublishRequest): Promise<void> {
    const bytes = Buffer.byteLength(sdl, 'utf8');
    if (bytes < PRECHECK_SCHEMA_BYTES) return;
    if (this.limits === undefined) await this.stageStatus();
    const max = this.limits?.maxSchemaBytes;
    if (max !== undefined && bytes > max) {
      throw new RegistryError(
        'SCHEMA_TOO_LARGE',
        `The SDL of subgraph "${name}" is ${bytes} bytes, more than the registry's limit of ${max} bytes (registry.maxSchemaBytes).`,
      );
    }
  }

  private call(path: string, options: CallOptions = {}): Promise<CallResult> {
    return callRegistry(this.options.url, path, {
      token: this.options.token,
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      dispatcher: this.agent,
      ...(this.options.maxResponseBytes === undefined
        ? {}
        : { maxResponseBytes: this.options.maxResponseBytes }),
      ...options,
    });
  }

  private async json<T>(path: string, options: CallOptions = {}): Promise<T> {
    return parseJson<T>(this.options.url, await this.call(path, options));
  }
}

/** What a poll of a stage's supergraph found. */
export type SupergraphFetch =
  | { status: 'changed'; sdl: string; hash: string; versionId: number }
  | { status: 'unchanged' }
  /** Nothing has been published to the stage yet. */
  | { status: 'empty' };

export interface FetchSupergraphOptions {
  /** The hash of the supergraph held (the last `hash`); sent as `If-None-Match`. */
  etag?: string | undefined;
  /** Long-poll: how long the registry may hold the request for a change (at most 30 s). */
  waitMs?: number;
  token?: string | undefined;
  signal?: AbortSignal | undefined;
  /** On top of `waitMs`. Default 30 s. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  dispatcher?: Dispatcher | undefined;
}

/**
 * Reads a stage's supergraph from a registry, for gateways following it: `changed` with the SDL,
 * its hash (the next `etag`) and version id; `unchanged` when the registry still has `etag` (after
 * holding the request up to `waitMs` for a change); `empty` when nothing was published yet. Other
 * failures throw `RegistryRequestError` or `RegistryError` (`UNKNOWN_STAGE`).
 */
export async function fetchSupergraph(
  registryUrl: string,
  stage: string,
  options: FetchSupergraphOptions = {},
): Promise<SupergraphFetch> {
  const waitMs = Math.max(0, Math.min(MAX_WAIT_MS, Math.round(options.waitMs ?? 0)));
  let result: CallResult;
  try {
    result = await callRegistry(registryUrl, `/stages/${segment(stage)}/supergraph`, {
      query: { wait: waitMs > 0 ? waitMs : undefined },
      headers: options.etag === undefined ? {} : { 'if-none-match': `"${options.etag}"` },
      token: options.token,
      accept: [304],
      timeoutMs: waitMs + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      signal: options.signal,
      dispatcher: options.dispatcher,
      ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
    });
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'EMPTY_STAGE') return { status: 'empty' };
    throw error;
  }
  if (result.status === 304) return { status: 'unchanged' };
  const etag = headerValue(result.headers.etag)
    ?.replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  const versionId = Number(headerValue(result.headers['x-gatehouse-version']));
  if (etag === undefined || !Number.isSafeInteger(versionId)) {
    throw new RegistryRequestError(
      `The server at ${displayUrl(registryUrl)} answered a supergraph without the ETag and x-gatehouse-version headers; is it a Gatehouse registry?`,
      result.status,
    );
  }
  return { status: 'changed', sdl: result.text, hash: etag, versionId };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function storedVersion(json: StoredVersion & { createdAt: string | Date }): StoredVersion {
  return { ...json, createdAt: new Date(json.createdAt) };
}

function segment(value: string): string {
  return encodeURIComponent(value);
}
