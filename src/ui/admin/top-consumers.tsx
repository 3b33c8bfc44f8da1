import { useEffect, useState } from 'react';

import type { TopConsumers } from '../../traffic/top-consumers-route.js';
import { POLL_MS } from './api.js';
import { count } from './format.js';

/** The traffic plugin's ranking of today's callers, when the stats announce it. */
export const TOP_CONSUMERS_PATH = '/admin/api/top-consumers';

/** What the table can show: nothing yet or ever (no traffic control), the ranking, or a failure. */
type Ranking =
  { phase: 'none' } | { phase: 'shown'; top: TopConsumers } | { phase: 'failed'; message: string };

/**
 * The callers with the most admitted requests today (in `traffic.timeZone`), by counted key: an
 * API key id, a subject, a tenant or an address. Polled like the stats, from the store, so every
 * worker and replica sharing Redis shows the same list. Shown only when the stats announce it
 * (traffic control is on); a token refusal is left to the page, which asks for the token once.
 */
export function TopConsumersTable({ token }: { token: string | undefined }) {
  const [ranking, setRanking] = useState<Ranking>({ phase: 'none' });

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      if (document.visibilityState !== 'hidden') {
        const next = await fetchTopConsumers(token, controller.signal).catch(() => undefined);
        if (controller.signal.aborted) return;
        // Gone (the gateway restarted without traffic control) or the token refused (the page says so).
        if (next === 'absent') {
          setRanking({ phase: 'none' });
          return;
        }
        if (next !== undefined) setRanking(next);
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [token]);

  if (ranking.phase === 'none') return null;
  const title = 'Top consumers today';
  return (
    <table aria-label={title}>
      <caption>
        {title}
        {ranking.phase === 'shown' && (
          <span className="muted"> ({ranking.top.period.id.replace(/^day:/, '')})</span>
        )}
      </caption>
      <thead>
        <tr>
          <th scope="col">Caller</th>
          <th scope="col">Requests</th>
        </tr>
      </thead>
      <tbody>
        {ranking.phase === 'failed' && (
          <tr>
            <td colSpan={2} className="error">
              {ranking.message}
            </td>
          </tr>
        )}
        {ranking.phase === 'shown' && ranking.top.consumers.length === 0 && (
          <tr>
            <td colSpan={2} className="muted">
              Nobody yet today.
            </td>
          </tr>
        )}
        {ranking.phase === 'shown' &&
          ranking.top.consumers.map((consumer) => (
            <tr key={consumer.countedKey}>
              <th scope="row" className="name">
                <code>{consumer.countedKey}</code>
              </th>
              <td>{count(consumer.requests)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

async function fetchTopConsumers(
  token: string | undefined,
  signal: AbortSignal,
): Promise<Ranking | 'absent'> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(TOP_CONSUMERS_PATH, {
    headers,
    signal,
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (response.status === 404 || response.status === 401) return 'absent';
  const body: unknown = await response.json().catch(() => undefined);
  if (
    response.ok &&
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as TopConsumers).consumers)
  )
    return { phase: 'shown', top: body as TopConsumers };
  return { phase: 'failed', message: `The ranking could not be read (${response.status}).` };
}
