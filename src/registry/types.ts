import type { RegistrySubgraph, StoredVersion, UsageRecord, VersionAction } from '../store/registry.js';
import type { SafelistDocument } from '../store/safelist.js';

export type { RegistrySubgraph, StoredVersion, UsageRecord, VersionAction } from '../store/registry.js';
export type { SafelistDocument } from '../store/safelist.js';

/** A composition error, with the subgraph and file:line:column it points at. */
export interface CompositionProblem {
  message: string;
  /** The subgraph it is about, when the error names one. */
  subgraph?: string;
  code?: string;
  /** `file:line:column`, the file being the `--schema` path (or the subgraph's name). */
  locations: string[];
}

export type ChangeCriticality = 'BREAKING' | 'DANGEROUS' | 'NON_BREAKING';

/** An operation a change would break. */
export interface AffectedOperation {
  operationName: string;
  operationHash: string;
  clients: { name: string; version: string }[];
  count: number;
  lastSeen: string;
}

export interface SchemaChangeReport {
  /** graphql-inspector's change type, e.g. FIELD_REMOVED. */
  type: string;
  criticality: ChangeCriticality;
  message: string;
  /** The schema coordinate, e.g. `Query.me` or `Query.user.id`. */
  path?: string;
  /** For a breaking change: the operations that used it in the usage window (empty: safe). */
  affected?: AffectedOperation[];
}

export interface CheckReport {
  /** Whether the change may be stored (or, for `check`, would be). */
  ok: boolean;
  stage: string;
  /** The action checked, e.g. `publish products`. */
  subject: string;
  compositionErrors: CompositionProblem[];
  /** Changes to the stage's API schema (what clients see). */
  changes: SchemaChangeReport[];
  /** Breaking changes that touch operations seen in the window: they reject unless allowed. */
  blockingChanges: number;
  /** Breaking changes that touch nothing used in the window: allowed, and reported as safe. */
  safeBreakingChanges: number;
  /** `--allow-breaking` was given. */
  allowBreaking: boolean;
  usageWindowDays: number;
}

/** A version without its SDLs: what lists show. */
export interface VersionSummary {
  id: number;
  stage: string;
  action: VersionAction;
  summary: string;
  hash: string;
  publishedBy: string;
  createdAt: string;
  subgraphs: { name: string; url: string; owner: string; type: 'graphql' | 'rest' }[];
}

export interface PublishRequest {
  stage: string;
  name: string;
  url: string;
  sdl: string;
  type?: 'graphql' | 'rest';
  owner?: string;
  /** Shown in error locations: the `--schema` path, or the introspected URL. */
  origin?: string;
  allowBreaking?: boolean;
}

export interface RemoveRequest {
  stage: string;
  name: string;
  allowBreaking?: boolean;
}

/** What a change did: stored a version, found nothing to store, or was refused by its checks. */
export type ChangeOutcome =
  | { status: 'created'; version: VersionSummary; report: CheckReport }
  | { status: 'unchanged'; version: VersionSummary; report: CheckReport }
  | { status: 'rejected'; report: CheckReport };

/** `gatehouse safelist push`: a manifest (Apollo's or Relay's format) for a stage and a client. */
export interface SafelistPushRequest {
  stage: string;
  /** The manifest as parsed JSON; the registry reads either format (security/persisted/manifest.ts). */
  manifest: unknown;
  clientName?: string | undefined;
  clientVersion?: string | undefined;
}

export interface SafelistPushOutcome {
  stage: string;
  format: 'apollo' | 'relay';
  clientName: string | null;
  clientVersion: string | null;
  /** Ids this push stored. */
  added: string[];
  /** Ids the stage had already, with the same text. */
  existing: string[];
  /** The stage's safelist revision after the push. */
  revision: number;
}

/** A stage's safelist: every document pushed to it, and its revision (the count; it only grows). */
export interface Safelist {
  stage: string;
  revision: number;
  documents: SafelistDocument[];
}

/** The registry's operations, the same in process (embedded) and over HTTP (registry/client.ts). */
export interface Registry {
  stages(): readonly string[];
  /** `actor`: the name of the admin token making the change. */
  publish(request: PublishRequest, actor: string): Promise<ChangeOutcome>;
  /** The same checks as publish; stores nothing. */
  check(request: PublishRequest): Promise<CheckReport>;
  remove(request: RemoveRequest, actor: string): Promise<ChangeOutcome>;
  subgraphs(stage: string): Promise<RegistrySubgraph[]>;
  history(stage: string, limit?: number): Promise<VersionSummary[]>;
  version(id: number): Promise<StoredVersion | undefined>;
  current(stage: string): Promise<StoredVersion | undefined>;
  /** A human-readable diff of two versions' API schemas, plus the subgraph changes. */
  diff(from: number, to: number): Promise<VersionDiff>;
  rollback(stage: string, to: number, actor: string): Promise<ChangeOutcome>;
  /** Copies the exact current version of `from` (subgraphs, SDL, hash) into `to`. */
  promote(from: string, to: string, actor: string): Promise<ChangeOutcome>;
  /**
   * Resolves with the stage's current version as soon as its hash differs from `knownHash`, or with
   * undefined after `waitMs` (a long-poll).
   */
  waitForChange(
    stage: string,
    knownHash: string | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<StoredVersion | undefined>;
  recordUsage(records: readonly UsageRecord[]): Promise<void>;
  /** Adds the manifest's operations to the stage's safelist, all or none. */
  pushSafelist(request: SafelistPushRequest, actor: string): Promise<SafelistPushOutcome>;
  safelist(stage: string): Promise<Safelist>;
  /**
   * Resolves with the stage's safelist as soon as its revision differs from `knownRevision`, or
   * with undefined after `waitMs` (a long-poll).
   */
  waitForSafelistChange(
    stage: string,
    knownRevision: number | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<Safelist | undefined>;
  close(): Promise<void>;
}

export interface VersionDiff {
  from: VersionSummary;
  to: VersionSummary;
  changes: SchemaChangeReport[];
  subgraphs: {
    name: string;
    change: 'added' | 'removed' | 'changed';
    url?: { from?: string; to?: string };
  }[];
  /** The whole diff as text, for the CLI. */
  text: string;
}

/** The registry's errors: the HTTP API maps them to a status, the CLI to a message. */
export class RegistryError extends Error {
  constructor(
    readonly code:
      | 'UNKNOWN_STAGE'
      | 'UNKNOWN_VERSION'
      | 'UNKNOWN_SUBGRAPH'
      | 'INVALID_INPUT'
      | 'SCHEMA_TOO_LARGE'
      | 'EMPTY_STAGE'
      /** Too many long-polls waiting in this process (503): try again shortly. */
      | 'UNAVAILABLE'
      /** A safelist push reuses an id with another operation text (409). */
      | 'DOCUMENT_ID_CONFLICT'
      /** A safelist push, or the stage's safelist after it, is past a limit (413). */
      | 'SAFELIST_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}
