import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { GatehouseConfig } from '../config/load.js';
import { sendError } from '../edge/reply.js';
import { clientErrorHandler, drainRefusedBody } from '../security/requests.js';
import { echoRequestId, requestIdOf } from '../telemetry/request-id.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import type { Registry } from '../registry/types.js';
import { registerAdminPage } from './admin-page.js';
import { assertNever, type ServerState } from './lifecycle.js';
import { registerRegistryRoutes } from './registry-routes.js';
import { defaultUiDir, registerSandbox } from './sandbox.js';

export interface AppOptions {
  config: GatehouseConfig;
  logger: FastifyBaseLogger;
  state: () => ServerState;
  /** The assembled plugin list; the app installs their edge hooks and routes. */
  plugins: readonly GatewayPlugin[];
  /** The registry this gateway runs (`registry.embedded`): its API and page are served too. */
  registry?: Registry | undefined;
  uiDir?: string;
}

/** The HTTP edge: limits, content types, health, readiness, the GraphQL route and the sandbox. */
export async function buildApp({
  config,
  logger,
  state,
  plugins,
  registry,
  uiDir,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    // The access-log plugin writes one line per request, with the GraphQL operation in it.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: requestIdOf,
    // Only addresses of the configured proxies may say, in X-Forwarded-For, who the client is.
    trustProxy: config.server.trustedProxies.length > 0 ? [...config.server.trustedProxies] : false,
    bodyLimit: config.server.bodyLimitBytes,
    return503OnClosing: true,
    ...connectionLimits(config.server, config.security.maxHeaderBytes),
    clientErrorHandler: clientErrorHandler(config.security.maxHeaderBytes),
  });
  // Only JSON bodies are GraphQL requests here; text/plain would also be a CSRF vector.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'NOT_FOUND'));
  app.addHook('onRequest', echoRequestId);

  // The plugins' edge hooks and routes, in list order: identity runs after the edge checks, and
  // traffic and security after identity.
  for (const plugin of plugins) await installEdge(app, plugin);

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const current = state();
    if (current.phase === 'serving') return { status: 'ready', ...readinessDetail(plugins) };
    return sendError(
      reply,
      current.phase === 'draining' || current.phase === 'stopped' ? 'SHUTTING_DOWN' : 'NOT_READY',
    );
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    async handler(request, reply) {
      const current = state();
      switch (current.phase) {
        case 'serving': {
          if (!hasQuery(request)) return sendError(reply, 'MISSING_QUERY');
          return current.handle(request, reply);
        }
        case 'starting':
        case 'failed':
          return sendError(reply, 'NOT_READY');
        case 'draining':
        case 'stopped':
          return sendError(reply, 'SHUTTING_DOWN');
        default:
          return assertNever(current);
      }
    },
  });
  app.route({
    method: ['PUT', 'PATCH', 'DELETE'],
    url: '/graphql',
    handler: (_request, reply) =>
      sendError(
        reply.header('allow', 'GET, POST'),
        'METHOD_NOT_ALLOWED',
        'GraphQL is served over GET and POST only.',
      ),
  });

  if (config.sandbox) await registerSandbox(app, { uiDir: uiDir ?? defaultUiDir() });
  if (config.telemetry.dashboard.enabled) await registerAdminPage(app, { uiDir: uiDir ?? defaultUiDir() });
  if (registry) await registerRegistryRoutes(app, { registry, config, logger, ...(uiDir ? { uiDir } : {}) });
  return app;
}

/**
 * Fastify leaves every connection open for as long as the client likes (`requestTimeout: 0`), so a
 * client sending a body one byte at a time, or not at all, would hold it forever. Node checks the
 * request deadline on a timer (`connectionsCheckingInterval`, 30 s by default): it runs often enough
 * here that a connection is closed within a quarter of the deadline after it passes.
 */
function connectionLimits(server: GatehouseConfig['server'], maxHeaderBytes: number) {
  const { requestTimeoutMs, connectionTimeoutMs, keepAliveTimeoutMs } = server;
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    http: {
      headersTimeout: Math.min(requestTimeoutMs, 60_000),
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(requestTimeoutMs / 4))),
      // A larger request head is refused by Node with 431 (security/requests.ts words it).
      maxHeaderSize: maxHeaderBytes,
    },
  };
}

/** What plugins report in `/ready` (a breaker's states, say), under their names; nothing when none do. */
function readinessDetail(plugins: readonly GatewayPlugin[]): { detail?: Record<string, unknown> } {
  const reporting = plugins.filter((plugin) => plugin.readiness !== undefined);
  if (reporting.length === 0) return {};
  return { detail: Object.fromEntries(reporting.map((plugin) => [plugin.name, plugin.readiness?.()])) };
}

/** Adds a plugin's edge hooks, then its routes and Fastify plugins. */
async function installEdge(app: FastifyInstance, { edge, register }: GatewayPlugin): Promise<void> {
  if (edge?.onRequest) app.addHook('onRequest', edge.onRequest);
  if (edge?.beforeBody) app.addHook('preParsing', edge.beforeBody);
  if (edge?.afterBody) app.addHook('preHandler', edge.afterBody);
  if (edge?.onSend) app.addHook('onSend', edge.onSend);
  if (edge?.onResponse) app.addHook('onResponse', edge.onResponse);
  await register?.(app);
}

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 500;
  if (status === 413) {
    drainRefusedBody(request, reply);
    const limit = request.routeOptions.bodyLimit;
    return sendError(
      reply,
      'PAYLOAD_TOO_LARGE',
      `The request body is larger than the limit of ${limit} bytes (server.bodyLimitBytes).`,
    );
  }
  if (status === 415) return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE');
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return sendError(reply, 'INVALID_JSON', 'The request body is empty.');
  if (status === 400 && (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY')) {
    return sendError(reply, 'INVALID_JSON');
  }
  if (status >= 400 && status < 500) return sendError(reply.code(status), 'BAD_REQUEST', error.message);
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, 'INTERNAL_SERVER_ERROR');
}

function hasQuery(request: FastifyRequest): boolean {
  const params = (request.method === 'GET' ? request.query : request.body) as
    Record<string, unknown> | undefined;
  // Anything that is not a single request object is left to Apollo Server to reject in its own words.
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return true;
  if (typeof params.query === 'string' && params.query.trim() !== '') return true;
  // Persisted queries carry a hash (APQ) or a trusted document's id (`documentId`) instead of the text.
  return params.extensions !== undefined || typeof params.documentId === 'string';
}
