import type { SafelistDocument, SafelistPush, SafelistPushResult } from './safelist.js';

/**
 * The registry concern of the store: stages' supergraph versions and the usage gateways report.
 * Every engine implements it and passes the same tests (test/integration/registry-store.test.ts).
 * History is append-only: a rollback or a promotion is a new version with old content.
 */

/** One subgraph as a stage holds it. */
export interface RegistrySubgraph {
  name: string;
  /** Where gateways reach it; a placeholder URL for REST connector subgraphs. */
  url: string;
  sdl: string;
  type: 'graphql' | 'rest';
  /** Who owns it (`--owner`, else the name of the token that first published it). */
  owner: string;
  /** Name of the token that last changed it, and when (ISO 8601). */
  updatedBy: string;
  updatedAt: string;
}

export type VersionAction = 'publish' | 'remove' | 'rollback' | 'promote' | 'seed';

export interface StoredVersion {
  /** Increasing over the whole registry (every stage), from 1. */
  id: number;
  stage: string;
  action: VersionAction;
  /** What the action was about: `publish products`, `rollback to 12`, `promote 7 from test`. */
  summary: string;
  subgraphs: RegistrySubgraph[];
  supergraphSdl: string;
  /** Hex SHA-256 of `supergraphSdl`; the ETag gateways poll with. */
  hash: string;
  /** Name of the admin token that made it. */
  publishedBy: string;
  createdAt: Date;
  /** The check report of the change, as JSON (see registry/types.ts `CheckReport`). */
  checkReport: unknown;
}

export type NewVersion = Omit<StoredVersion, 'id'>;

/** One operation seen by a gateway, counted over a batch. */
export interface UsageRecord {
  stage: string;
  /** Hex SHA-256 of the operation's normalised text. */
  operationHash: string;
  operationName: string;
  clientName: string;
  clientVersion: string;
  /** Schema coordinates the operation reads: `Type.field`, `Type.field.argument`, `Enum.VALUE`. */
  coordinates: readonly string[];
  count: number;
  seenAt: Date;
}

/** One operation that used a coordinate in the window. */
export interface CoordinateUsage {
  coordinate: string;
  operationHash: string;
  operationName: string;
  clientName: string;
  clientVersion: string;
  count: number;
  lastSeen: Date;
}

/**
 * Reads and writes made while holding the registry's write lock. Work inside `exclusive` uses only
 * these: on SQLite the lock holds the one connection, so a read through the repository would wait
 * for the lock it is inside.
 */
export interface RegistryWriter {
  head(stage: string): Promise<StoredVersion | undefined>;
  insertVersion(version: NewVersion): Promise<StoredVersion>;
  usageOf(stage: string, coordinates: readonly string[], since: Date): Promise<CoordinateUsage[]>;
}

/** Bounds of one `recordUsage` call: a gateway batches within them, and the store refuses more. */
export const USAGE_LIMITS = {
  recordsPerCall: 1_000,
  coordinatesPerOperation: 5_000,
  /** Characters of a hash, a name, a client name or version, a coordinate. */
  stringLength: 512,
  /** Largest count in one record. */
  count: 1_000_000_000,
} as const;

export interface RegistryRepository {
  /**
   * Runs `work` as the only registry writer: in this process and, on PostgreSQL, across every
   * process sharing the database (an advisory lock in a transaction). A failure writes nothing.
   */
  exclusive<T>(work: (writer: RegistryWriter) => Promise<T>): Promise<T>;
  /** The stage's current version. */
  head(stage: string): Promise<StoredVersion | undefined>;
  /** The hash of the stage's current version: cheap enough to poll. */
  headHash(stage: string): Promise<string | undefined>;
  version(id: number): Promise<StoredVersion | undefined>;
  /** Newest first. */
  history(stage: string, limit: number): Promise<StoredVersion[]>;
  /** Adds the counts to the stage's daily totals; fails with a RangeError beyond {@link USAGE_LIMITS}. */
  recordUsage(records: readonly UsageRecord[]): Promise<void>;
  /**
   * Operations that used any of the coordinates in the stage since `since`. A coordinate `Type.*`
   * stands for every coordinate of the type (`Type.field`, `Type.field.argument`).
   */
  usageOf(stage: string, coordinates: readonly string[], since: Date): Promise<CoordinateUsage[]>;
  /**
   * Adds the push's documents the stage does not have yet, all or nothing, as the only registry
   * writer. Fails with `SafelistConflict` when an id is stored with another text, and `SafelistFull`
   * past {@link SAFELIST_LIMITS}`.documentsPerStage`.
   */
  pushSafelist(push: SafelistPush): Promise<SafelistPushResult>;
  /** The stage's safelisted documents, oldest first. */
  safelist(stage: string): Promise<SafelistDocument[]>;
  /** How many documents the stage's safelist holds; it only grows, so it is cheap to poll. */
  safelistRevision(stage: string): Promise<number>;
  /**
   * Calls `listener` with the stage when another process commits a version (PostgreSQL
   * LISTEN/NOTIFY), or with `safelist:<stage>` when it pushes to a stage's safelist; undefined
   * when the engine cannot tell (SQLite: poll `headHash` and `safelistRevision`).
   */
  subscribe?(listener: (stage: string) => void): Promise<() => Promise<void>>;
}
