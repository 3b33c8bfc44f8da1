import { alignedTable } from './output.js';
import type {
  ChangeOutcome,
  CheckReport,
  RegistrySubgraph,
  SchemaChangeReport,
  VersionSummary,
} from '../registry/types.js';

/**
 * The registry's answers as people read them: a check report with each composition error's
 * subgraph and `file:line:column`, each breaking change with the operations and clients it would
 * break (or marked safe), and tables of subgraphs and versions.
 */

const MAX_AFFECTED_SHOWN = 10;

export function formatReport(report: CheckReport): string {
  const lines: string[] = [];
  const { compositionErrors, changes } = report;
  if (compositionErrors.length > 0) {
    lines.push(`Composition errors (${compositionErrors.length}):`);
    for (const problem of compositionErrors) {
      const subgraph = problem.subgraph === undefined ? '' : `[${problem.subgraph}] `;
      const code = problem.code === undefined ? '' : ` (${problem.code})`;
      lines.push(`  ✗ ${subgraph}${problem.message}${code}`);
      for (const location of problem.locations) lines.push(`      at ${location}`);
    }
  }
  const breaking = changes.filter((change) => change.criticality === 'BREAKING');
  const blocking = breaking.filter(isUsed);
  const safe = breaking.filter((change) => !isUsed(change));
  if (blocking.length > 0) {
    const verdict = report.allowBreaking ? 'allowed by --allow-breaking' : 'these reject the change';
    lines.push(
      `Breaking changes used in the last ${report.usageWindowDays} days (${blocking.length}; ${verdict}):`,
    );
    for (const change of blocking) {
      lines.push(`  ✗ ${describeChange(change)}`);
      const affected = change.affected ?? [];
      for (const operation of affected.slice(0, MAX_AFFECTED_SHOWN)) {
        const clients = operation.clients
          .map((client) => `${client.name || '(unnamed client)'} ${client.version}`.trim())
          .join(', ');
        lines.push(
          `      breaks ${operation.operationName} (${operation.operationHash.slice(0, 12)}) from ${clients || 'unknown clients'}: ${operation.count} requests, last ${operation.lastSeen}`,
        );
      }
      if (affected.length > MAX_AFFECTED_SHOWN) {
        lines.push(`      … and ${affected.length - MAX_AFFECTED_SHOWN} more operations`);
      }
    }
  }
  if (safe.length > 0) {
    lines.push(
      `Breaking changes that are safe: no operation used them in the last ${report.usageWindowDays} days (${safe.length}):`,
    );
    for (const change of safe) lines.push(`  ✓ safe: ${describeChange(change)}`);
  }
  const others = changes.filter((change) => change.criticality !== 'BREAKING');
  if (others.length > 0) {
    lines.push(`Other changes (${others.length}):`);
    for (const change of others) {
      const mark = change.criticality === 'DANGEROUS' ? '! dangerous:' : '·';
      lines.push(`  ${mark} ${describeChange(change)}`);
    }
  }
  if (compositionErrors.length === 0 && changes.length === 0) lines.push('No changes to the API schema.');
  return `${lines.join('\n')}\n`;
}

/** The report of `subgraph check`, headed by its verdict. */
export function formatCheck(report: CheckReport): string {
  const verdict = report.ok
    ? `Check passed: ${report.subject} in stage ${report.stage} would be accepted.`
    : `Check failed: ${report.subject} in stage ${report.stage} would be rejected.`;
  return `${verdict}\n${formatReport(report)}`;
}

/** A publish, remove, rollback or promote, with the version it made. */
export function formatOutcome(outcome: ChangeOutcome): string {
  const { report } = outcome;
  switch (outcome.status) {
    case 'created': {
      const count = outcome.version.subgraphs.length;
      return (
        `Stage ${report.stage}: ${report.subject}, created version ${outcome.version.id}` +
        ` (${count} subgraph${count === 1 ? '' : 's'}, hash ${outcome.version.hash.slice(0, 12)}).\n` +
        formatReport(report)
      );
    }
    case 'unchanged':
      return (
        `Stage ${report.stage}: ${report.subject} changed nothing; the current version stays ${outcome.version.id}.\n` +
        formatReport(report)
      );
    case 'rejected': {
      const hint =
        report.compositionErrors.length === 0 && report.blockingChanges > 0 && !report.allowBreaking
          ? 'Pass --allow-breaking to make the change anyway.\n'
          : '';
      return `Rejected: ${report.subject} in stage ${report.stage}; nothing was stored.\n${formatReport(report)}${hint}`;
    }
    default:
      return assertNever(outcome);
  }
}

export function formatSubgraphs(stage: string, subgraphs: readonly RegistrySubgraph[]): string {
  if (subgraphs.length === 0) return `Stage ${stage} has no subgraphs.\n`;
  return table(
    ['NAME', 'TYPE', 'URL', 'OWNER', 'UPDATED BY', 'UPDATED'],
    subgraphs.map((subgraph) => [
      subgraph.name,
      subgraph.type,
      subgraph.url,
      subgraph.owner,
      subgraph.updatedBy,
      isoSeconds(subgraph.updatedAt),
    ]),
  );
}

export function formatHistory(stage: string, versions: readonly VersionSummary[]): string {
  if (versions.length === 0) return `Stage ${stage} has no versions yet.\n`;
  return table(
    ['ID', 'ACTION', 'SUMMARY', 'BY', 'CREATED', 'SUBGRAPHS', 'HASH'],
    versions.map((version, index) => [
      `${version.id}${index === 0 ? '*' : ''}`,
      version.action,
      version.summary,
      version.publishedBy,
      isoSeconds(version.createdAt),
      String(version.subgraphs.length),
      version.hash.slice(0, 12),
    ]),
  ).concat('* current version\n');
}

function describeChange(change: SchemaChangeReport): string {
  return change.path === undefined ? change.message : `${change.path}: ${change.message}`;
}

function isUsed(change: SchemaChangeReport): boolean {
  return (change.affected?.length ?? 0) > 0;
}

function table(header: readonly string[], rows: readonly string[][]): string {
  return alignedTable([header, ...rows]);
}

function isoSeconds(value: string): string {
  return value.replace(/\.\d{3}Z$/, 'Z');
}

function assertNever(value: never): never {
  throw new Error(`unexpected outcome ${JSON.stringify(value)}`);
}
