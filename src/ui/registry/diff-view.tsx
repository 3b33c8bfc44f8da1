import { useId } from 'react';

import { apiPaths, type VersionDiff, type VersionSummary } from './api.js';
import { plural } from './format.js';
import { useResource } from './resource.js';
import { Loaded } from './status.js';

/** The two versions compared: `from` is the older one, usually. */
export interface DiffPair {
  from: number;
  to: number;
}

export interface DiffViewProps {
  /** The stage's history, newest first. */
  versions: readonly VersionSummary[];
  /** The chosen pair; undefined shows the newest version against the one before it. */
  pair: DiffPair | undefined;
  onChange: (pair: DiffPair) => void;
}

/** Two version pickers and what changed between the versions they name. */
export function DiffView({ versions, pair, onChange }: DiffViewProps) {
  const fromId = useId();
  const toId = useId();
  const [newest, previous] = versions;
  if (!newest || !previous) {
    return (
      <p className="empty">A diff needs two versions; this stage has {plural(versions.length, 'version')}.</p>
    );
  }
  const { from, to } = pair ?? { from: previous.id, to: newest.id };
  const options = versions.map((version) => (
    <option key={version.id} value={version.id}>
      {version.id}: {version.summary}
    </option>
  ));

  return (
    <>
      <div className="diff-pickers">
        <label htmlFor={fromId}>From</label>
        <select
          id={fromId}
          value={from}
          onChange={(event) => onChange({ from: Number(event.target.value), to })}
        >
          {options}
        </select>
        <label htmlFor={toId}>to</label>
        <select id={toId} value={to} onChange={(event) => onChange({ from, to: Number(event.target.value) })}>
          {options}
        </select>
      </div>
      <DiffResult from={from} to={to} />
    </>
  );
}

function DiffResult({ from, to }: DiffPair) {
  const diff = useResource<VersionDiff>(apiPaths.diff(from, to));
  return (
    <Loaded resource={diff} what={`the diff of ${from} and ${to}`}>
      {(data) => (
        <div className="diff" aria-label={`Diff from ${from} to ${to}`}>
          <SubgraphChanges changes={data.subgraphs} />
          <SchemaChanges changes={data.changes} />
          <h4>As text</h4>
          <pre className="diff-text">{data.text}</pre>
        </div>
      )}
    </Loaded>
  );
}

function SubgraphChanges({ changes }: { changes: VersionDiff['subgraphs'] }) {
  if (changes.length === 0) return null;
  return (
    <>
      <h4>Subgraphs</h4>
      <ul className="subgraph-changes">
        {changes.map((change) => (
          <li key={change.name}>
            <strong>{change.name}</strong> {change.change}
            {change.url && change.url.from !== change.url.to && (
              <>
                : URL <code>{change.url.from ?? '—'}</code> → <code>{change.url.to ?? '—'}</code>
              </>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function SchemaChanges({ changes }: { changes: VersionDiff['changes'] }) {
  if (changes.length === 0) return <p className="empty">The API schema is the same in both versions.</p>;
  return (
    <>
      <h4>Schema changes</h4>
      <table aria-label="Schema changes">
        <thead>
          <tr>
            <th scope="col">Criticality</th>
            <th scope="col">Change</th>
            <th scope="col">Coordinate</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change, index) => (
            <tr key={`${index}-${change.type}-${change.path ?? ''}`}>
              <td>
                <span className={`badge ${change.criticality.toLowerCase()}`}>{change.criticality}</span>
              </td>
              <td>{change.message}</td>
              <td>{change.path !== undefined && <code>{change.path}</code>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
