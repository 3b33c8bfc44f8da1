import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createTokenCheck, type RegistryToken } from './http-auth.js';
import { parseInput, publishRequest, usageRecords } from './http-input.js';
import { SAFELIST_LIMITS } from '../store/safelist.js';
import { RegistryError, type ChangeOutcome, type Registry } from './types.js';

/** Where the API lives; the registry page and gateways following a stage use the same prefix. */
export const REGISTRY_API_PREFIX = '/registry/v1';
/** What a request body may carry on top of the largest SDL: the other fields, JSON escaping. */
export const BODY_OVERHEAD_BYTES = 64 * 1024;

export interface RegistryApiOptions {
  registry: Registry;
  /** `registry.tokens`: every change needs one, and every read when `readsNeedToken`. */
  tokens: readonly RegistryToken[];
  /** True in stage `prod`: reads need a token too. */
  readsNeedToken: boolean;
  /** `registry.maxSchemaBytes`: the largest SDL; bodies may be 64 KiB larger. */
  maxSchemaBytes: number;
  /** Where unexpected failures are logged; the request's logger when unset. */
  logger?: FastifyBaseLogger;
}

/** The status of each of the registry's own errors: typed so that a new code needs one here. */
const REGISTRY_ERROR_STATUS: Record<RegistryError['code'], number> = {
  INVALID_INPUT: 400,
  UNKNOWN_STAGE: 404,
  UNKNOWN_VERSION: 404,
  UNKNOWN_SUBGRAPH: 404,
  EMPTY_STAGE: 404,
  SCHEMA_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  DOCUMENT_ID_CONFLICT: 409,
  SAFELIST_TOO_LARGE: 413,
};

/** Codes of the API's error bodies (`{ error: { code, message } }`) and their statuses. */
export const REGISTRY_API_STATUS = {
  ...REGISTRY_ERROR_STATUS,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL_SERVER_ERROR: 500,
} as const;

export type RegistryApiCode = keyof typeof REGISTRY_API_STATUS;

export interface RegistryApiErrorBody {
  error: { code: RegistryApiCode; message: string };
}

const OUTCOME_STATUS = { created: 201, unchanged: 200, rejected: 422 } as const;

/**
 * The registry's HTTP API (contract in the registry plan): reads, changes (with a bearer token),
 * long-polls of a stage's supergraph and usage reports. It runs in its own Fastify context, with its
 * own body limit and error handling, under {@link REGISTRY_API_PREFIX}; the gateway's GraphQL edge
 * hooks (CSRF, identity) only act on `/graphql`, so they leave these routes alone.
 */
export async function registerRegistryApi(app: FastifyInstance, options: RegistryApiOptions): Promise<void> {
  await app.register((scope) => registryRoutes(scope, options), { prefix: REGISTRY_API_PREFIX });
}

function registryRoutes(app: FastifyInstance, options: RegistryApiOptions): void {
  const { registry, maxSchemaBytes } = options;
  const bodyLimit = maxSchemaBytes + BODY_OVERHEAD_BYTES;
  const checkToken = createTokenCheck(options.tokens);
  const actors = new WeakMap<FastifyRequest, string>();
  // Long-polls in flight: ended (answered 304) when the server closes, so shutdown need not wait.
  const waiting = new Set<AbortController>();

  // A safelist push carries a whole manifest, which is bounded on its own (SAFELIST_LIMITS).
  const isSafelistPush = (method: string | string[], url: string) =>
    method === 'POST' && url.endsWith('/safelist');
  app.addHook('onRoute', (route) => {
    route.bodyLimit = isSafelistPush(route.method, route.url) ? SAFELIST_LIMITS.pushBytes : bodyLimit;
  });
  // Bodies are JSON only (the gateway's app already drops text/plain, a CSRF vector).
  if (app.hasContentTypeParser('text/plain')) app.removeContentTypeParser('text/plain');
  // Before the body is read: a request without a valid token changes nothing and costs no parsing.
  app.addHook('onRequest', async (request, reply) => {
    const change = request.method !== 'GET' && request.method !== 'HEAD';
    if (!change && !options.readsNeedToken) return;
    const result = checkToken(request.headers.authorization);
    if (result.ok) {
      actors.set(request, result.actor);
      return;
    }
    return send(
      reply.header('www-authenticate', 'Bearer'),
      'UNAUTHENTICATED',
      refusal(change, result.missing, options.tokens.length > 0),
    );
  });
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    for (const controller of waiting) controller.abort();
    done();
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, 'NOT_FOUND', `The registry has no endpoint ${request.method} ${request.url.split('?')[0]}.`),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof RegistryError) {
      if (error.code === 'UNAVAILABLE') reply.header('retry-after', '1');
      return send(reply, error.code, error.message);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      if (isSafelistPush(request.method, request.url.split('?')[0] ?? '')) {
        return send(
          reply,
          'SAFELIST_TOO_LARGE',
          `The push is larger than the registry's limit of ${SAFELIST_LIMITS.pushBytes} bytes per push: split the manifest.`,
        );
      }
      return send(
        reply,
        'SCHEMA_TOO_LARGE',
        `The request body is larger than the registry's limit of ${bodyLimit} bytes (registry.maxSchemaBytes, ${maxSchemaBytes}, plus 64 KiB).`,
      );
    }
    if (error.statusCode === 415) {
      return send(reply, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
    }
    if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return send(reply, 'INVALID_INPUT', 'body: the request body is empty; send a JSON object.');
    }
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return send(reply, 'INVALID_INPUT', 'body: the request body is not valid JSON.');
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply.code(error.statusCode), 'BAD_REQUEST', error.message);
    }
    (options.logger ?? request.log).error({ err: error, url: request.url }, 'registry API failed');
    return send(reply, 'INTERNAL_SERVER_ERROR', 'The registry failed; the detail is in its log.');
  });

  const stageOf = (request: FastifyRequest): string => {
    const { stage } = parseInput('stageParams', 'path', request.params);
    assertStage(registry, stage);
    return stage;
  };
  const actorOf = (request: FastifyRequest): string => actors.get(request) ?? 'anonymous';
  const answer = (reply: FastifyReply, outcome: ChangeOutcome) =>
    reply.code(OUTCOME_STATUS[outcome.status]).send(outcome);

  app.get('/stages', async () => ({
    // Clients check a large schema against the limit before sending it: a body refused mid-upload
    // reaches the client as a broken connection, not as this API's 413.
    limits: { maxSchemaBytes, maxBodyBytes: bodyLimit },
    stages: await Promise.all(
      registry.stages().map(async (name) => {
        const [current] = await registry.history(name, 1);
        return current === undefined ? { name } : { name, current };
      }),
    ),
  }));

  app.get('/stages/:stage/subgraphs', async (request) => ({
    subgraphs: await registry.subgraphs(stageOf(request)),
  }));

  app.post('/stages/:stage/subgraphs', async (request, reply) => {
    const stage = stageOf(request);
    const publish = publishRequest(stage, parseInput('publishBody', 'body', request.body));
    assertSdlSize(publish.sdl, maxSchemaBytes, publish.name);
    return answer(reply, await registry.publish(publish, actorOf(request)));
  });

  app.post('/stages/:stage/checks', async (request) => {
    const stage = stageOf(request);
    const check = publishRequest(stage, parseInput('publishBody', 'body', request.body));
    assertSdlSize(check.sdl, maxSchemaBytes, check.name);
    return { report: await registry.check(check) };
  });

  app.delete('/stages/:stage/subgraphs/:name', async (request, reply) => {
    const { stage, name } = parseInput('subgraphParams', 'path', request.params);
    assertStage(registry, stage);
    const { allowBreaking } = parseInput('removeQuery', 'query', request.query);
    const outcome = await registry.remove(
      { stage, name, ...(allowBreaking === undefined ? {} : { allowBreaking }) },
      actorOf(request),
    );
    return answer(reply, outcome);
  });

  app.get('/stages/:stage/versions', async (request) => {
    const stage = stageOf(request);
    const { limit } = parseInput('historyQuery', 'query', request.query);
    return { versions: await registry.history(stage, limit) };
  });

  app.get('/versions/:id', async (request) => {
    const { id } = parseInput('versionParams', 'path', request.params);
    const version = await registry.version(id);
    if (version === undefined) throw new RegistryError('UNKNOWN_VERSION', `There is no version ${id}.`);
    return version;
  });

  app.get('/diff', async (request) => {
    const { from, to } = parseInput('diffQuery', 'query', request.query);
    return registry.diff(from, to);
  });

  app.post('/stages/:stage/rollback', async (request, reply) => {
    const stage = stageOf(request);
    const { to } = parseInput('rollbackBody', 'body', request.body);
    return answer(reply, await registry.rollback(stage, to, actorOf(request)));
  });

  app.post('/stages/:stage/promote', async (request, reply) => {
    const stage = stageOf(request);
    const { from } = parseInput('promoteBody', 'body', request.body);
    assertStage(registry, from);
    return answer(reply, await registry.promote(from, stage, actorOf(request)));
  });

  app.post('/stages/:stage/usage', async (request, reply) => {
    const stage = stageOf(request);
    const records = usageRecords(stage, parseInput('usageBody', 'body', request.body));
    await registry.recordUsage(records);
    return reply.code(202).send({ accepted: records.length });
  });

  app.get('/stages/:stage/supergraph', async (request, reply) => {
    const stage = stageOf(request);
    const { wait = 0 } = parseInput('supergraphQuery', 'query', request.query);
    const known = entityTag(request.headers['if-none-match']);
    let version = await registry.current(stage);
    if (wait > 0 && version?.hash === known) {
      version =
        (await held(reply, (signal) => registry.waitForChange(stage, known, wait, signal))) ??
        (await registry.current(stage));
    }
    if (version === undefined) {
      throw new RegistryError('EMPTY_STAGE', `Nothing has been published to stage "${stage}" yet.`);
    }
    reply
      .header('etag', `"${version.hash}"`)
      .header('x-gatehouse-version', String(version.id))
      .header('cache-control', 'no-cache');
    // Closing: the connection must not outlive this answer, or it would hold the server open.
    if (closing) reply.header('connection', 'close');
    if (version.hash === known) return reply.code(304).send();
    return reply.type('text/plain; charset=utf-8').send(version.supergraphSdl);
  });

  app.post('/stages/:stage/safelist', async (request, reply) => {
    const stage = stageOf(request);
    const body = parseInput('safelistBody', 'body', request.body);
    const outcome = await registry.pushSafelist({ stage, ...body }, actorOf(request));
    return reply.code(outcome.added.length > 0 ? 201 : 200).send(outcome);
  });

  // Gateways trusting the stage's documents poll this; the revision (how many documents the stage
  // holds, which only grows) is the ETag, so an unchanged safelist costs a count and a 304.
  app.get('/stages/:stage/safelist', async (request, reply) => {
    const stage = stageOf(request);
    const { wait = 0 } = parseInput('supergraphQuery', 'query', request.query);
    const tag = entityTag(request.headers['if-none-match']);
    const known = tag !== undefined && /^\d+$/.test(tag) ? Number(tag) : undefined;
    let safelist = await registry.safelist(stage);
    if (wait > 0 && safelist.revision === known) {
      safelist =
        (await held(reply, (signal) => registry.waitForSafelistChange(stage, known, wait, signal))) ??
        (await registry.safelist(stage));
    }
    reply
      .header('etag', `"${safelist.revision}"`)
      .header('x-gatehouse-safelist-revision', String(safelist.revision))
      .header('cache-control', 'no-cache');
    if (closing) reply.header('connection', 'close');
    if (safelist.revision === known) return reply.code(304).send();
    return safelist;
  });

  /** Runs a long-poll; ends it early (undefined) when the client leaves or the server closes. */
  async function held<T>(
    reply: FastifyReply,
    wait: (signal: AbortSignal) => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    waiting.add(controller);
    // 'close' on the response: it was sent, or the connection went away before that.
    reply.raw.once('close', abort);
    // Gone while the handler read the store (before the listener): 'close' will not come again.
    if (closing || reply.request.raw.socket.destroyed) abort();
    try {
      return await wait(controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return undefined;
      throw error;
    } finally {
      waiting.delete(controller);
      reply.raw.off('close', abort);
    }
  }
}

/** Why a request without a valid token is refused, and what to send instead; never echoes the token. */
function refusal(change: boolean, missing: boolean, anyTokens: boolean): string {
  const what = change ? 'Changes to the registry need a token' : 'Reads of this registry need a token';
  if (!anyTokens) return `${what}, and it has none (registry.tokens is empty): add one to its config.`;
  if (missing) return `${what}: send the header "authorization: Bearer <token>".`;
  return 'The token is not one this registry accepts (registry.tokens).';
}

function send(reply: FastifyReply, code: RegistryApiCode, message: string): FastifyReply {
  const body: RegistryApiErrorBody = { error: { code, message } };
  return reply.code(REGISTRY_API_STATUS[code]).type('application/json').send(body);
}

function assertStage(registry: Registry, stage: string): void {
  const stages = registry.stages();
  if (!stages.includes(stage)) {
    throw new RegistryError(
      'UNKNOWN_STAGE',
      `There is no stage "${stage}"; this registry has ${stages.map((name) => `"${name}"`).join(', ')}.`,
    );
  }
}

function assertSdlSize(sdl: string, maxSchemaBytes: number, name: string): void {
  const bytes = Buffer.byteLength(sdl, 'utf8');
  if (bytes > maxSchemaBytes) {
    throw new RegistryError(
      'SCHEMA_TOO_LARGE',
      `The SDL of subgraph "${name}" is ${bytes} bytes, more than the registry's limit of ${maxSchemaBytes} bytes (registry.maxSchemaBytes).`,
    );
  }
}

/** The hash in `If-None-Match: "<hash>"` (or `W/"<hash>"`, or the first of a list); undefined for `*`. */
export function entityTag(header: string | string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
  if (value === undefined || value === '' || value === '*') return undefined;
  return value.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}
