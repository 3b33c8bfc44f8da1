import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from '../../../src/subgraph-calls/breaker-state.js';

/** A breaker on a clock the test moves, recording each transition as `from → to`. */
function breaker(failureThreshold = 3, resetTimeoutMs = 1_000) {
  let now = 0;
  const transitions: string[] = [];
  const subject = new CircuitBreaker(
    'reviews',
    { failureThreshold, resetTimeoutMs },
    () => now,
    (changed, from: BreakerState) => transitions.push(`${from.phase} → ${changed.state.phase}`),
  );
  return {
    subject,
    transitions,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('a circuit breaker', () => {
  it('starts closed and lets calls through', () => {
    const { subject } = breaker();
    expect(subject.admit()).toBe('call');
    expect(subject.report()).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });

  it('opens after failureThreshold consecutive failures, and then refuses calls', () => {
    const { subject, transitions } = breaker(3);
    subject.failed(false);
    subject.failed(false);
    expect(subject.report()).toEqual({ state: 'closed', consecutiveFailures: 2 });
    expect(subject.admit()).toBe('call');
    subject.failed(false);
    expect(transitions).toEqual(['closed → open']);
    expect(subject.admit()).toBe('reject');
    expect(subject.report()).toEqual({ state: 'open', halfOpensInMs: 1_000 });
  });

  it('counts consecutive failures only: a success in between starts the count again', () => {
    const { subject } = breaker(3);
    subject.failed(false);
    subject.failed(false);
    subject.succeeded(false);
    subject.failed(false);
    subject.failed(false);
    expect(subject.state).toEqual({ phase: 'closed', failures: 2 });
    expect(subject.admit()).toBe('call');
  });

  it('half-opens after resetTimeoutMs and lets exactly one trial through', () => {
    const { subject, advance, transitions } = breaker(1, 1_000);
    subject.failed(false);
    advance(999);
    expect(subject.admit()).toBe('reject');
    expect(subject.report()).toEqual({ state: 'open', halfOpensInMs: 1 });
    advance(1);
    expect(subject.report()).toEqual({ state: 'half-open' });
    expect(subject.admit()).toBe('trial');
    expect(subject.admit()).toBe('reject');
    expect(subject.admit()).toBe('reject');
    expect(transitions).toEqual(['closed → open', 'open → half-open']);
  });

  it('closes when the trial succeeds', () => {
    const { subject, advance, transitions } = breaker(1, 1_000);
    subject.failed(false);
    advance(1_000);
    expect(subject.admit()).toBe('trial');
    subject.succeeded(true);
    expect(subject.state).toEqual({ phase: 'closed', failures: 0 });
    expect(subject.admit()).toBe('call');
    expect(transitions).toEqual(['closed → open', 'open → half-open', 'half-open → closed']);
  });

  it('opens again for another resetTimeoutMs when the trial fails', () => {
    const { subject, advance, transitions } = breaker(1, 1_000);
    subject.failed(false);
    advance(1_500);
    expect(subject.admit()).toBe('trial');
    subject.failed(true);
    expect(transitions).toEqual(['closed → open', 'open → half-open', 'half-open → open']);
    expect(subject.report()).toEqual({ state: 'open', halfOpensInMs: 1_000 });
    advance(999);
    expect(subject.admit()).toBe('reject');
    advance(1);
    expect(subject.admit()).toBe('trial');
  });

  it('ignores the outcomes of calls let through before it opened', () => {
    const { subject, advance } = breaker(1, 1_000);
    expect(subject.admit()).toBe('call'); // a slow call, still running when the breaker opens
    subject.failed(false);
    subject.succeeded(false); // ... and answering while open
    expect(subject.state.phase).toBe('open');
    advance(1_000);
    expect(subject.admit()).toBe('trial');
    subject.succeeded(false); // another old call answers while the trial runs
    subject.failed(false);
    expect(subject.state).toEqual({ phase: 'half-open', trialRunning: true });
    subject.succeeded(true);
    expect(subject.state.phase).toBe('closed');
  });
});
