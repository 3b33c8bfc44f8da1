import type { Logger } from 'pino';
import type { ConnectorsConfig } from '../config/connectors-schema.js';
import type {
  RegistryRepository,
  RegistrySubgraph,
  RegistryWriter,
  StoredVersion,
  UsageRecord,
} from '../store/registry.js';
import { USAGE_LIMITS } from '../store/registry.js';
import { assertUsageWithinLimits } from '../store/usage-limits.js';
import { ChangeWaiters } from './change-waiters.js';
import { ChangeEvaluator, type Evaluation } from './evaluate-change.js';
import { SafelistService } from './safelist-service.js';
import {
  RegistryError,
  type ChangeOutcome,
  type CheckReport,
  type PublishRequest,
  type Registry,
  type RemoveRequest,
  type Safelist,
  type SafelistPushOutcome,
  type SafelistPushRequest,
  type VersionDiff,
  type VersionSummary,
} from './types.js';
import {
  assertActor,
  assertStage,
  assertVersionId,
  validatePublish,
  validateRemove,
  type ValidPublish,
} from './validate-request.js';
import { diffText, subgraphChanges, toSummary } from './version-diff.js';

export interface RegistryOptions {
  repository: RegistryRepository;
  stages: readonly string[];
  /** A breaking change that touches nothing used in this many days is allowed. */
  usageWindowDays: number;
  /** Largest subgraph SDL accepted, in bytes. */
  maxSchemaBytes: number;
  /** Connector schemas are checked against `connectors.subgraphs.<name>.config`. */
  connectors?: ConnectorsConfig | undefined;
  logger?: Logger | undefined;
}

/** A subgraph given to {@link EmbeddedRegistry.seed}. */
export interface SeedSubgraph {
  name: string;
  url: string;
  sdl: string;
  type?: 'graphql' | 'rest';
  origin?: string;
}

/** The in-process registry: the {@link Registry} operations, plus seeding an empty stage at start. */
export interface EmbeddedRegistry extends Registry {
  /**
   * Stores these subgraphs, composed together, as the stage's first version (action `seed`);
   * unchanged when the stage has a version already.
   */
  seed(stage: string, subgraphs: readonly SeedSubgraph[], actor: string): Promise<ChangeOutcome>;
}

const DEFAULT_HISTORY = 20;
const MAX_HISTORY = 1_000;
const MAX_WAIT_MS = 5 * 60_000;

export function createRegistry(options: RegistryOptions): EmbeddedRegistry {
  return new RegistryService(options);
}

class RegistryService implements EmbeddedRegistry {
  private readonly repository: RegistryRepository;
  private readonly stageNames: readonly string[];
  private readonly checks: ChangeEvaluator;
  private readonly waiters: ChangeWaiters;
  private readonly safelists: SafelistService;

  constructor(private readonly options: RegistryOptions) {
    this.repository = options.repository;
    this.stageNames = [...options.stages];
    this.checks = new ChangeEvaluator(options);
    this.waiters = new ChangeWaiters({
      headHash: (stage) => this.repository.headHash(stage),
      head: (stage) => this.repository.head(stage),
      hashOf: (version) => version.hash,
      subscribe: this.repository.subscribe?.bind(this.repository),
      maxWaiters: 10_000,
      pollMs: 500,
      logger: options.logger,
    });
    this.safelists = new SafelistService(options);
  }

  stages(): readonly string[] {
    return this.stageNames;
  }

  async publish(request: PublishRequest, actor: string): Promise<ChangeOutcome> {
    const input = validatePublish(request, this.stageNames, this.options.maxSchemaBytes);
    assertActor(actor);
    const subject = `publish ${input.name}`;
    return this.change(input.stage, async (writer) => {
      const head = await writer.head(input.stage);
      const current = head?.subgraphs ?? [];
      const existing = current.find((subgraph) => subgraph.name === input.name);
      if (head !== undefined && existing !== undefined && sameSubgraph(existing, input)) {
        return {
          status: 'unchanged',
          version: toSummary(head),
          report: this.checks.emptyReport(input.stage, subject, input.allowBreaking),
        };
      }
      const now = new Date();
      const subgraph: RegistrySubgraph = {
        name: input.name,
        url: input.url,
        sdl: input.sdl,
        type: input.type,
        owner: input.owner ?? existing?.owner ?? actor,
        updatedBy: actor,
        updatedAt: now.toISOString(),
      };
      const subgraphs = withSubgraph(current, subgraph);
      const evaluation = await this.checks.evaluate({
        stage: input.stage,
        subject,
        head,
        subgraphs,
        allowBreaking: input.allowBreaking,
        focus: input.name,
        origin: input.origin,
        usageOf: writer.usageOf,
      });
      return this.store(writer, evaluation, { action: 'publish', subgraphs, actor, now });
    });
  }

  async check(request: PublishRequest): Promise<CheckReport> {
    const input = validatePublish(request, this.stageNames, this.options.maxSchemaBytes);
    const subject = `publish ${input.name}`;
    const head = await this.repository.head(input.stage);
    const current = head?.subgraphs ?? [];
    const existing = current.find((subgraph) => subgraph.name === input.name);
    if (existing !== undefined && sameSubgraph(existing, input))
      return this.checks.emptyReport(input.stage, subject, input.allowBreaking);
    const candidate: RegistrySubgraph = {
      name: input.name,
      url: input.url,
      sdl: input.sdl,
      type: input.type,
      owner: input.owner ?? existing?.owner ?? '',
      updatedBy: '',
      updatedAt: new Date().toISOString(),
    };
    const subgraphs = withSubgraph(current, candidate);
    const { report } = await this.checks.evaluate({
      stage: input.stage,
      subject,
      head,
      subgraphs,
      allowBreaking: input.allowBreaking,
      focus: input.name,
      origin: input.origin,
      usageOf: (stage, coordinates, since) => this.repository.usageOf(stage, coordinates, since),
    });
    return report;
  }

  async remove(request: RemoveRequest, actor: string): Promise<ChangeOutcome> {
    const input = validateRemove(request, this.stageNames);
    assertActor(actor);
    const subject = `remove ${input.name}`;
    return this.change(input.stage, async (writer) => {
      const head = await writer.head(input.stage);
      const current = head?.subgraphs ?? [];
      if (!current.some((subgraph) => subgraph.name === input.name)) {
        const names = current.map((subgraph) => subgraph.name).join(', ') || 'none';
        throw new RegistryError(
          'UNKNOWN_SUBGRAPH',
          `Stage "${input.stage}" has no subgraph "${input.name}"; its subgraphs: ${names}.`,
        );
      }
      if (current.length === 1) {
        throw new RegistryError(
          'INVALID_INPUT',
          `Cannot remove "${input.name}": it is the only subgraph of stage "${input.stage}", and a supergraph needs at least one. Publish another subgraph first.`,
        );
      }
      const subgraphs = current.filter((subgraph) => subgraph.name !== input.name);
      const evaluation = await this.checks.evaluate({
        stage: input.stage,
        subject,
        head,
        subgraphs,
        allowBreaking: input.allowBreaking,
        usageOf: writer.usageOf,
      });
      return this.store(writer, evaluation, { action: 'remove', subgraphs, actor, now: new Date() });
    });
  }

  async rollback(stage: string, to: number, actor: string): Promise<ChangeOutcome> {
    assertStage(this.stageNames, stage);
    assertVersionId('to', to);
    assertActor(actor);
    const target = await this.repository.version(to);
    if (target === undefined) throw new RegistryError('UNKNOWN_VERSION', `There is no version ${to}.`);
    if (target.stage !== stage) {
      throw new RegistryError(
        'INVALID_INPUT',
        `Version ${to} belongs to stage "${target.stage}", not "${stage}"; promote from "${target.stage}" instead.`,
      );
    }
    return this.copy(stage, 'rollback', actor, async () => target);
  }

  async promote(from: string, to: string, actor: string): Promise<ChangeOutcome> {
    assertStage(this.stageNames, from);
    assertStage(this.stageNames, to);
    assertActor(actor);
    if (from === to) throw new RegistryError('INVALID_INPUT', `Cannot promote stage "${from}" to itself.`);
    return this.copy(to, 'promote', actor, async (writer) => {
      const source = await writer.head(from);
      if (source === undefined) {
        throw new RegistryError(
          'EMPTY_STAGE',
          `Nothing has been published to stage "${from}" yet; nothing to promote.`,
        );
      }
      return source;
    });
  }

  async seed(stage: string, subgraphs: readonly SeedSubgraph[], actor: string): Promise<ChangeOutcome> {
    assertStage(this.stageNames, stage);
    assertActor(actor);
    const inputs = subgraphs.map((subgraph) =>
      validatePublish({ ...subgraph, stage }, this.stageNames, this.options.maxSchemaBytes),
    );
    const subject = `seed ${inputs.map((input) => input.name).join(', ')}`;
    return this.change(stage, async (writer) => {
      const head = await writer.head(stage);
      if (head !== undefined) {
        return {
          status: 'unchanged',
          version: toSummary(head),
          report: this.checks.emptyReport(stage, subject),
        };
      }
      const now = new Date();
      const stored: RegistrySubgraph[] = inputs.map(({ name, url, sdl, type }) => ({
        name,
        url,
        sdl,
        type,
        owner: actor,
        updatedBy: actor,
        updatedAt: now.toISOString(),
      }));
      const evaluation = await this.checks.evaluate({
        stage,
        subject,
        head,
        subgraphs: stored,
        allowBreaking: false,
        usageOf: writer.usageOf,
      });
      return this.store(writer, evaluation, { action: 'seed', subgraphs: stored, actor, now });
    });
  }

  async subgraphs(stage: string): Promise<RegistrySubgraph[]> {
    assertStage(this.stageNames, stage);
    return (await this.repository.head(stage))?.subgraphs ?? [];
  }

  async history(stage: string, limit: number = DEFAULT_HISTORY): Promise<VersionSummary[]> {
    assertStage(this.stageNames, stage);
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RegistryError('INVALID_INPUT', 'limit: expected a positive integer');
    }
    return (await this.repository.history(stage, Math.min(limit, MAX_HISTORY))).map(toSummary);
  }

  async version(id: number): Promise<StoredVersion | undefined> {
    assertVersionId('id', id);
    return this.repository.version(id);
  }

  async current(stage: string): Promise<StoredVersion | undefined> {
    assertStage(this.stageNames, stage);
    return this.repository.head(stage);
  }

  async diff(from: number, to: number): Promise<VersionDiff> {
    assertVersionId('from', from);
    assertVersionId('to', to);
    const [before, after] = await Promise.all([this.repository.version(from), this.repository.version(to)]);
    if (before === undefined) throw new RegistryError('UNKNOWN_VERSION', `There is no version ${from}.`);
    if (after === undefined) throw new RegistryError('UNKNOWN_VERSION', `There is no version ${to}.`);
    const changes = (await this.checks.schemaChanges(before, after)).map((change) => change.report);
    const subgraphs = subgraphChanges(before, after);
    return {
      from: toSummary(before),
      to: toSummary(after),
      changes,
      subgraphs,
      text: diffText(before, after, subgraphs, changes),
    };
  }

  async waitForChange(
    stage: string,
    knownHash: string | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<StoredVersion | undefined> {
    assertStage(this.stageNames, stage);
    if (typeof waitMs !== 'number' || !Number.isFinite(waitMs) || waitMs < 0) {
      throw new RegistryError('INVALID_INPUT', 'wait: expected a number of milliseconds, 0 or more');
    }
    return this.waiters.wait(stage, knownHash, Math.min(waitMs, MAX_WAIT_MS), signal);
  }

  async recordUsage(records: readonly UsageRecord[]): Promise<void> {
    if (!Array.isArray(records))
      throw new RegistryError('INVALID_INPUT', 'records: expected a list of usage records');
    for (const record of records) assertStage(this.stageNames, record.stage);
    // The HTTP API may accept larger reports than one store call takes.
    for (let start = 0; start < records.length; start += USAGE_LIMITS.recordsPerCall) {
      const chunk = records.slice(start, start + USAGE_LIMITS.recordsPerCall);
      try {
        assertUsageWithinLimits(chunk);
      } catch (error) {
        if (error instanceof RangeError) throw new RegistryError('INVALID_INPUT', error.message);
        throw error;
      }
      await this.repository.recordUsage(chunk);
    }
  }

  pushSafelist(request: SafelistPushRequest, actor: string): Promise<SafelistPushOutcome> {
    return this.safelists.push(request, actor);
  }

  safelist(stage: string): Promise<Safelist> {
    return this.safelists.safelist(stage);
  }

  waitForSafelistChange(
    stage: string,
    knownRevision: number | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<Safelist | undefined> {
    return this.safelists.wait(stage, knownRevision, waitMs, signal);
  }

  async close(): Promise<void> {
    await Promise.all([this.waiters.close(), this.safelists.close()]);
  }

  /** Runs a change as the only writer, then wakes this process's long-polls on the stage. */
  private async change(
    stage: string,
    work: (writer: RegistryWriter) => Promise<ChangeOutcome>,
  ): Promise<ChangeOutcome> {
    const outcome = await this.repository.exclusive(work);
    if (outcome.status === 'created') {
      this.options.logger?.info(
        { stage, version: outcome.version.id, hash: outcome.version.hash, by: outcome.version.publishedBy },
        `registry: ${outcome.report.subject} → version ${outcome.version.id}`,
      );
      this.waiters.changed(stage);
    }
    return outcome;
  }

  /** Rollback and promote: store another version's exact content, reporting (not blocking on) its changes. */
  private copy(
    stage: string,
    action: 'rollback' | 'promote',
    actor: string,
    source: (writer: RegistryWriter) => Promise<StoredVersion>,
  ): Promise<ChangeOutcome> {
    return this.change(stage, async (writer) => {
      const content = await source(writer);
      const subject =
        action === 'promote' ? `promote ${content.id} from ${content.stage}` : `rollback to ${content.id}`;
      const head = await writer.head(stage);
      if (head !== undefined && head.hash === content.hash) {
        return {
          status: 'unchanged',
          version: toSummary(head),
          report: this.checks.emptyReport(stage, subject),
        };
      }
      const report = this.checks.emptyReport(stage, subject);
      if (head !== undefined) {
        const weighed = await this.checks.compare(stage, head, content, writer.usageOf);
        report.changes = weighed.changes;
        report.blockingChanges = weighed.blocking;
        report.safeBreakingChanges = weighed.safe;
      }
      const version = await writer.insertVersion({
        stage,
        action,
        summary: subject,
        subgraphs: content.subgraphs,
        supergraphSdl: content.supergraphSdl,
        hash: content.hash,
        publishedBy: actor,
        createdAt: new Date(),
        checkReport: report,
      });
      return { status: 'created', version: toSummary(version), report };
    });
  }

  private async store(
    writer: RegistryWriter,
    evaluation: Evaluation,
    change: {
      action: 'publish' | 'remove' | 'seed';
      subgraphs: RegistrySubgraph[];
      actor: string;
      now: Date;
    },
  ): Promise<ChangeOutcome> {
    const { report, supergraphSdl, hash } = evaluation;
    if (!report.ok || supergraphSdl === undefined || hash === undefined)
      return { status: 'rejected', report };
    const version = await writer.insertVersion({
      stage: report.stage,
      action: change.action,
      summary: report.subject,
      subgraphs: change.subgraphs,
      supergraphSdl,
      hash,
      publishedBy: change.actor,
      createdAt: change.now,
      checkReport: report,
    });
    return { status: 'created', version: toSummary(version), report };
  }
}

/** Publishing the same subgraph again stores nothing (the owner alone is not a change). */
/** The stage's subgraphs with this one added, or in place of the one of its name. */
function withSubgraph(current: readonly RegistrySubgraph[], subgraph: RegistrySubgraph): RegistrySubgraph[] {
  return current.some((old) => old.name === subgraph.name)
    ? current.map((old) => (old.name === subgraph.name ? subgraph : old))
    : [...current, subgraph];
}

function sameSubgraph(stored: RegistrySubgraph, input: ValidPublish): boolean {
  return stored.url === input.url && stored.sdl === input.sdl && stored.type === input.type;
}
