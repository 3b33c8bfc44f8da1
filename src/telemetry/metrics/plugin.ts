import type { FastifyInstance } from 'fastify';
import type { TelemetryConfig } from '../../config/telemetry-schema.js';
import type { GatewayPlugin } from '../../pipeline/plugin.js';
import type { WorkerFanIn } from '../fan-in.js';
import { GatewayMetrics, type BreakerPhase, type ServedSupergraphView } from './gateway-metrics.js';
import { listenMetrics, type MetricsServer } from './metrics-server.js';
import { createScrape, METRICS_KIND } from './scrape.js';

export interface MetricsOptions {
  /** How each worker's metrics are gathered for a scrape (one process answers alone). */
  fanIn: WorkerFanIn;
  /** `server.host`: where the metrics port listens. */
  host: string;
  /** Every subgraph's circuit-breaker state, when breakers are on. */
  breakers?: (() => Iterable<readonly [string, BreakerPhase]>) | undefined;
  /** The supergraph served now. */
  supergraph?: (() => ServedSupergraphView) | undefined;
  /** Errors of the traffic store so far, with traffic control. */
  trafficStoreErrors?: (() => number) | undefined;
  /** Hears a scrape that could not be answered. */
  onScrapeError?: ((error: unknown) => void) | undefined;
  /** `security.ipRules.metrics` on the metrics' own port (the ip-rules plugin guards the gateway port). */
  admit?: ((address: string | undefined) => boolean) | undefined;
}

/**
 * Prometheus metrics, summed over every worker: requests by operation, client and outcome,
 * subgraph fetches, circuit breakers, the plan cache, de-duplicated fetches, refusals, the served
 * supergraph and the Node process. Each GraphQL request is recorded after its response, from the
 * observation the telemetry plugins filled in. The text is served at `path` on the gateway port,
 * or on a port of its own; with a token, only to a scraper that sends it.
 */
export function useMetrics(config: TelemetryConfig['metrics'], options: MetricsOptions): GatewayPlugin {
  const metrics = new GatewayMetrics({
    maxOperationNames: config.maxOperationNames,
    breakers: options.breakers,
    supergraph: options.supergraph,
    trafficStoreErrors: options.trafficStoreErrors,
  });
  options.fanIn.answer(METRICS_KIND, () => metrics.snapshot());
  const scrape = createScrape({
    fanIn: options.fanIn,
    maxNames: config.maxOperationNames,
    token: config.token,
    onError: options.onScrapeError,
  });
  let server: MetricsServer | undefined;

  const register = (app: FastifyInstance) => {
    const { port, path } = config;
    if (port === undefined) {
      app.get(path, async (request, reply) => {
        const { status, headers, body } = await scrape(request.headers.authorization);
        return reply.code(status).headers(headers).send(body);
      });
      return;
    }
    // With the gateway port: a port in use fails the start, and closing the gateway closes it.
    app.addHook('onReady', async () => {
      server = await listenMetrics({ host: options.host, port, path, scrape, admit: options.admit });
    });
    app.addHook('onClose', async () => {
      await server?.close();
      server = undefined;
    });
  };

  return {
    name: 'metrics',
    edge: {
      onResponse(request, reply, done) {
        const observation = request.observation;
        if (observation !== undefined && request.routeOptions.url === '/graphql')
          metrics.record(request, reply, observation);
        done();
      },
    },
    register,
    async dispose() {
      await server?.close();
      server = undefined;
    },
  };
}
