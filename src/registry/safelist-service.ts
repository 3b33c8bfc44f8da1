import type { Logger } from 'pino';
import type { RegistryRepository } from '../store/registry.js';
import {
  SAFELIST_CHANGE_PREFIX,
  SAFELIST_LIMITS,
  SafelistConflict,
  SafelistFull,
} from '../store/safelist.js';
import { ManifestError, parseManifest } from '../security/persisted/manifest.js';
import { ChangeWaiters } from './change-waiters.js';
import { RegistryError, type Safelist, type SafelistPushOutcome, type SafelistPushRequest } from './types.js';
import { assertActor, assertStage } from './validate-request.js';

export interface SafelistServiceOptions {
  repository: RegistryRepository;
  stages: readonly string[];
  logger?: Logger | undefined;
}

const MAX_WAIT_MS = 5 * 60_000;

/**
 * The registry's safelist operations: pushes of manifests, reads, and long-polls that gateways
 * follow. A push wakes this process's long-polls at once; other processes learn of it through the
 * store's notifications (PostgreSQL) or by polling the revision while anyone waits (SQLite).
 */
export class SafelistService {
  private readonly repository: RegistryRepository;
  private readonly waiters: ChangeWaiters<Safelist>;

  constructor(private readonly options: SafelistServiceOptions) {
    const { repository } = options;
    this.repository = repository;
    const subscribe = repository.subscribe?.bind(repository);
    this.waiters = new ChangeWaiters<Safelist>({
      headHash: async (stage) => String(await repository.safelistRevision(stage)),
      head: (stage) => this.read(stage),
      hashOf: (safelist) => String(safelist.revision),
      // The store's notifications name stages for versions and `safelist:<stage>` for pushes.
      subscribe:
        subscribe &&
        ((listener) =>
          subscribe((changed) => {
            if (changed.startsWith(SAFELIST_CHANGE_PREFIX))
              listener(changed.slice(SAFELIST_CHANGE_PREFIX.length));
          })),
      maxWaiters: 10_000,
      pollMs: 500,
      logger: options.logger,
    });
  }

  async push(request: SafelistPushRequest, actor: string): Promise<SafelistPushOutcome> {
    assertStage(this.options.stages, request.stage);
    assertActor(actor);
    const clientName = clientField('clientName', request.clientName);
    const clientVersion = clientField('clientVersion', request.clientVersion);
    let manifest;
    try {
      manifest = parseManifest(request.manifest, {
        documentsPerPush: SAFELIST_LIMITS.documentsPerPush,
      });
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      const code = error.tooLarge ? 'SAFELIST_TOO_LARGE' : 'INVALID_INPUT';
      throw new RegistryError(code, `manifest: ${error.message}`);
    }
    try {
      const result = await this.repository.pushSafelist({
        stage: request.stage,
        documents: manifest.documents,
        clientName,
        clientVersion,
        pushedBy: actor,
        createdAt: new Date(),
      });
      if (result.added.length > 0) {
        this.options.logger?.info(
          { stage: request.stage, added: result.added.length, client: clientName, by: actor },
          `registry: safelist of ${request.stage} +${result.added.length} → revision ${result.revision}`,
        );
        this.waiters.changed(request.stage);
      }
      return { stage: request.stage, format: manifest.format, clientName, clientVersion, ...result };
    } catch (error) {
      if (error instanceof SafelistConflict) throw new RegistryError('DOCUMENT_ID_CONFLICT', error.message);
      if (error instanceof SafelistFull) throw new RegistryError('SAFELIST_TOO_LARGE', error.message);
      throw error;
    }
  }

  async safelist(stage: string): Promise<Safelist> {
    assertStage(this.options.stages, stage);
    return this.read(stage);
  }

  async wait(
    stage: string,
    knownRevision: number | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<Safelist | undefined> {
    assertStage(this.options.stages, stage);
    if (typeof waitMs !== 'number' || !Number.isFinite(waitMs) || waitMs < 0) {
      throw new RegistryError('INVALID_INPUT', 'wait: expected a number of milliseconds, 0 or more');
    }
    const known = knownRevision === undefined ? undefined : String(knownRevision);
    return this.waiters.wait(stage, known, Math.min(waitMs, MAX_WAIT_MS), signal);
  }

  close(): Promise<void> {
    return this.waiters.close();
  }

  /** The documents and the revision they make (the documents are the revision's, read together). */
  private async read(stage: string): Promise<Safelist> {
    const documents = await this.repository.safelist(stage);
    return { stage, revision: documents.length, documents };
  }
}

function clientField(field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > SAFELIST_LIMITS.clientLength) {
    throw new RegistryError(
      'INVALID_INPUT',
      `${field}: expected 1 to ${SAFELIST_LIMITS.clientLength} characters`,
    );
  }
  return value.trim();
}
