import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Registry } from 'prom-client';
import type { RequestObservation } from '../../request-context.js';
import { LabelCap } from './label-cap.js';
import { processMetrics } from './process-metrics.js';
import {
  CounterFamily,
  HistogramFamily,
  type CounterChild,
  type HistogramChild,
  type MetricJson,
} from './lean-metrics.js';

/** A circuit breaker's state, as the gauge names it. */
export type BreakerPhase = 'closed' | 'open' | 'half-open';

/** The supergraph served now, as `/ready` shows it. */
export interface ServedSupergraphView {
  hash?: string | undefined;
  version?: string | undefined;
  /** ISO time it was loaded. */
  loadedAt?: string | undefined;
}

export interface GatewayMetricsOptions {
  /** Distinct operation names (and, separately, client names) kept as labels; the rest are `other`. */
  maxOperationNames: number;
  /** Every subgraph's circuit-breaker state, read at scrape time; absent when no breaker is on. */
  breakers?: (() => Iterable<readonly [subgraph: string, phase: BreakerPhase]>) | undefined;
  /** The served supergraph, read at scrape time. */
  supergraph?: (() => ServedSupergraphView) | undefined;
  /** Errors of the traffic store in this process so far; absent without traffic control. */
  trafficStoreErrors?: (() => number) | undefined;
}

/** How a request ended: it got its answer, an answer with errors, or a plugin refused it. */
const OUTCOMES = ['success', 'error', 'refused'] as const;
const SUCCESS = 0;
const ERROR = 1;
const REFUSED = 2;
const BREAKER_PHASES: readonly BreakerPhase[] = ['closed', 'open', 'half-open'];
/** Prometheus' default buckets: 5 ms to 10 s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Label of a request whose operation has no name, or whose name was never learnt (refused early). */
const ANONYMOUS = 'anonymous';
/** Label of a request without an `apollographql-client-name` header or an API key. */
const UNKNOWN_CLIENT = 'unknown';
const CLIENT_NAME_HEADER = 'apollographql-client-name';

interface RequestSeries {
  readonly count: CounterChild;
  readonly duration: HistogramChild;
}

interface SubgraphSeries {
  readonly duration: HistogramChild;
  /** Made on the first de-duplicated fetch: a subgraph never de-duplicated has no series. */
  deduplicated: CounterChild | undefined;
  readonly errors: Map<string, CounterChild>;
}

/**
 * The gateway's Prometheus metrics, and the recording of each request into them. Recording runs
 * once per request after the response: each label combination's children are made once and kept in
 * nested maps, so a request looks them up and increments numbers, without building label objects
 * or keys. What is read at scrape time (gauges) and the Node process metrics are prom-client's.
 */
export class GatewayMetrics {
  /** The gauges read at scrape time; {@link snapshot} has every metric. */
  private readonly registry = new Registry();
  private readonly operations: LabelCap;
  private readonly clients: LabelCap;
  private readonly requests = new CounterFamily(
    'gatehouse_requests_total',
    'GraphQL requests, by operation name, client name and outcome (success, error or refused).',
    ['operation', 'client', 'outcome'],
  );
  private readonly requestDuration = new HistogramFamily(
    'gatehouse_request_duration_seconds',
    'Time from a GraphQL request arriving to its response sent, by operation name, client name and outcome.',
    ['operation', 'client', 'outcome'],
    DURATION_BUCKETS,
  );
  private readonly subgraphDuration = new HistogramFamily(
    'gatehouse_subgraph_request_duration_seconds',
    'Subgraph fetches made (de-duplicated ones not included), by subgraph: time to their answer or failure.',
    ['subgraph'],
    DURATION_BUCKETS,
  );
  private readonly subgraphErrors = new CounterFamily(
    'gatehouse_subgraph_errors_total',
    'Subgraph fetches that failed, by subgraph and error code.',
    ['subgraph', 'code'],
  );
  private readonly deduplicated = new CounterFamily(
    'gatehouse_subgraph_deduplicated_total',
    'Subgraph fetches not sent because an identical one was in flight: they shared its answer.',
    ['subgraph'],
  );
  private readonly planCache = new CounterFamily(
    'gatehouse_query_plan_cache_total',
    "Query plans looked up in Gatehouse's executor's cache, by result (hit or miss).",
    ['result'],
  );
  private readonly refusals = new CounterFamily(
    'gatehouse_refusals_total',
    'Requests refused, by the plugin that refused them and the error code.',
    ['plugin', 'code'],
  );
  private readonly families = [
    this.requests,
    this.requestDuration,
    this.subgraphDuration,
    this.subgraphErrors,
    this.deduplicated,
    this.planCache,
    this.refusals,
  ];
  /** operation → client → series by outcome. */
  private readonly requestSeries = new Map<string, Map<string, (RequestSeries | undefined)[]>>();
  private readonly subgraphSeries = new Map<string, SubgraphSeries>();
  private readonly refusalSeries = new Map<string, Map<string, CounterChild>>();
  private planCacheHit: CounterChild | undefined;
  private planCacheMiss: CounterChild | undefined;

  constructor(options: GatewayMetricsOptions) {
    const registers = [this.registry];
    this.operations = new LabelCap(options.maxOperationNames);
    this.clients = new LabelCap(options.maxOperationNames);
    // 1 in each process: summed, it says how many workers a scrape heard from.
    new Gauge({
      name: 'gatehouse_workers',
      help: 'Gateway processes (workers) whose metrics this scrape sums.',
      registers,
    }).set(1);
    if (options.breakers) this.breakerGauge(options.breakers);
    if (options.supergraph) this.supergraphGauges(options.supergraph);
    if (options.trafficStoreErrors) this.trafficStoreErrorCounter(options.trafficStoreErrors);
  }

  /** Records one GraphQL request, after its response. */
  record(request: FastifyRequest, reply: FastifyReply, observation: RequestObservation): void {
    const outcome =
      observation.refusal !== undefined
        ? REFUSED
        : observation.errorCodes.length > 0 || reply.statusCode >= 400
          ? ERROR
          : SUCCESS;
    const series = this.seriesOf(observation.operationName ?? ANONYMOUS, clientNameOf(request), outcome);
    series.count.inc();
    series.duration.observe(reply.elapsedTime / 1000);

    const calls = observation.subgraphCalls;
    for (let index = 0; index < calls.length; index++) {
      const call = calls[index];
      if (call === undefined) continue;
      const subgraph = this.subgraphSeriesOf(call.subgraph);
      if (call.deduplicated === true) {
        (subgraph.deduplicated ??= this.deduplicated.child(call.subgraph)).inc();
        continue;
      }
      subgraph.duration.observe(call.durationMs / 1000);
      if (call.errorCode !== undefined) this.subgraphErrorOf(call.subgraph, subgraph, call.errorCode).inc();
    }
    if (observation.planCache === 'hit') (this.planCacheHit ??= this.planCache.child('hit')).inc();
    else if (observation.planCache === 'miss') (this.planCacheMiss ??= this.planCache.child('miss')).inc();
    const refusal = observation.refusal;
    if (refusal !== undefined) this.refusalOf(refusal.plugin, refusal.code).inc();
  }

  private seriesOf(operationName: string, clientName: string, outcome: number): RequestSeries {
    const operation = this.operations.value(operationName);
    let byClient = this.requestSeries.get(operation);
    if (byClient === undefined) this.requestSeries.set(operation, (byClient = new Map()));
    const client = this.clients.value(clientName);
    let byOutcome = byClient.get(client);
    if (byOutcome === undefined) byClient.set(client, (byOutcome = []));
    let series = byOutcome[outcome];
    if (series === undefined) {
      const labels = [operation, client, OUTCOMES[outcome] ?? 'error'];
      series = { count: this.requests.child(...labels), duration: this.requestDuration.child(...labels) };
      byOutcome[outcome] = series;
    }
    return series;
  }

  // Subgraph names come from the supergraph the operator serves, plugin names from the plugin list
  // and codes from the error catalogue: none is chosen by a client.
  private subgraphSeriesOf(name: string): SubgraphSeries {
    let series = this.subgraphSeries.get(name);
    if (series === undefined) {
      series = { duration: this.subgraphDuration.child(name), deduplicated: undefined, errors: new Map() };
      this.subgraphSeries.set(name, series);
    }
    return series;
  }

  private subgraphErrorOf(name: string, series: SubgraphSeries, code: string): CounterChild {
    let counter = series.errors.get(code);
    if (counter === undefined) series.errors.set(code, (counter = this.subgraphErrors.child(name, code)));
    return counter;
  }

  private refusalOf(plugin: string, code: string): CounterChild {
    let byCode = this.refusalSeries.get(plugin);
    if (byCode === undefined) this.refusalSeries.set(plugin, (byCode = new Map()));
    let counter = byCode.get(code);
    if (counter === undefined) byCode.set(code, (counter = this.refusals.child(plugin, code)));
    return counter;
  }

  /** Every metric of this process, as prom-client's JSON: what a worker answers for a scrape. */
  async snapshot(): Promise<MetricJson[]> {
    const gauges: MetricJson[] = await this.registry.getMetricsAsJSON();
    const node: MetricJson[] = await processMetrics().getMetricsAsJSON();
    return [...this.families.map((family) => family.json()), ...gauges, ...node];
  }

  /**
   * One series per subgraph and state, 1 for the state its breaker is in and 0 for the others. Summed
   * over workers (each has its own breakers), a series counts the workers whose breaker is in it.
   */
  private breakerGauge(breakers: NonNullable<GatewayMetricsOptions['breakers']>): void {
    const gauge: Gauge<'subgraph' | 'state'> = new Gauge({
      name: 'gatehouse_circuit_breaker_state',
      help: 'Gateway processes whose circuit breaker of the subgraph is in this state (closed, open or half-open).',
      labelNames: ['subgraph', 'state'],
      registers: [this.registry],
      collect() {
        gauge.reset();
        for (const [subgraph, phase] of breakers()) {
          for (const state of BREAKER_PHASES) gauge.labels(subgraph, state).set(state === phase ? 1 : 0);
        }
      },
    });
  }

  /** Store errors of traffic control (each a request served unlimited, or refused, as configured). */
  private trafficStoreErrorCounter(errors: () => number): void {
    const counter: Counter = new Counter({
      name: 'gatehouse_traffic_store_errors_total',
      help: 'Calls to the traffic store (memory or Redis) that failed or did not answer within traffic.storeTimeoutMs.',
      registers: [this.registry],
      collect() {
        counter.reset();
        counter.inc(errors());
      },
    });
  }

  /** The served supergraph: which one (an info gauge, 1) and since when. */
  private supergraphGauges(supergraph: NonNullable<GatewayMetricsOptions['supergraph']>): void {
    const info: Gauge<'hash' | 'version'> = new Gauge({
      name: 'gatehouse_supergraph_info',
      help: 'The supergraph served: its SHA-256 hash and registry version (empty when it has none). Always 1.',
      labelNames: ['hash', 'version'],
      registers: [this.registry],
      // Every worker serves it: one series of 1 per supergraph, not one per worker.
      aggregator: 'max',
      collect() {
        info.reset();
        const served = supergraph();
        if (served.hash !== undefined) info.labels(served.hash, served.version ?? '').set(1);
      },
    });
    const loadedAt: Gauge = new Gauge({
      name: 'gatehouse_supergraph_load_timestamp_seconds',
      help: 'When the supergraph served was loaded, in seconds since the Unix epoch.',
      registers: [this.registry],
      aggregator: 'max',
      collect() {
        loadedAt.reset();
        const at = supergraph().loadedAt;
        if (at !== undefined) loadedAt.set(Date.parse(at) / 1000);
      },
    });
  }
}

/** The `apollographql-client-name` header, else the name of the API key that identified the caller. */
function clientNameOf(request: FastifyRequest): string {
  const header = request.headers[CLIENT_NAME_HEADER];
  if (typeof header === 'string' && header !== '') return header;
  const principal = request.principal;
  if (principal?.kind === 'authenticated' && principal.source === 'api-key') return principal.subject;
  return UNKNOWN_CLIENT;
}
