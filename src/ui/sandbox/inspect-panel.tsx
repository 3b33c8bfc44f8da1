import type { GraphiQLPlugin } from '@graphiql/react';
import { useId } from 'react';

import { TokenForm } from '../common/token-form.js';

import { useInspect, type InspectedRun, type InspectStore } from './inspect-store.js';

export const INSPECT_PLUGIN_TITLE = 'Query plan';

/** The sidebar panel of the inspector: what to ask for, the admin token, and the last answer. */
export function inspectPlugin(store: InspectStore): GraphiQLPlugin {
  return {
    title: INSPECT_PLUGIN_TITLE,
    icon: PlanIcon,
    content: () => <InspectPanel store={store} />,
  };
}

function InspectPanel({ store }: { store: InspectStore }) {
  const state = useInspect(store);
  const planId = useId();
  const callsId = useId();
  return (
    <div className="gatehouse-inspect">
      <div className="graphiql-doc-explorer-title">Query plan</div>
      <p className="gatehouse-muted">
        Asks the gateway how it runs the next operation: its plan over the subgraphs, and which subgraphs it
        called and for how long. Answered outside production stages, or with an admin token.
      </p>
      <div className="gatehouse-option">
        <input
          id={planId}
          type="checkbox"
          checked={state.plan}
          onChange={(event) => store.setPlan(event.target.checked)}
        />
        <label htmlFor={planId}>Ask for the query plan</label>
      </div>
      <div className="gatehouse-option">
        <input
          id={callsId}
          type="checkbox"
          checked={state.calls}
          onChange={(event) => store.setCalls(event.target.checked)}
        />
        <label htmlFor={callsId}>Show the subgraph calls</label>
      </div>
      <AdminToken store={store} token={state.adminToken} />
      {state.last === undefined ? (
        <p className="gatehouse-muted">
          {state.plan || state.calls
            ? 'Run an operation to see its plan.'
            : 'Tick an option above (or the plan button in the toolbar), then run an operation.'}
        </p>
      ) : (
        <LastRun run={state.last} />
      )}
    </div>
  );
}

function LastRun({ run }: { run: InspectedRun }) {
  const notSent =
    'The gateway did not send it: it shows plans outside production stages, or to a valid admin token.';
  return (
    <section aria-label="Last run" className="gatehouse-last-run">
      <div className="gatehouse-muted">Last run at {new Date(run.at).toLocaleTimeString()}</div>
      {run.asked.calls && (
        <>
          <h3>Subgraph calls</h3>
          {run.subgraphs === undefined && (
            <p className="gatehouse-notice" role="status">
              No subgraph calls. {notSent}
            </p>
          )}
          {run.subgraphs !== undefined && run.subgraphs.length === 0 && (
            <p className="gatehouse-muted">No subgraph was called.</p>
          )}
          {run.subgraphs !== undefined && run.subgraphs.length > 0 && (
            <table className="gatehouse-calls" aria-label="Subgraph calls">
              <thead>
                <tr>
                  <th scope="col">Subgraph</th>
                  <th scope="col">Time</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {run.subgraphs.map((call, index) => (
                  <tr key={index}>
                    <td>{call.subgraph}</td>
                    <td>{call.durationMs.toFixed(1)} ms</td>
                    <td>
                      {call.errorCode ?? (call.status === undefined ? 'ok' : String(call.status))}
                      {call.deduplicated === true ? ' (shared)' : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {run.asked.plan && (
        <>
          <h3>Plan</h3>
          {run.plan === undefined && (
            <p className="gatehouse-notice" role="status">
              No query plan. {notSent}
            </p>
          )}
          {run.plan === 'none' && <p className="gatehouse-muted">The operation needed no subgraph fetch.</p>}
          {run.plan !== undefined && run.plan !== 'none' && (
            <pre className="gatehouse-plan" aria-label="Query plan">
              {run.plan}
            </pre>
          )}
        </>
      )}
    </section>
  );
}

function AdminToken({ store, token }: { store: InspectStore; token: string | undefined }) {
  if (token !== undefined) {
    return (
      <p className="gatehouse-muted">
        An admin token is sent with these requests.{' '}
        <button type="button" className="gatehouse-link" onClick={() => store.setAdminToken(undefined)}>
          Forget it
        </button>
      </p>
    );
  }
  return (
    <TokenForm
      className="gatehouse-token"
      label="Admin token (production stages)"
      submitLabel="Use"
      clearOnSubmit
      onSubmit={(value) => store.setAdminToken(value)}
    />
  );
}

/** A small tree of boxes: a plan's fetches. */
export function PlanIcon() {
  return (
    <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth="1.5">
      <rect x="3" y="3" width="7" height="5" rx="1" />
      <rect x="14" y="10" width="7" height="5" rx="1" />
      <rect x="14" y="17" width="7" height="5" rx="1" />
      <path d="M6.5 8v4.5H14M6.5 12.5v7H14" />
    </svg>
  );
}
