import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { identityEnabled, registerIdentity } from '../auth/identify.js';
import type { GatehouseConfig } from '../config/load.js';
import { errorBody, httpStatusOf, type ErrorCode } from '../errors.js';
import { isPossibleCsrf } from './csrf.js';
import { assertNever, type ServerState } from './lifecycle.js';
import { defaultUiDir, registerSandbox } from './sandbox.js';

export interface AppOptions {
  config: GatehouseConfig;
  logger: FastifyBaseLogger;
  state: () => ServerState;
  uiDir?: string;
}

export function sendError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  return reply.code(httpStatusOf(code)).type('application/json').send(errorBody(code, message));
}

/** The HTTP edge: limits, content types, health, readiness, the GraphQL route and the sandbox. */
export async function buildApp({ config, logger, state, uiDir }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    // One access-log line per request is written below, with the GraphQL operation in it.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.server.bodyLimitBytes,
    return503OnClosing: true,
    ...connectionLimits(config.server),
  });
  // Only JSON bodies are GraphQL requests here; text/plain would also be a CSRF vector.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'NOT_FOUND'));

  // Both hooks take a callback rather than returning a promise: they run on every request.
  app.addHook('onResponse', (request, reply, done) => {
    const query = request.url.indexOf('?');
    request.log.info(
      {
        method: request.method,
        path: query < 0 ? request.url : request.url.slice(0, query),
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        operationName: request.operationName ?? requestedOperationName(request),
      },
      'request',
    );
    done();
  });

  // While draining, answered connections close so that shutdown need not wait for keep-alive
  // clients to go idle.
  app.addHook('onSend', (_request, reply, payload, done) => {
    const { phase } = state();
    if (phase === 'draining' || phase === 'stopped') reply.header('connection', 'close');
    done(null, payload);
  });

  // Who is calling, before anything else runs on /graphql; not installed when auth is off.
  if (identityEnabled(config.auth) || config.auth.forwardClaims.length > 0)
    await registerIdentity(app, config);

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const current = state();
    if (current.phase === 'serving') return { status: 'ready' };
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
          if (isPossibleCsrf(request)) return sendError(reply, 'CSRF_PREVENTED');
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
  return app;
}

/**
 * Fastify leaves every connection open for as long as the client likes (`requestTimeout: 0`), so a
 * client sending a body one byte at a time, or not at all, would hold it forever. Node checks the
 * request deadline on a timer (`connectionsCheckingInterval`, 30 s by default): it runs often enough
 * here that a connection is closed within a quarter of the deadline after it passes.
 */
function connectionLimits(server: GatehouseConfig['server']) {
  const { requestTimeoutMs, connectionTimeoutMs, keepAliveTimeoutMs } = server;
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    http: {
      headersTimeout: Math.min(requestTimeoutMs, 60_000),
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(requestTimeoutMs / 4))),
    },
  };
}

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 500;
  if (status === 413) return sendError(reply, 'PAYLOAD_TOO_LARGE');
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
  // Persisted queries carry a hash instead of the text.
  return params.extensions !== undefined;
}

function requestedOperationName(request: FastifyRequest): string | undefined {
  const params = (request.method === 'GET' ? request.query : request.body) as
    Record<string, unknown> | undefined;
  const name = params?.operationName;
  return typeof name === 'string' ? name : undefined;
}
