import type { Window } from '../config/traffic-schema.js';
import { periodOf, type Period } from './periods.js';

/**
 * `periodOf`, remembered while its period lasts. A calendar period is computed with time-zone
 * rules (luxon, some 50 µs), and every request asks for the same day, week or month again: the
 * period is kept until `now` leaves it (in either direction, as an injected clock may go back).
 * Rolling windows cost nothing to compute and are not kept.
 */
const current = new Map<string, Period>();
/** Kinds of period × time zones; a config names a handful, so this is only a guard. */
const MAX_KEPT = 64;

export function currentPeriod(window: Window, now: number, timeZone: string): Period {
  if (window.kind === 'rolling') return periodOf(window, now, timeZone);
  const key = `${window.unit}|${timeZone}`;
  const kept = current.get(key);
  if (kept?.startsAt !== undefined && kept.endsAt !== undefined && now >= kept.startsAt && now < kept.endsAt)
    return kept;
  const period = periodOf(window, now, timeZone);
  if (current.size >= MAX_KEPT && !current.has(key)) current.clear();
  current.set(key, period);
  return period;
}
