import { useState } from 'react';

import {
  HISTORY_LIMIT,
  apiPaths,
  type RegistrySubgraph,
  type SubgraphsResponse,
  type VersionSummary,
  type VersionsResponse,
} from './api.js';
import { DiffView, type DiffPair } from './diff-view.js';
import { hashPrefix } from './format.js';
import { useResource } from './resource.js';
import { Loaded } from './status.js';
import { When } from './when.js';

export interface StageViewProps {
  stage: string;
  current: VersionSummary | undefined;
}

/** One stage: its current version, subgraphs, version history and the diff of two versions. */
export function StageView({ stage, current }: StageViewProps) {
  const subgraphs = useResource<SubgraphsResponse>(apiPaths.subgraphs(stage));
  const versions = useResource<VersionsResponse>(apiPaths.versions(stage));
  const [pair, setPair] = useState<DiffPair | undefined>(undefined);

  return (
    <main className="stage" aria-label={`Stage ${stage}`}>
      <h2>
        Stage <span className="stage-name">{stage}</span>
      </h2>
      {current ? (
        <p className="current">
          Current version <strong>{current.id}</strong> ({current.summary}), published by{' '}
          {current.publishedBy} <When iso={current.createdAt} />, supergraph{' '}
          <code title={current.hash}>{hashPrefix(current.hash)}</code>
        </p>
      ) : (
        <p className="empty">This stage is empty: nothing has been published to it yet.</p>
      )}

      <section aria-labelledby="subgraphs-heading">
        <h3 id="subgraphs-heading">Subgraphs</h3>
        <Loaded resource={subgraphs} what="the subgraphs">
          {(data) => <SubgraphTable subgraphs={data.subgraphs} />}
        </Loaded>
      </section>

      <section aria-labelledby="history-heading">
        <h3 id="history-heading">History</h3>
        <Loaded resource={versions} what="the history">
          {(data) => <HistoryTable versions={data.versions} onCompare={setPair} />}
        </Loaded>
      </section>

      <section aria-labelledby="diff-heading">
        <h3 id="diff-heading">Diff</h3>
        <Loaded resource={versions} what="the versions">
          {(data) => <DiffView versions={data.versions} pair={pair} onChange={setPair} />}
        </Loaded>
      </section>
    </main>
  );
}

function SubgraphTable({ subgraphs }: { subgraphs: readonly RegistrySubgraph[] }) {
  if (subgraphs.length === 0) return <p className="empty">No subgraph is published in this stage.</p>;
  const sorted = [...subgraphs].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <table aria-label="Subgraphs">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Owner</th>
          <th scope="col">URL</th>
          <th scope="col">Type</th>
          <th scope="col">Last change</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((subgraph) => (
          <tr key={subgraph.name}>
            <th scope="row">{subgraph.name}</th>
            <td>{subgraph.owner}</td>
            {/* Text, not a link: the registry takes any URL a token holder publishes. */}
            <td className="url">
              <code>{subgraph.url}</code>
            </td>
            <td>{subgraph.type === 'rest' ? 'REST connector' : 'GraphQL'}</td>
            <td>
              {subgraph.updatedBy}, <When iso={subgraph.updatedAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HistoryTable({
  versions,
  onCompare,
}: {
  versions: readonly VersionSummary[];
  onCompare: (pair: DiffPair) => void;
}) {
  if (versions.length === 0) return <p className="empty">No version has been stored in this stage.</p>;
  return (
    <>
      <table aria-label="History">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Action</th>
            <th scope="col">Summary</th>
            <th scope="col">By</th>
            <th scope="col">When</th>
            <th scope="col">Supergraph</th>
            <th scope="col">
              <span className="visually-hidden">Compare</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((version, index) => {
            // Newest first: the version before this one is the next row.
            const previous = versions[index + 1];
            return (
              <tr key={version.id}>
                <th scope="row">{version.id}</th>
                <td>{version.action}</td>
                <td>{version.summary}</td>
                <td>{version.publishedBy}</td>
                <td>
                  <When iso={version.createdAt} />
                </td>
                <td>
                  <code title={version.hash}>{hashPrefix(version.hash)}</code>
                </td>
                <td>
                  {previous && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => onCompare({ from: previous.id, to: version.id })}
                    >
                      diff with {previous.id}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {versions.length >= HISTORY_LIMIT && (
        <p className="muted">Showing the newest {HISTORY_LIMIT} versions.</p>
      )}
    </>
  );
}
