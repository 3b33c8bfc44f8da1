import type { FastifyRequest } from 'fastify';
import type { DocumentNode } from 'graphql';
import type { SecurityConfig } from '../../config/security-schema.js';
import { gatehouseError } from '../../errors.js';
import type { GatewayPlugin } from '../../pipeline/plugin.js';
import { actualCost } from './actual.js';
import { buildCostTable, type CostTable } from './cost-table.js';
import { estimateCost, type Estimate } from './estimate.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Demand control's cost of the operation: `estimated` before it runs, `actual` from the response
     * when it is wanted (shown, logged, or asked for with `costWanted`).
     */
    cost?: { estimated: number; actual?: number };
    /** Set before the response (by the traffic plugins, to charge budgets) to have `cost.actual` filled. */
    costWanted?: boolean;
    /** The actual cost of every operation of the request that had it computed: a batch's summed. */
    actualCostTotal?: number;
  }
}

/** `gatehouse-debug: cost` asks for the cost in `extensions.gatehouse.cost` (with other values, comma-separated). */
export const COST_DEBUG = 'cost';
const DEBUG_HEADER = 'gatehouse-debug';

/** What `extensions.gatehouse.cost` shows. */
export interface CostExtension {
  estimated: number;
  actual?: number;
  max: number;
  mode: 'enforce' | 'measure';
}

export interface DemandControlOptions {
  /** A production stage: the cost is shown only to a valid admin token there. */
  production: boolean;
  /** The log level shows debug: `measure` then logs each operation's estimated and actual cost. */
  logsDebug: boolean;
}

/** Estimates kept per document, by operation name; a document holds few operations. */
const MAX_OPERATIONS_CACHED = 16;

/**
 * Demand control (Apollo Router's, after IBM's GraphQL Cost Directives): every operation gets an
 * estimated cost from the supergraph's `@cost` and `@listSize` once it is resolved, before it is
 * planned; above `maxCost` it is refused with COST_ESTIMATED_TOO_EXPENSIVE (`enforce`) or logged
 * (`measure`). The actual cost, from the response, is computed only when someone reads it.
 */
export function useDemandControl(
  config: SecurityConfig['cost'],
  options: DemandControlOptions,
): GatewayPlugin | undefined {
  const { mode, maxCost, listSize } = config;
  if (mode === 'off') return undefined;
  let table: CostTable | undefined;
  // Cleared with each supergraph; a document Apollo Server no longer holds is dropped with it.
  let estimates = new WeakMap<DocumentNode, Map<string, Estimate>>();
  const showsCost = new WeakSet<FastifyRequest>();

  const estimate = (document: DocumentNode, name: string, compute: () => Estimate): Estimate => {
    const cached = estimates.get(document)?.get(name);
    if (cached) return cached;
    const result = compute();
    if (result.variablesUsed) return result;
    let perOperation = estimates.get(document);
    if (!perOperation) estimates.set(document, (perOperation = new Map()));
    if (perOperation.size < MAX_OPERATIONS_CACHED) perOperation.set(name, result);
    return result;
  };

  return {
    name: 'demand-control',
    supergraphChanged({ coreSupergraphSdl, apiSchema }) {
      table = buildCostTable(coreSupergraphSdl, apiSchema);
      estimates = new WeakMap();
    },
    edge: {
      onRequest(request, _reply, done) {
        if (request.routeOptions.url !== '/graphql') return done();
        const debug = request.raw.headers[DEBUG_HEADER];
        if (typeof debug !== 'string' || !asksForCost(debug)) return done();
        if (!options.production || request.admin === true) {
          showsCost.add(request);
        } else {
          // As query-plan-access does: the request runs as if it had not asked.
          const others = withoutCost(debug);
          if (others === '') delete request.raw.headers[DEBUG_HEADER];
          else request.raw.headers[DEBUG_HEADER] = others;
        }
        done();
      },
    },
    operation: {
      async requestDidStart({ contextValue: { request } }) {
        const current = table;
        if (!current) return;
        return {
          async didResolveOperation({ document, operation, request: graphqlRequest }) {
            if (!operation) return; // operation resolution answers that
            const variables = graphqlRequest.variables;
            const result = estimate(document, operation.name?.value ?? '', () =>
              estimateCost({ table: current, document, operation, variables }, listSize),
            );
            request.cost = { estimated: result.cost };
            const [problem] = result.problems;
            if (problem !== undefined) {
              if (mode === 'enforce')
                throw gatehouseError('GRAPHQL_VALIDATION_FAILED', problem, { http: { status: 400 } });
              request.log.warn({ cost: { problems: result.problems } }, 'demand control: %s', problem);
            }
            if (result.cost <= maxCost) return;
            const message = `The operation's estimated cost ${formatCost(result.cost)} is above the maximum cost ${maxCost} (security.cost.maxCost).`;
            if (mode === 'enforce') {
              throw gatehouseError('COST_ESTIMATED_TOO_EXPENSIVE', message, {
                http: { status: 400 },
                cost: { estimated: result.cost, max: maxCost },
              });
            }
            request.log.warn(
              { cost: { estimated: result.cost, max: maxCost }, operationName: operation.name?.value },
              'demand control (measure): would refuse: %s',
              message,
            );
          },
          async willSendResponse({ document, operation, request: graphqlRequest, response }) {
            const cost = request.cost;
            if (cost === undefined || response.body.kind !== 'single') return;
            const shows = showsCost.has(request);
            const logs = mode === 'measure' && options.logsDebug;
            if (!shows && !logs && request.costWanted !== true) return;
            const result = response.body.singleResult;
            // The document and operation as they ran: authorization may have taken fields out.
            if (document && operation) {
              const { variables } = graphqlRequest;
              cost.actual = actualCost({ table: current, document, operation, variables, data: result.data });
              request.actualCostTotal = (request.actualCostTotal ?? 0) + cost.actual;
            }
            if (logs) request.log.debug({ cost: { ...cost, max: maxCost } }, 'demand control: cost');
            if (!shows) return;
            const shown: CostExtension = { ...cost, max: maxCost, mode };
            const gatehouse = result.extensions?.gatehouse;
            result.extensions = {
              ...result.extensions,
              gatehouse: { ...(isRecord(gatehouse) ? gatehouse : {}), cost: shown },
            };
          },
        };
      },
    },
  };
}

/** Whether a `gatehouse-debug` header names `cost` among its comma-separated values. */
export function asksForCost(header: string): boolean {
  return header.split(',').some((value) => value.trim().toLowerCase() === COST_DEBUG);
}

function withoutCost(header: string): string {
  return header
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '' && value.toLowerCase() !== COST_DEBUG)
    .join(', ');
}

function formatCost(cost: number): string {
  return Number.isFinite(cost) ? String(Math.round(cost * 100) / 100) : 'beyond any limit';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
