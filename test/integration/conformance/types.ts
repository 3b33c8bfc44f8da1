import type { SubgraphDefinition } from '../../../subgraphs/lib/serve-subgraph.js';

export type { SubgraphDefinition };

/** The executors a gateway can run query plans with (`execution.engine`). */
export type Engine = 'apollo' | 'gatehouse';

/**
 * One federation scenario: its own Federation 2 subgraphs, served on loopback ports behind one
 * gateway, and the operations sent through that gateway with the exact responses expected.
 */
export interface ConformanceScenario {
  name: string;
  subgraphs: SubgraphDefinition[];
  /**
   * Subgraphs stopped once the gateway has composed the supergraph, before any case runs, so
   * that the cases see them down.
   */
  unavailable?: string[];
  cases: ConformanceCase[];
}

/** The whole JSON body a client receives. */
export interface ExpectedBody {
  data?: unknown;
  errors?: unknown[];
  /** Apollo Gateway reports value-completion problems here (`valueCompletion`), not in `errors`. */
  extensions?: Record<string, unknown>;
}

export interface ConformanceCase {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** HTTP status of the response; 200 when not given. */
  status?: number;
  /** Compared with the whole response body; `data` is also compared field order included. */
  expected: ExpectedBody;
  /**
   * Requests each subgraph received for this operation, by subgraph name. Subgraphs left out
   * must receive none. Not checked when not given.
   */
  subgraphRequests?: Record<string, number>;
  /**
   * Engines known to answer this case wrongly, each with what goes wrong and where it is tracked.
   * `expected` is still the correct answer; the runner expects the case to fail on those engines
   * until the bug is fixed.
   */
  knownBugs?: Partial<Record<Engine, string>>;
}
