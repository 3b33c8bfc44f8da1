import { DateTime } from 'luxon';
import type { CalendarUnit, Window } from '../config/traffic-schema.js';
import type { CounterWindow } from './store/types.js';

/** The period a counter counts in at one instant: it names the counter's key and its reset. */
export interface Period {
  /** `day:2026-12-03`, `week:2026-W49`, `month:2026-12` or `rolling:<ms>`; part of store keys. */
  id: string;
  counterWindow: CounterWindow;
  /** When the calendar period began (absent for a rolling window, which has no start). */
  startsAt?: number;
  /** When the calendar period ends: the start of the next one in the zone. */
  endsAt?: number;
}

/** A rolling window is kept in at most this many slots: capacity comes back a slot at a time. */
export const ROLLING_SLOTS = 60;
/** A slot lasts at least this long, so a short window (`100/10s`) is not cut finer than seconds. */
const MIN_SLOT_MS = 1_000;

/**
 * The period `now` falls in. Calendar periods begin at midnight in `timeZone` (weeks on Monday, as
 * ISO 8601 numbers them), so every replica names the same counter, and they end at the next
 * period's start in that zone, which is 23 or 25 hours away across a daylight-saving change.
 */
export function periodOf(window: Window, now: number, timeZone: string): Period {
  if (window.kind === 'rolling')
    return {
      id: `rolling:${window.ms}`,
      counterWindow: { kind: 'rolling', ms: window.ms, slots: rollingSlots(window.ms) },
    };
  const at = DateTime.fromMillis(now, { zone: timeZone });
  if (!at.isValid) throw new Error(`unknown time zone "${timeZone}"`);
  const start = at.startOf(window.unit);
  // plus() then startOf() again: a day whose midnight is skipped by a DST change still ends at the
  // next day's first instant.
  const endsAt = start
    .plus({ [`${window.unit}s`]: 1 })
    .startOf(window.unit)
    .toMillis();
  return {
    id: `${window.unit}:${calendarName(start, window.unit)}`,
    counterWindow: { kind: 'fixed', endsAt },
    startsAt: start.toMillis(),
    endsAt,
  };
}

/**
 * How many slots a rolling window of `ms` is kept in: 60, fewer for a window shorter than a minute
 * (one slot per second at least), and always a divisor of `ms` so that slots have a whole number of
 * milliseconds and every process (and the Redis script) cuts time at the same instants.
 */
export function rollingSlots(ms: number): number {
  const most = Math.max(1, Math.min(ROLLING_SLOTS, Math.floor(ms / MIN_SLOT_MS)));
  for (let slots = most; slots > 1; slots--) if (ms % slots === 0) return slots;
  return 1;
}

function calendarName(start: DateTime, unit: CalendarUnit): string {
  switch (unit) {
    case 'day':
      return start.toFormat('yyyy-MM-dd');
    case 'week':
      // The ISO week-numbering year: 2027-01-01 (a Friday) is in week 2026-W53.
      return start.toFormat("kkkk-'W'WW");
    case 'month':
      return start.toFormat('yyyy-MM');
    default: {
      const never: never = unit;
      throw new Error(`unknown calendar unit ${String(never)}`);
    }
  }
}
