import type { FastifyRequest } from 'fastify';
import { parse, type DocumentNode, type GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { sendError } from '../../edge/reply.js';
import { gatehouseError } from '../../errors.js';
import type { GatewayPlugin } from '../../pipeline/plugin.js';
import { capErrors } from './errors-cap.js';
import { factsOf } from './facts.js';
import {
  firstBreach,
  limitsResolver,
  narrowestLimits,
  tokensBreach,
  variablesBreach,
  widestLimits,
  type Breach,
  type Limits,
  type LimitsConfig,
} from './options.js';
import { countTokens } from './tokens.js';

export const PLUGIN_NAME = 'operation-limits';

/**
 * What Apollo Server validates in place of a refused document: it fails validation at once (the
 * fragment is unused), so the refused document is neither validated nor kept in the document store,
 * and the refusal takes the place of the validation error in `didEncounterErrors`. Throwing is not an
 * option: a hook that throws before `didResolveOperation` ends in Apollo's "Internal server error".
 */
const REFUSED_DOCUMENT: DocumentNode = parse(
  'fragment GatehouseOperationLimitRefused on Query { __typename }',
);

/**
 * Operation limits (`security.limits`): size and shape of each operation, per principal, refused
 * before validation and planning so no subgraph is called. Not installed when `mode` is `off`.
 *
 * - At the edge, before Apollo Server parses anything: the number of variables and the tokens of
 *   the query text (a token bomb is refused without being parsed).
 * - In `validationDidStart`, for a newly parsed document: depth, aliases, root fields, directives,
 *   fragments and spreads (see `facts.ts`), and the tokens of a text that came from the APQ store.
 * - In `didResolveOperation`, for every request: a document from Apollo's document store skips
 *   parsing and validation, so it is judged here, from facts cached on the DocumentNode.
 * - In `willSendResponse`: no more than `maxErrors` distinct errors.
 *
 * `enforce` refuses with 400 and the limit's code; `warn` logs one line per request and serves.
 */
export function useOperationLimits(
  config: LimitsConfig,
  logger: Pick<Logger, 'warn'>,
): GatewayPlugin | undefined {
  if (config.mode === 'off') return undefined;
  const enforce = config.mode === 'enforce';
  const limitsOf = limitsResolver(config);
  // Tokens are counted once per document for every principal: far enough for the widest limit, and
  // not at all when the text is too short to break the narrowest.
  const tokenFloor = narrowestLimits(config).maxTokens;
  const tokenCeiling = widestLimits(config).maxTokens + 1;
  const tokensByDocument = new WeakMap<DocumentNode, number>();
  const tokensOf = (document: DocumentNode, source: string | undefined) => {
    let tokens = tokensByDocument.get(document);
    if (tokens === undefined) {
      tokens = source === undefined || source.length <= tokenFloor ? 0 : countTokens(source, tokenCeiling);
      tokensByDocument.set(document, tokens);
    }
    return tokens;
  };
  /** The first breach, if any, and the name of the operation it is in (for the warning). */
  const breachOf = (
    document: DocumentNode,
    source: string | undefined,
    name: string | null | undefined,
    limits: Limits,
  ): [Breach | undefined, string | undefined] => {
    const facts = factsOf(document);
    const operation = facts.operation(name);
    return [firstBreach(facts, operation, tokensOf(document, source), limits), operation?.name];
  };
  const warned = new WeakSet<FastifyRequest>();
  const warn = (request: FastifyRequest, breach: Breach, operationName: string | null | undefined) => {
    if (warned.has(request)) return;
    warned.add(request);
    const principal = request.principal;
    logger.warn(
      {
        limit: `security.limits.${breach.limit}`,
        value: breach.value,
        allowed: breach.allowed,
        code: breach.code,
        operationName: operationName ?? undefined,
        subject: principal?.kind === 'authenticated' ? principal.subject : undefined,
      },
      `operation limits: ${breach.message} Served because security.limits.mode is warn.`,
    );
  };

  return {
    name: PLUGIN_NAME,
    edge: {
      afterBody(request, reply, done) {
        if (request.routeOptions.url !== '/graphql') return done();
        const limits = limitsOf(request.principal);
        const breach = requestBreach(request, limits);
        if (breach === undefined) return done();
        if (enforce) {
          sendError(reply, breach.code, breach.message);
          return;
        }
        warn(request, breach, operationNameOf(request));
        done();
      },
    },
    operation: {
      async requestDidStart({ contextValue }) {
        const request = contextValue.request;
        const limits = limitsOf(request.principal);
        let refusal: Breach | undefined;
        let judged = false;
        /** The breach to refuse: none when within the limits, or when `warn` logged it instead. */
        const judge = (context: {
          document: DocumentNode;
          source?: string | undefined;
          request: { operationName?: string | null | undefined };
        }): Breach | undefined => {
          const [breach, name] = breachOf(
            context.document,
            context.source,
            context.request.operationName,
            limits,
          );
          if (breach === undefined || enforce) return breach;
          warn(request, breach, name);
          return undefined;
        };
        return {
          async validationDidStart(context) {
            judged = true;
            const breach = judge(context);
            if (breach === undefined) return;
            refusal = breach;
            // Apollo Server reads the document again after this hook; see REFUSED_DOCUMENT.
            (context as { document: DocumentNode }).document = REFUSED_DOCUMENT;
            const observation = request.observation;
            if (observation !== undefined) observation.refusal ??= { plugin: PLUGIN_NAME, code: breach.code };
          },
          async didResolveOperation(context) {
            // A new document was judged before validation; one from the document store is judged here.
            if (judged) return;
            const breach = judge(context);
            if (breach === undefined) return;
            throw gatehouseError(breach.code, breach.message, { http: { status: 400 } });
          },
          async didEncounterErrors({ errors }) {
            // The refused document's validation errors: Apollo formats this very list next.
            if (refusal === undefined) return;
            const list = errors as GraphQLError[];
            list.splice(
              0,
              list.length,
              gatehouseError(refusal.code, refusal.message, { http: { status: 400 } }),
            );
          },
          async willSendResponse(context) {
            if (refusal !== undefined) return;
            const { response } = context;
            if (response.body.kind !== 'single') return;
            const errors = response.body.singleResult.errors;
            if (errors === undefined || errors.length <= limits.maxErrors) return;
            const capped = enforce ? capErrors(errors, limits.maxErrors) : undefined;
            if (capped !== undefined) {
              response.body.singleResult.errors = capped;
              return;
            }
            const breach = {
              limit: 'maxErrors',
              code: 'TOO_MANY_ERRORS',
              value: errors.length,
              allowed: limits.maxErrors,
              message: `The response has ${errors.length} errors; this gateway sends at most ${limits.maxErrors} (security.limits.maxErrors).`,
            } as const;
            warn(request, breach, context.operationName);
          },
        };
      },
    },
  };
}

/** A GraphQL request as it arrives: a POST body (or a batch of them), or a GET query string. */
interface RequestPayload {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** Variables and tokens, judged on the request as sent: before Apollo Server parses anything. */
function requestBreach(request: FastifyRequest, limits: Limits): Breach | undefined {
  const payload = (request.method === 'GET' ? request.query : request.body) as unknown;
  if (Array.isArray(payload)) {
    for (const each of payload) {
      const breach = payloadBreach(each as RequestPayload, limits);
      if (breach !== undefined) return breach;
    }
    return undefined;
  }
  return typeof payload === 'object' && payload !== null ? payloadBreach(payload, limits) : undefined;
}

function payloadBreach(payload: RequestPayload, limits: Limits): Breach | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const variables = countVariables(payload.variables, limits.maxVariables + 1);
  if (variables > limits.maxVariables) return variablesBreach(variables, limits.maxVariables);
  const { query } = payload;
  // Every token is a character at least: a text no longer than the limit is not lexed.
  if (typeof query === 'string' && query.length > limits.maxTokens) {
    const tokens = countTokens(query, limits.maxTokens + 1);
    if (tokens > limits.maxTokens) return tokensBreach(tokens, limits.maxTokens);
  }
  return undefined;
}

/** Top-level entries of `variables`, counting no further than `stopAt` (a GET sends them as JSON text). */
function countVariables(variables: unknown, stopAt: number): number {
  let object = variables;
  if (typeof variables === 'string') {
    try {
      object = JSON.parse(variables);
    } catch {
      return 0; // Apollo Server answers a bad `variables` itself.
    }
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return 0;
  let count = 0;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    if (++count >= stopAt) break;
  }
  return count;
}

function operationNameOf(request: FastifyRequest): string | undefined {
  const payload = (request.method === 'GET' ? request.query : request.body) as RequestPayload | undefined;
  const name = Array.isArray(payload) ? undefined : payload?.operationName;
  return typeof name === 'string' ? name : undefined;
}
