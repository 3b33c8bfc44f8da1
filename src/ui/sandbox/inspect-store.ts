import { useSyncExternalStore } from 'react';

/** One subgraph call, as the gateway reports it in `extensions.gatehouse.subgraphs`. */
export interface SubgraphCall {
  subgraph: string;
  durationMs: number;
  status?: number;
  errorCode?: string;
  deduplicated?: boolean;
}

/** What came back with the last operation run while inspecting. */
export interface InspectedRun {
  at: number;
  asked: { plan: boolean; calls: boolean };
  /** The plan as Apollo prints it; `none` when the operation needed no fetch; undefined when none came. */
  plan: string | 'none' | undefined;
  /** Undefined when the gateway sent none. */
  subgraphs: SubgraphCall[] | undefined;
}

export interface InspectState {
  /** Ask for the query plan (`apollo-query-plan-experimental`). */
  plan: boolean;
  /** Ask for the subgraphs called (`gatehouse-debug: subgraph-calls`). */
  calls: boolean;
  /** Sent as `gatehouse-admin-token` where plans are not open (production stages). */
  adminToken: string | undefined;
  last: InspectedRun | undefined;
}

/** The admin token lives in this tab's session storage, shared with the registry and dashboard pages. */
const TOKEN_KEY = 'gatehouse.registry.token';

function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export interface InspectStore {
  get(): InspectState;
  /** The toolbar toggle: asks for both the plan and the subgraph calls, or for neither. */
  toggle(): void;
  setPlan(plan: boolean): void;
  setCalls(calls: boolean): void;
  setAdminToken(token: string | undefined): void;
  received(last: InspectedRun): void;
  subscribe(listener: () => void): () => void;
}

/**
 * The sandbox's query-plan inspector state, shared by the fetcher (which sends the headers and
 * reads the extensions) and the panel and toolbar toggle (which show them). One per page.
 */
export function createInspectStore(): InspectStore {
  let state: InspectState = { plan: false, calls: false, adminToken: storedToken(), last: undefined };
  const listeners = new Set<() => void>();
  const set = (next: Partial<InspectState>) => {
    state = { ...state, ...next };
    for (const listener of listeners) listener();
  };
  return {
    get: () => state,
    toggle() {
      const on = !(state.plan || state.calls);
      set({ plan: on, calls: on });
    },
    setPlan: (plan) => set({ plan }),
    setCalls: (calls) => set({ calls }),
    setAdminToken(token) {
      try {
        if (token === undefined) sessionStorage.removeItem(TOKEN_KEY);
        else sessionStorage.setItem(TOKEN_KEY, token);
      } catch {
        // Storage can be disabled; the token then lasts until a reload.
      }
      set({ adminToken: token });
    },
    received: (last) => set({ last }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useInspect(store: InspectStore): InspectState {
  return useSyncExternalStore(store.subscribe, store.get);
}
