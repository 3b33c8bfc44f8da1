import { identityEnabled, useIdentity } from '../auth/identify.js';
import type { GatehouseConfig } from '../config/load.js';
import { useAdminToken } from '../edge/admin-token.js';
import { useCors } from '../edge/cors.js';
import { useCsrfPrevention } from '../edge/csrf.js';
import { useDrain } from '../edge/drain.js';
import { useFieldAuthorization } from '../gateway/authorization-setup.js';
import { queryPlanAccessNeeded, useQueryPlanAccess } from '../gateway/query-plan-access.js';
import { useOperationResolution, useSubgraphFailureStatus } from '../gateway/plugins.js';
import { useCircuitBreaker } from '../subgraph-calls/circuit-breaker.js';
import { claimHeaderNames, useHeaderRules } from '../subgraph-calls/header-rules.js';
import { useUsageReporting } from '../registry/usage-plugin.js';
import type { UsageRecord } from '../store/registry.js';
import { useInflightDedupe } from '../subgraph-calls/inflight-dedupe.js';
import { useRetries } from '../subgraph-calls/retries.js';
import { useAccessLog } from '../telemetry/access-log.js';
import { noteRefusals, useObservationStart, useRequestObservation } from '../telemetry/observe.js';
import { useSubgraphFailureLog } from '../telemetry/subgraph-failure-log.js';
import { localFanIn, type WorkerFanIn } from '../telemetry/fan-in.js';
import { useMetrics, type ServedSupergraphView } from '../telemetry/metrics/index.js';
import { useDashboard } from '../telemetry/dashboard/index.js';
import { combineWatchers, watchPluginHooks } from '../telemetry/plugin-hooks.js';
import { startTracing } from '../telemetry/tracing/index.js';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { compileIpRule, ipRulesConfigured, useIpRules } from '../security/ip-rules.js';
import { useIntrospectionAccess } from '../security/introspection.js';
import { useOperationLimits } from '../security/limits/index.js';
import { useDemandControl } from '../security/cost/index.js';
import { useRequestLimits } from '../security/requests.js';
import { useApqHashCheck } from '../security/persisted/apq.js';
import { trustedDocumentsNeeded, useTrustedDocuments } from '../security/persisted/trusted-documents.js';
import { registrySafelistSources } from '../security/persisted/registry-source.js';
import { trafficEnabled } from '../config/traffic-schema.js';
import { openTrafficStore, useTraffic, type TrafficPlugin } from '../traffic/index.js';
import type { GatewayPlugin } from './plugin.js';
import type { GatewayResources } from './resources.js';

/** What the plugins need to know of the server that runs them. */
export interface ServerView {
  /** True once the gateway has begun to shut down. */
  draining(): boolean;
}

/** What the composition root decides beyond the config. */
export interface AssembleOptions {
  /**
   * Where usage reports go (the embedded registry's `recordUsage`, or the registry's HTTP API).
   * Given only when the gateway has a registry to report to; without it, nothing is reported.
   */
  usageSink?: ((records: UsageRecord[]) => Promise<void>) | undefined;
  /** How numbers summed over workers are gathered; a single process answers alone. */
  fanIn?: WorkerFanIn | undefined;
  /** Receives every span instead of the configured exporters, when tracing is on (tests). */
  traceSpanProcessor?: SpanProcessor | undefined;
  /** The supergraph served now (its hash and load time go into the metrics). */
  supergraph?: (() => ServedSupergraphView) | undefined;
  /** The traffic limiter's clock, in epoch milliseconds (tests cross calendar periods with it). */
  trafficClock?: (() => number) | undefined;
}

/**
 * The one place the plugin list is built, in the order every layer runs it:
 * edge → identity → traffic → security → cache → authorization → execution → telemetry.
 * A feature that is off is not in the list, so it costs nothing on the hot path.
 */
export async function assemblePlugins(
  config: GatehouseConfig,
  resources: GatewayResources,
  server: ServerView,
  options: AssembleOptions = {},
): Promise<GatewayPlugin[]> {
  const claimHeaders = claimHeaderNames(config.headers, config.auth);
  const logsRequests = resources.logger.isLevelEnabled('info');
  const { telemetry } = config;
  // The access log, metrics and the dashboard all read one observation of each request.
  const observes = logsRequests || telemetry.metrics.enabled || telemetry.dashboard.enabled;
  const fanIn = options.fanIn ?? localFanIn();
  const breaker = useCircuitBreaker(
    config.transport.circuitBreaker,
    resources,
    config.subgraphs.map(({ name }) => name),
  );
  const traffic = trafficEnabled(config.traffic) ? trafficControl(config, resources, options) : undefined;
  // Off unless configured: then no plugin, no hook watcher, no SDK.
  const tracing = await startTracing(config, {
    logger: resources.logger,
    spanProcessor: options.traceSpanProcessor,
  });
  const plugins: (GatewayPlugin | undefined | false)[] = [
    observes && useObservationStart(),
    // edge
    useDrain(() => server.draining()),
    config.cors !== undefined && useCors(config.cors),
    useCsrfPrevention(),
    // security at the edge: IP rules when a request arrives, then batching once the body is read.
    ipRulesConfigured(config.security.ipRules) &&
      useIpRules(config.security.ipRules, { metricsPath: metricsOnGatewayPort(telemetry.metrics) }),
    useRequestLimits(config.security.batching),
    config.registry.tokens.length > 0 && useAdminToken(config.registry.tokens),
    queryPlanAccessNeeded(config) && useQueryPlanAccess(config),
    // identity
    (identityEnabled(config.auth) || claimHeaders.length > 0) &&
      (await useIdentity(config.auth, resources, claimHeaders)),
    // traffic: usage plans and rate limits, once the caller is known and before any operation work.
    traffic,
    // security: persisted queries and trusted documents (security/persisted), operation limits
    // (security/limits), introspection access (security/introspection), demand control (security/cost).
    // Trusted documents first: they fill in the text of id-only requests the others then check.
    trustedDocumentsNeeded(config.security.trustedDocuments) &&
      (await useTrustedDocuments(config.security.trustedDocuments, {
        logger: resources.logger,
        sources: registrySafelistSources(config, resources),
      })),
    config.security.apq.enabled && useApqHashCheck(),
    useOperationLimits(config.security.limits, resources.logger),
    !config.introspection &&
      useIntrospectionAccess(config.security.introspection, {
        adminTokens: config.registry.tokens.length > 0,
      }),
    useDemandControl(config.security.cost, {
      production: config.production,
      logsDebug: resources.logger.isLevelEnabled('debug'),
    }),
    useOperationResolution(),
    // cache: the response cache plugs in here.
    // authorization
    useFieldAuthorization(config.auth, resources.authorizer),
    // execution
    useHeaderRules(config.headers, config.auth),
    // De-duplication keys on the headers a call is sent with, so it comes after every hook that
    // sets them. It comes before retries and the circuit breaker: a shared call is retried once for
    // all its waiters (not once per waiter, multiplying the load on a failing subgraph), and the
    // breaker counts the calls actually made. Hooks after it run once per shared call, with the
    // call and context of the request that sent it (whose retry budget pays for its retries).
    config.transport.dedupeInflight && useInflightDedupe({ onShared: tracing?.sharedCall }),
    // A failed call is logged once however many waited for it, and once after its retries.
    resources.logger.isLevelEnabled('warn') && useSubgraphFailureLog(),
    // Retries wrap the breaker, which sees every try and fails fast without a retry.
    useRetries(config.transport.retries),
    breaker,
    useSubgraphFailureStatus(),
    // telemetry
    observes && useRequestObservation(),
    telemetry.metrics.enabled &&
      useMetrics(telemetry.metrics, {
        fanIn,
        host: config.server.host,
        breakers: breaker && (() => breaker.states()),
        supergraph: options.supergraph,
        trafficStoreErrors: traffic && (() => traffic.storeErrors()),
        admit: config.security.ipRules.metrics && compileIpRule(config.security.ipRules.metrics),
        onScrapeError: (error) =>
          resources.logger.warn({ err: error }, 'metrics: a scrape could not be answered'),
      }),
    telemetry.dashboard.enabled &&
      useDashboard({
        fanIn,
        tokens: config.registry.tokens,
        tokenRequired: config.production,
        breakers: breaker && (() => breaker.states()),
      }),
    options.usageSink !== undefined &&
      useUsageReporting({
        stage: reportedStage(config),
        sampleRate: config.registry.usage.sampleRate,
        flushIntervalMs: config.registry.usage.flushIntervalMs,
        send: options.usageSink,
        logger: resources.logger,
      }),
    logsRequests &&
      useAccessLog({
        subject: config.logging.subject,
        details: resources.logger.isLevelEnabled('debug'),
      }),
    // Last: its subgraph-call hook is the innermost, and it ends the request's span after every other.
    tracing?.plugin,
  ];
  const list = plugins.filter((plugin): plugin is GatewayPlugin => plugin !== undefined && plugin !== false);
  const watch = combineWatchers(observes && noteRefusals, tracing?.watchHook);
  return watch ? list.map((plugin) => watchPluginHooks(plugin, watch)) : list;
}

/** The traffic plugin over its store (memory, or the shared Redis client), with the usage routes. */
function trafficControl(
  config: GatehouseConfig,
  resources: GatewayResources,
  options: AssembleOptions,
): TrafficPlugin {
  const store = openTrafficStore(config.traffic, {
    redis: resources.redis,
    keyPrefix: config.redis?.keyPrefix,
  });
  return useTraffic(config.traffic, {
    store,
    logger: resources.logger,
    clock: options.trafficClock,
    usage: {
      apiKeys: resources.store?.apiKeys,
      tokens: config.registry.tokens,
      production: config.production,
      dashboard: config.telemetry.dashboard.enabled,
    },
  });
}

/** The metrics' path when they are served on the gateway port (not on their own). */
function metricsOnGatewayPort(metrics: GatehouseConfig['telemetry']['metrics']): string | undefined {
  return metrics.enabled && metrics.port === undefined ? metrics.path : undefined;
}

/** The registry stage operations are reported under: the one followed, else the gateway's own. */
function reportedStage(config: GatehouseConfig): string {
  return (config.supergraph?.kind === 'registry' ? config.supergraph.stage : undefined) ?? config.stage;
}
