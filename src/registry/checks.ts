import type { CoordinateUsage } from '../store/registry.js';
import type { SchemaChange } from './schema-diff.js';
import type { AffectedOperation, SchemaChangeReport } from './types.js';

/** Operations listed per breaking change, the most used first: enough to act on, bounded in size. */
const MAX_AFFECTED = 50;

export interface WeighedChanges {
  changes: SchemaChangeReport[];
  /** Breaking changes that touch operations seen in the window (or that cannot be weighed). */
  blocking: number;
  /** Breaking changes that touch nothing used in the window. */
  safe: number;
}

/**
 * Weighs the breaking changes against the operations seen: one that touches a coordinate used in
 * the window blocks and names the operations and clients; one that touches nothing is safe. A
 * breaking change with no coordinate (a root type changed) cannot be weighed, so it blocks.
 */
export async function weighChanges(
  changes: readonly SchemaChange[],
  usageOf: (coordinates: readonly string[]) => Promise<CoordinateUsage[]>,
): Promise<WeighedChanges> {
  const breaking = changes.filter((change) => change.report.criticality === 'BREAKING');
  const wanted = [...new Set(breaking.flatMap((change) => change.usedBy ?? []))];
  const usage = wanted.length === 0 ? [] : await usageOf(wanted);
  let blocking = 0;
  let safe = 0;
  const reports = changes.map((change): SchemaChangeReport => {
    if (change.report.criticality !== 'BREAKING') return change.report;
    if (change.usedBy === undefined) {
      blocking++;
      return { ...change.report, affected: [] };
    }
    const affected = affectedOperations(
      usage.filter((row) => matchesAny(row.coordinate, change.usedBy ?? [])),
    );
    if (affected.length > 0) blocking++;
    else safe++;
    return { ...change.report, affected };
  });
  return { changes: reports, blocking, safe };
}

function matchesAny(coordinate: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('.*') ? coordinate.startsWith(pattern.slice(0, -1)) : coordinate === pattern,
  );
}

/** One entry per operation, its clients listed once (a row per coordinate repeats them). */
function affectedOperations(rows: readonly CoordinateUsage[]): AffectedOperation[] {
  const operations = new Map<
    string,
    {
      operationName: string;
      clients: Map<string, { name: string; version: string; count: number; lastSeen: Date }>;
    }
  >();
  for (const row of rows) {
    let operation = operations.get(row.operationHash);
    if (operation === undefined) {
      operation = { operationName: row.operationName, clients: new Map() };
      operations.set(row.operationHash, operation);
    }
    const key = JSON.stringify([row.clientName, row.clientVersion]);
    const client = operation.clients.get(key);
    if (client === undefined) {
      operation.clients.set(key, {
        name: row.clientName,
        version: row.clientVersion,
        count: row.count,
        lastSeen: row.lastSeen,
      });
    } else if (row.lastSeen > client.lastSeen) {
      client.lastSeen = row.lastSeen;
    }
  }
  return [...operations]
    .map(([operationHash, { operationName, clients }]): AffectedOperation => {
      const list = [...clients.values()];
      return {
        operationName,
        operationHash,
        clients: list
          .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
          .map(({ name, version }) => ({ name, version })),
        count: list.reduce((sum, client) => sum + client.count, 0),
        lastSeen: new Date(Math.max(...list.map((client) => client.lastSeen.getTime()))).toISOString(),
      };
    })
    .sort((a, b) => b.count - a.count || a.operationName.localeCompare(b.operationName))
    .slice(0, MAX_AFFECTED);
}
