import { identityEnabled, useIdentity } from '../auth/identify.js';
import type { GatehouseConfig } from '../config/load.js';
import { useAccessLog } from '../edge/access-log.js';
import { useCors } from '../edge/cors.js';
import { useCsrfPrevention } from '../edge/csrf.js';
import { useDrain } from '../edge/drain.js';
import { useFieldAuthorization } from '../gateway/authorization-setup.js';
import { useOperationName, useOperationResolution, useSubgraphFailureStatus } from '../gateway/plugins.js';
import { claimHeaderNames, useHeaderRules } from '../subgraph-calls/header-rules.js';
import type { GatewayPlugin } from './plugin.js';
import type { GatewayResources } from './resources.js';

/** What the plugins need to know of the server that runs them. */
export interface ServerView {
  /** True once the gateway has begun to shut down. */
  draining(): boolean;
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
): Promise<GatewayPlugin[]> {
  const claimHeaders = claimHeaderNames(config.headers, config.auth);
  const logsRequests = resources.logger.isLevelEnabled('info');
  const plugins: (GatewayPlugin | undefined | false)[] = [
    // edge
    useDrain(() => server.draining()),
    config.cors !== undefined && useCors(config.cors),
    useCsrfPrevention(),
    // identity
    (identityEnabled(config.auth) || claimHeaders.length > 0) &&
      (await useIdentity(config.auth, resources, claimHeaders)),
    // traffic: rate limits and quotas plug in here.
    // security
    useOperationResolution(),
    // cache: the response cache plugs in here.
    // authorization
    useFieldAuthorization(config.auth, resources.authorizer),
    // execution
    useHeaderRules(config.headers, config.auth),
    useSubgraphFailureStatus(),
    // telemetry
    logsRequests && useOperationName(),
    logsRequests && useAccessLog(),
  ];
  return plugins.filter((plugin): plugin is GatewayPlugin => plugin !== undefined && plugin !== false);
}
