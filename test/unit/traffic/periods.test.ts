import { describe, expect, it } from 'vitest';
import { periodOf, rollingSlots } from '../../../src/traffic/periods.js';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const day = { kind: 'calendar', unit: 'day' } as const;
const week = { kind: 'calendar', unit: 'week' } as const;
const month = { kind: 'calendar', unit: 'month' } as const;

describe('calendar periods', () => {
  it('names a UTC day and ends it at the next midnight', () => {
    expect(periodOf(day, at('2026-12-03T10:15:00Z'), 'UTC')).toEqual({
      id: 'day:2026-12-03',
      counterWindow: { kind: 'fixed', endsAt: at('2026-12-04T00:00:00Z') },
      startsAt: at('2026-12-03T00:00:00Z'),
      endsAt: at('2026-12-04T00:00:00Z'),
    });
  });

  it('begins the day at midnight in the configured zone', () => {
    // 23:30 in New York is already the next day in UTC.
    const period = periodOf(day, at('2026-12-04T04:30:00Z'), 'America/New_York');
    expect(period.id).toBe('day:2026-12-03');
    expect(period.startsAt).toBe(at('2026-12-03T05:00:00Z'));
    expect(period.endsAt).toBe(at('2026-12-04T05:00:00Z'));
  });

  it('lasts 23 hours on the day clocks go forward and 25 on the day they go back', () => {
    const spring = periodOf(day, at('2026-03-29T12:00:00Z'), 'Europe/Paris');
    expect(spring.id).toBe('day:2026-03-29');
    expect(spring.startsAt).toBe(at('2026-03-28T23:00:00Z'));
    expect((spring.endsAt ?? 0) - (spring.startsAt ?? 0)).toBe(23 * HOUR);
    const autumn = periodOf(day, at('2026-10-25T12:00:00Z'), 'Europe/Paris');
    expect(autumn.id).toBe('day:2026-10-25');
    expect((autumn.endsAt ?? 0) - (autumn.startsAt ?? 0)).toBe(25 * HOUR);
  });

  it('numbers weeks as ISO 8601 does: from Monday, in the week-numbering year', () => {
    const thursday = periodOf(week, at('2026-12-03T10:00:00Z'), 'UTC');
    expect(thursday.id).toBe('week:2026-W49');
    expect(thursday.startsAt).toBe(at('2026-11-30T00:00:00Z'));
    expect(thursday.endsAt).toBe(at('2026-12-07T00:00:00Z'));
    // 2027-01-01 is a Friday: still week 53 of 2026.
    expect(periodOf(week, at('2027-01-01T12:00:00Z'), 'UTC').id).toBe('week:2026-W53');
    expect(periodOf(week, at('2027-01-04T00:00:00Z'), 'UTC').id).toBe('week:2027-W01');
  });

  it('names a month and ends it on the first of the next, in the zone', () => {
    expect(periodOf(month, at('2026-12-15T00:00:00Z'), 'UTC')).toMatchObject({
      id: 'month:2026-12',
      startsAt: at('2026-12-01T00:00:00Z'),
      endsAt: at('2027-01-01T00:00:00Z'),
    });
    // Still November in New York.
    const november = periodOf(month, at('2026-12-01T03:00:00Z'), 'America/New_York');
    expect(november.id).toBe('month:2026-11');
    expect(november.endsAt).toBe(at('2026-12-01T05:00:00Z'));
  });

  it('starts the next period exactly where one ends, with a new id', () => {
    for (const window of [day, week, month]) {
      const current = periodOf(window, at('2026-10-24T21:59:59Z'), 'Europe/Paris');
      const next = periodOf(window, current.endsAt ?? 0, 'Europe/Paris');
      expect(next.startsAt).toBe(current.endsAt);
      expect(next.id).not.toBe(current.id);
      expect(periodOf(window, (current.endsAt ?? 0) - 1, 'Europe/Paris').id).toBe(current.id);
    }
  });
});

describe('rolling windows', () => {
  it('has no start or end, and is kept in 60 slots', () => {
    expect(periodOf({ kind: 'rolling', ms: 24 * HOUR }, at('2026-12-03T10:00:00Z'), 'UTC')).toEqual({
      id: 'rolling:86400000',
      counterWindow: { kind: 'rolling', ms: 24 * HOUR, slots: 60 },
    });
  });

  it('cuts a short window no finer than seconds, into slots of whole milliseconds', () => {
    expect(rollingSlots(10_000)).toBe(10);
    expect(rollingSlots(1_000)).toBe(1);
    expect(rollingSlots(500)).toBe(1);
    expect(rollingSlots(60_000)).toBe(60);
    expect(rollingSlots(61_000)).toBe(50);
    for (const ms of [1_000, 7_000, 61_000, 90_000, 3_600_000, 86_400_000]) {
      const slots = rollingSlots(ms);
      expect(ms % slots).toBe(0);
      expect(slots).toBeGreaterThanOrEqual(1);
      expect(slots).toBeLessThanOrEqual(60);
    }
  });
});
