import { useEffect, useState } from 'react';

import { readToken, saveToken } from '../registry/token.js';
import { fetchStats, POLL_MS, type DashboardStats } from './api.js';
import { clockTime, count, ms, percent } from './format.js';
import { OperationsTable, RefusalsTable, SubgraphsTable } from './tables.js';
import { TimeChart } from './chart.js';
import { TokenForm } from './token-form.js';
import { TopConsumersTable } from './top-consumers.js';

/** What the page can show: figures (and whether the last poll failed), or a request for a token. */
type View =
  | { phase: 'loading' }
  | { phase: 'stats'; stats: DashboardStats; topConsumers: boolean; problem?: string }
  | { phase: 'failed'; message: string }
  | { phase: 'token-needed'; message: string; refused: boolean };

const PALETTE = ['#1f77b4', '#d9480f', '#2f9e44', '#c2255c', '#7048e8', '#8c564b', '#0c8599', '#868e96'];

/**
 * The `/admin` dashboard: the last hour of every worker, polled every few seconds. In production
 * stages the API needs an admin token: the page asks for it once and keeps it in this tab's session.
 */
export function DashboardApp() {
  const [token, setToken] = useState(readToken);
  const [view, setView] = useState<View>({ phase: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    const poll = async () => {
      // A hidden tab asks nothing (every poll costs each worker a snapshot); it asks again when shown.
      if (document.visibilityState === 'hidden' || inFlight) return;
      inFlight = true;
      try {
        const answer = await fetchStats(token, controller.signal);
        switch (answer.kind) {
          case 'stats':
            setView({ phase: 'stats', stats: answer.stats, topConsumers: answer.topConsumers });
            break;
          case 'unauthorized':
            // Nothing more to poll until a token is given.
            setView({ phase: 'token-needed', message: answer.message, refused: token !== undefined });
            return;
          case 'failed':
            setView((previous) =>
              previous.phase === 'stats'
                ? { ...previous, problem: answer.message }
                : { phase: 'failed', message: answer.message },
            );
            break;
        }
      } catch {
        if (controller.signal.aborted) return;
      } finally {
        inFlight = false;
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void poll(), POLL_MS);
    };
    const shown = () => {
      if (document.visibilityState !== 'visible') return;
      clearTimeout(timer);
      void poll();
    };
    document.addEventListener('visibilitychange', shown);
    void poll();
    return () => {
      document.removeEventListener('visibilitychange', shown);
      controller.abort();
      clearTimeout(timer);
    };
  }, [token]);

  const chooseToken = (value: string | undefined) => {
    saveToken(value);
    setToken(value);
    setView({ phase: 'loading' });
  };

  return (
    <>
      <header className="page-header">
        <h1>Gatehouse dashboard</h1>
        {view.phase === 'stats' && (
          <span className="muted">
            last hour · {view.stats.workers === 1 ? '1 worker' : `${view.stats.workers} workers`} · updated{' '}
            <time dateTime={new Date(view.stats.generatedAt).toISOString()}>
              {clockTime(view.stats.generatedAt)}
            </time>
          </span>
        )}
        {token !== undefined && (
          <button type="button" className="link" onClick={() => chooseToken(undefined)}>
            Forget token
          </button>
        )}
      </header>
      <main>
        {view.phase === 'loading' && <p className="muted">Loading the figures…</p>}
        {view.phase === 'failed' && (
          <p className="error" role="alert">
            Could not load the figures: {view.message}
          </p>
        )}
        {view.phase === 'token-needed' && (
          <TokenForm message={view.message} refused={view.refused} onSubmit={chooseToken} />
        )}
        {view.phase === 'stats' && (
          <Dashboard
            stats={view.stats}
            problem={view.problem}
            token={token}
            topConsumers={view.topConsumers}
          />
        )}
      </main>
    </>
  );
}

function Dashboard({
  stats,
  problem,
  token,
  topConsumers,
}: {
  stats: DashboardStats;
  problem?: string | undefined;
  token: string | undefined;
  /** The gateway ranks its callers (traffic control is on): show the top consumers. */
  topConsumers: boolean;
}) {
  const { series, totals } = stats;
  const perBucket = `per ${stats.bucketSeconds} s`;
  const subgraphColor = (index: number) => PALETTE[index % PALETTE.length] ?? '#888';
  return (
    <>
      {problem !== undefined && (
        <p className="error" role="alert">
          The last update failed ({problem}); these figures are from {clockTime(stats.generatedAt)}.
        </p>
      )}
      <section className="summary" aria-label="The last hour">
        <Figure label="Requests" value={count(totals.requests)} />
        <Figure label="Error rate" value={percent(totals.errors, totals.requests)} />
        <Figure label="p50" value={ms(totals.p50)} />
        <Figure label="p95" value={ms(totals.p95)} />
        <Figure label="p99" value={ms(totals.p99)} />
        <Figure label="Refusals" value={count(stats.refusals.total)} />
      </section>
      <section className="charts">
        <TimeChart
          title="Requests per second"
          time={series.time}
          series={[{ label: 'requests/s', values: series.requestsPerSecond, color: PALETTE[0] ?? '#1f77b4' }]}
          format={(value) => value.toFixed(value < 10 ? 1 : 0)}
        />
        <TimeChart
          title="Latency"
          time={series.time}
          series={[
            { label: 'p50', values: series.p50, color: '#2f9e44', dots: true },
            { label: 'p95', values: series.p95, color: '#f08c00', dots: true },
            { label: 'p99', values: series.p99, color: '#c92a2a', dots: true },
          ]}
          format={ms}
        />
        <TimeChart
          title="Error rate"
          time={series.time}
          series={[
            {
              label: 'errors',
              values: series.errorRate.map((rate) => (rate === null ? null : rate * 100)),
              color: '#c92a2a',
              dots: true,
            },
          ]}
          format={(value) => `${value.toFixed(0)} %`}
          minMax={5}
        />
        <TimeChart
          title={`Refusals ${perBucket}`}
          time={series.time}
          series={[{ label: 'refused', values: series.refusals, color: '#7048e8' }]}
          format={(value) => value.toFixed(0)}
          integer
        />
        <TimeChart
          title="Subgraph latency (p95)"
          time={series.minuteTime}
          series={stats.subgraphs.map((subgraph, index) => ({
            label: subgraph.name,
            values: subgraph.series.p95,
            color: subgraphColor(index),
            dots: true,
          }))}
          format={ms}
        />
        <TimeChart
          title="Subgraph errors per minute"
          time={series.minuteTime}
          series={stats.subgraphs.map((subgraph, index) => ({
            label: subgraph.name,
            values: subgraph.series.errors,
            color: subgraphColor(index),
          }))}
          format={(value) => value.toFixed(0)}
          integer
        />
      </section>
      <section className="tables">
        <OperationsTable title="Top operations by count" rows={stats.operations.byCount} />
        <OperationsTable title="Slowest operations (p95)" rows={stats.operations.byP95} />
        <SubgraphsTable rows={stats.subgraphs} />
        <RefusalsTable rows={stats.refusals.byReason} />
        {topConsumers && <TopConsumersTable token={token} />}
      </section>
    </>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="figure">
      <span className="muted">{label}</span>
      <strong>{value}</strong>
    </div>
  );
}
