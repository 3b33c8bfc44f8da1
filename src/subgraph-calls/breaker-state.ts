import type { BreakerPolicy } from '../config/resilience-schema.js';

/**
 * Where one subgraph's circuit breaker is. Closed: calls go through, consecutive failures are
 * counted. Open: calls fail at once, until `resetTimeoutMs` after it opened. Half-open: the first
 * call after that is a trial, and the others fail at once while it runs; its success closes the
 * breaker, its failure opens it again.
 */
export type BreakerState =
  | { readonly phase: 'closed'; readonly failures: number }
  | { readonly phase: 'open'; readonly openedAt: number }
  | { readonly phase: 'half-open'; readonly trialRunning: boolean };

/** What a call may do: go through, go through as the half-open breaker's trial, or fail at once. */
export type Admission = 'call' | 'trial' | 'reject';

/** What `/ready` shows of a breaker. */
export type BreakerReport =
  | { state: 'closed'; consecutiveFailures: number }
  | { state: 'open'; halfOpensInMs: number }
  | { state: 'half-open' };

const CLOSED: BreakerState = { phase: 'closed', failures: 0 };

/**
 * One subgraph's breaker, a state machine driven by the outcomes of calls and by `clock` (monotonic
 * milliseconds, read only when the breaker is open or opens). It keeps no timer: an open breaker
 * half-opens when it is next asked after its reset time. The outcomes of calls let through before the breaker opened, or while a
 * trial runs, are ignored: only a closed breaker counts, and only the trial decides a half-open one.
 */
export class CircuitBreaker {
  private current: BreakerState = CLOSED;

  constructor(
    readonly subgraph: string,
    private readonly policy: Pick<BreakerPolicy, 'failureThreshold' | 'resetTimeoutMs'>,
    private readonly clock: () => number,
    private readonly onTransition: (breaker: CircuitBreaker, from: BreakerState) => void = () => {},
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  admit(): Admission {
    const state = this.advance();
    switch (state.phase) {
      case 'closed':
        return 'call';
      case 'open':
        return 'reject';
      case 'half-open':
        if (state.trialRunning) return 'reject';
        this.current = { phase: 'half-open', trialRunning: true };
        return 'trial';
      default:
        return unreachable(state);
    }
  }

  /** The call answered (or failed in a way that says nothing of the subgraph's health). */
  succeeded(trial: boolean): void {
    const state = this.current;
    switch (state.phase) {
      case 'closed':
        if (state.failures > 0) this.current = CLOSED;
        return;
      case 'open':
        return;
      case 'half-open':
        if (trial) this.moveTo(CLOSED);
        return;
      default:
        unreachable(state);
    }
  }

  /** The call could not reach the subgraph, timed out, or got a 5xx answer. */
  failed(trial: boolean): void {
    const state = this.current;
    switch (state.phase) {
      case 'closed': {
        const failures = state.failures + 1;
        if (failures >= this.policy.failureThreshold) this.open();
        else this.current = { phase: 'closed', failures };
        return;
      }
      case 'open':
        return;
      case 'half-open':
        if (trial) this.open();
        return;
      default:
        unreachable(state);
    }
  }

  report(): BreakerReport {
    const state = this.advance();
    switch (state.phase) {
      case 'closed':
        return { state: 'closed', consecutiveFailures: state.failures };
      case 'open':
        return { state: 'open', halfOpensInMs: Math.max(0, this.halfOpensAt(state) - this.clock()) };
      case 'half-open':
        return { state: 'half-open' };
      default:
        return unreachable(state);
    }
  }

  /** An open breaker whose reset time has come is half-open. */
  private advance(): BreakerState {
    const state = this.current;
    if (state.phase === 'open' && this.clock() >= this.halfOpensAt(state))
      this.moveTo({ phase: 'half-open', trialRunning: false });
    return this.current;
  }

  private open(): void {
    this.moveTo({ phase: 'open', openedAt: this.clock() });
  }

  private halfOpensAt(state: { openedAt: number }): number {
    return state.openedAt + this.policy.resetTimeoutMs;
  }

  private moveTo(next: BreakerState): void {
    const from = this.current;
    this.current = next;
    this.onTransition(this, from);
  }
}

function unreachable(state: never): never {
  throw new Error(`Unhandled circuit breaker state: ${JSON.stringify(state)}`);
}
