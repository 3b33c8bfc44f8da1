import type { StoredVersion } from '../store/registry.js';
import type { SchemaChangeReport, VersionDiff, VersionSummary } from './types.js';

/** A version without its SDLs, as lists and the HTTP API show it. */
export function toSummary(version: StoredVersion): VersionSummary {
  return {
    id: version.id,
    stage: version.stage,
    action: version.action,
    summary: version.summary,
    hash: version.hash,
    publishedBy: version.publishedBy,
    createdAt: version.createdAt.toISOString(),
    subgraphs: version.subgraphs.map(({ name, url, owner, type }) => ({ name, url, owner, type })),
  };
}

/** Which subgraphs were added, removed or changed (URL, type or SDL) from one version to the other. */
export function subgraphChanges(from: StoredVersion, to: StoredVersion): VersionDiff['subgraphs'] {
  const before = new Map(from.subgraphs.map((subgraph) => [subgraph.name, subgraph]));
  const after = new Map(to.subgraphs.map((subgraph) => [subgraph.name, subgraph]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: VersionDiff['subgraphs'] = [];
  for (const name of names) {
    const old = before.get(name);
    const now = after.get(name);
    if (old === undefined && now !== undefined) changes.push({ name, change: 'added', url: { to: now.url } });
    else if (old !== undefined && now === undefined)
      changes.push({ name, change: 'removed', url: { from: old.url } });
    else if (old !== undefined && now !== undefined) {
      if (old.url !== now.url) changes.push({ name, change: 'changed', url: { from: old.url, to: now.url } });
      else if (old.sdl !== now.sdl || old.type !== now.type) changes.push({ name, change: 'changed' });
    }
  }
  return changes;
}

/** The diff as the CLI prints it: both versions, the subgraph changes, then the schema changes. */
export function diffText(
  from: StoredVersion,
  to: StoredVersion,
  subgraphs: VersionDiff['subgraphs'],
  changes: readonly SchemaChangeReport[],
): string {
  const lines = [
    `Version ${from.id} → version ${to.id}`,
    `  from ${describe(from)}`,
    `  to   ${describe(to)}`,
    '',
  ];
  if (subgraphs.length === 0) lines.push('Subgraphs: no change');
  else {
    lines.push('Subgraphs:');
    for (const { name, change, url } of subgraphs) {
      if (change === 'added') lines.push(`  + ${name} (${url?.to ?? ''})`);
      else if (change === 'removed') lines.push(`  - ${name}`);
      else if (url !== undefined) lines.push(`  ~ ${name}: URL ${url.from ?? ''} → ${url.to ?? ''}`);
      else lines.push(`  ~ ${name}: schema changed`);
    }
  }
  lines.push('');
  if (changes.length === 0) lines.push('API schema: no change');
  else {
    const count = (level: SchemaChangeReport['criticality']) =>
      changes.filter((c) => c.criticality === level).length;
    lines.push(
      `API schema: ${changes.length} change(s), ${count('BREAKING')} breaking, ${count('DANGEROUS')} dangerous, ${count('NON_BREAKING')} safe`,
    );
    for (const change of changes) {
      const path = change.path === undefined ? '' : `${change.path}: `;
      lines.push(`  ${change.criticality.padEnd(12)} ${path}${change.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function describe(version: StoredVersion): string {
  return `${version.id} [${version.stage}] ${version.summary} by ${version.publishedBy} at ${version.createdAt.toISOString()} (${version.hash.slice(0, 12)})`;
}
