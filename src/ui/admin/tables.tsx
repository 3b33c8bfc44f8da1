import type { DashboardStats } from './api.js';
import { count, ms, percent } from './format.js';

type OperationRow = DashboardStats['operations']['byCount'][number];
type SubgraphRow = DashboardStats['subgraphs'][number];
type RefusalRow = DashboardStats['refusals']['byReason'][number];

export function OperationsTable({ title, rows }: { title: string; rows: readonly OperationRow[] }) {
  return (
    <table aria-label={title}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">Operation</th>
          <th scope="col">Requests</th>
          <th scope="col">Errors</th>
          <th scope="col">p50</th>
          <th scope="col">p95</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && <Empty columns={5} />}
        {rows.map((row) => (
          <tr key={row.name}>
            <th scope="row" className="name">
              {row.name}
            </th>
            <td>{count(row.count)}</td>
            <td>{percent(row.errors, row.count)}</td>
            <td>{ms(row.p50)}</td>
            <td>{ms(row.p95)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SubgraphsTable({ rows }: { rows: readonly SubgraphRow[] }) {
  return (
    <table aria-label="Subgraphs">
      <caption>Subgraphs</caption>
      <thead>
        <tr>
          <th scope="col">Subgraph</th>
          <th scope="col">Calls</th>
          <th scope="col">Errors</th>
          <th scope="col">p50</th>
          <th scope="col">p95</th>
          <th scope="col">p99</th>
          <th scope="col">Breaker</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && <Empty columns={7} />}
        {rows.map((row) => (
          <tr key={row.name}>
            <th scope="row" className="name">
              {row.name}
            </th>
            <td>{count(row.calls)}</td>
            <td>{row.errors === 0 ? '0' : `${count(row.errors)} (${percent(row.errors, row.calls)})`}</td>
            <td>{ms(row.p50)}</td>
            <td>{ms(row.p95)}</td>
            <td>{ms(row.p99)}</td>
            <td>
              <BreakerState breakers={row.breakers} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A breaker's phase, or how many workers have it open when they differ. */
function BreakerState({ breakers }: { breakers: SubgraphRow['breakers'] }) {
  if (breakers === null) return <span className="muted">none</span>;
  const workers = breakers.closed + breakers.open + breakers.halfOpen;
  const parts: string[] = [];
  if (breakers.open > 0)
    parts.push(breakers.open === workers ? 'open' : `open in ${breakers.open} of ${workers}`);
  if (breakers.halfOpen > 0)
    parts.push(
      breakers.halfOpen === workers ? 'half-open' : `half-open in ${breakers.halfOpen} of ${workers}`,
    );
  if (parts.length === 0) return <span className="breaker closed">closed</span>;
  return <span className={`breaker ${breakers.open > 0 ? 'open' : 'half-open'}`}>{parts.join(', ')}</span>;
}

export function RefusalsTable({ rows }: { rows: readonly RefusalRow[] }) {
  return (
    <table aria-label="Refusals">
      <caption>Refusals by plugin and code</caption>
      <thead>
        <tr>
          <th scope="col">Plugin</th>
          <th scope="col">Code</th>
          <th scope="col">Requests</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && <Empty columns={3} />}
        {rows.map((row) => (
          <tr key={`${row.plugin}\u0000${row.code}`}>
            <th scope="row" className="name">
              {row.plugin}
            </th>
            <td>
              <code>{row.code}</code>
            </td>
            <td>{count(row.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Empty({ columns }: { columns: number }) {
  return (
    <tr>
      <td colSpan={columns} className="muted">
        Nothing in the last hour.
      </td>
    </tr>
  );
}
