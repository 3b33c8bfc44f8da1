import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConnectorsConfig } from '../config/connectors-schema.js';
import type { RegistrySubgraph, RegistryWriter, StoredVersion } from '../store/registry.js';
import { weighChanges, type WeighedChanges } from './checks.js';
import { composeStage } from './compose-stage.js';
import { ApiSchemas, diffApiSchemas, type SchemaChange } from './schema-diff.js';
import type { CheckReport } from './types.js';

export type UsageLookup = RegistryWriter['usageOf'];

/** What a change leads to before it is stored: its report, and the supergraph when it composed. */
export interface Evaluation {
  report: CheckReport;
  supergraphSdl?: string;
  hash?: string;
}

export interface EvaluateArgs {
  stage: string;
  /** What the report is about, e.g. `publish products`. */
  subject: string;
  head: StoredVersion | undefined;
  /** The stage's subgraphs as they would be after the change. */
  subgraphs: RegistrySubgraph[];
  allowBreaking: boolean;
  /** The subgraph changed, and its origin for error locations. */
  focus?: string | undefined;
  origin?: string | undefined;
  usageOf: UsageLookup;
}

export interface ChangeEvaluatorOptions {
  usageWindowDays: number;
  connectors?: ConnectorsConfig | undefined;
  logger?: Logger | undefined;
}

const DAY_MS = 86_400_000;

/**
 * The checks every change goes through: compose the stage as it would be, diff its API schema
 * against the current one, and weigh the breaking changes against the usage window.
 */
export class ChangeEvaluator {
  private readonly apiSchemas = new ApiSchemas();

  constructor(private readonly options: ChangeEvaluatorOptions) {}

  async evaluate(args: EvaluateArgs): Promise<Evaluation> {
    const report = this.emptyReport(args.stage, args.subject, args.allowBreaking);
    const composed = composeStage(args.subgraphs, {
      connectors: this.options.connectors,
      focus: args.focus,
      origin: args.origin,
    });
    if (!composed.ok) return { report: { ...report, ok: false, compositionErrors: composed.problems } };
    const { supergraphSdl } = composed;
    const hash = sha256(supergraphSdl);
    try {
      this.apiSchemas.of(supergraphSdl, hash);
    } catch (error) {
      const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
      return {
        report: {
          ...report,
          ok: false,
          compositionErrors: [
            { message: `The composed supergraph is not servable: ${message}`, locations: [] },
          ],
        },
      };
    }
    // The first version of a stage has nothing to break.
    if (args.head === undefined) return { report, supergraphSdl, hash };
    const weighed = await this.compare(args.stage, args.head, { supergraphSdl, hash }, args.usageOf);
    return {
      report: {
        ...report,
        ok: weighed.blocking === 0 || args.allowBreaking,
        changes: weighed.changes,
        blockingChanges: weighed.blocking,
        safeBreakingChanges: weighed.safe,
      },
      supergraphSdl,
      hash,
    };
  }

  /** The changes from one supergraph to another, weighed against the stage's usage. */
  async compare(
    stage: string,
    before: Supergraph,
    after: Supergraph,
    usageOf: UsageLookup,
  ): Promise<WeighedChanges> {
    const since = new Date(Date.now() - this.options.usageWindowDays * DAY_MS);
    return weighChanges(await this.schemaChanges(before, after), (coordinates) =>
      usageOf(stage, coordinates, since),
    );
  }

  /** API schema changes between two supergraphs; none when either cannot be read (logged). */
  async schemaChanges(before: Supergraph, after: Supergraph): Promise<SchemaChange[]> {
    if (before.hash === after.hash) return [];
    try {
      return await diffApiSchemas(
        this.apiSchemas.of(before.supergraphSdl, before.hash),
        this.apiSchemas.of(after.supergraphSdl, after.hash),
      );
    } catch (error) {
      this.options.logger?.warn(
        { err: error },
        'registry: cannot diff the API schemas; reporting no changes',
      );
      return [];
    }
  }

  emptyReport(stage: string, subject: string, allowBreaking = false): CheckReport {
    return {
      ok: true,
      stage,
      subject,
      compositionErrors: [],
      changes: [],
      blockingChanges: 0,
      safeBreakingChanges: 0,
      allowBreaking,
      usageWindowDays: this.options.usageWindowDays,
    };
  }
}

interface Supergraph {
  supergraphSdl: string;
  hash: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
