import { buildSubgraphSchema } from '@apollo/subgraph';
import type * as GraphQL from 'graphql';
import type {
  DocumentNode,
  ExecutionResult,
  GraphQLError as GraphQLErrorType,
  GraphQLFieldResolver,
  GraphQLSchema,
} from 'graphql';
import { createRequire } from 'node:module';
import type { BenchSubgraphDefinition } from './definition.js';

// graphql as @apollo/subgraph (CommonJS) loads it. Under Node an ESM `import 'graphql'` resolves to the
// same file, but Vite (vitest) resolves it to index.mjs, a second copy whose instanceof checks reject the
// schema @apollo/subgraph builds.
const requireCjs = createRequire(import.meta.url);
const { execute, GraphQLError, isObjectType, isUnionType, parse, validate } = requireCjs(
  'graphql',
) as typeof GraphQL;

type ReferenceResolver = (reference: Record<string, unknown>, context: unknown, info: unknown) => unknown;

interface SubgraphExtensions {
  apollo?: { subgraph?: { resolveReference?: ReferenceResolver } };
}

/**
 * `buildSubgraphSchema`, with a synchronous `_entities` resolver. The stock one wraps every entity in an
 * async function, so a 100-entity fetch costs 100 promises and the whole execution goes async; ours keeps
 * execution synchronous when the resolvers are.
 */
export function buildBenchSubgraphSchema(definition: BenchSubgraphDefinition): GraphQLSchema {
  const schema = buildSubgraphSchema({ typeDefs: definition.typeDefs, resolvers: definition.resolvers });
  const entitiesField = schema.getQueryType()?.getFields()['_entities'];
  const entityUnion = schema.getType('_Entity');
  if (!entitiesField || !isUnionType(entityUnion)) return schema;

  // null: an entity type without __resolveReference (the representation is the entity).
  const referenceResolvers = new Map<string, ReferenceResolver | null>();
  for (const type of entityUnion.getTypes()) {
    const extensions = type.extensions as SubgraphExtensions;
    referenceResolvers.set(type.name, extensions.apollo?.subgraph?.resolveReference ?? null);
  }
  const entityTypes = new WeakMap<object, string>();

  const resolveEntities: GraphQLFieldResolver<unknown, unknown, { representations: unknown[] }> = (
    _source,
    { representations },
    context,
    info,
  ) =>
    representations.map((representation) => {
      const reference = representation as Record<string, unknown>;
      const typename = reference['__typename'];
      const resolveReference = typeof typename === 'string' ? referenceResolvers.get(typename) : undefined;
      if (resolveReference === undefined) {
        const type = typeof typename === 'string' ? info.schema.getType(typename) : undefined;
        throw new GraphQLError(
          isObjectType(type)
            ? `Type "${String(typename)}" is not an entity of this subgraph`
            : `The _entities resolver tried to load an entity for type "${String(typename)}", but no object type of that name was found in the schema`,
        );
      }
      const entity = resolveReference ? resolveReference(reference, context, info) : reference;
      if (entity !== null && typeof entity === 'object') entityTypes.set(entity, typename as string);
      return entity ?? null;
    });

  entitiesField.resolve = resolveEntities as GraphQLFieldResolver<unknown, unknown>;
  entityUnion.resolveType = (value: unknown) =>
    (value !== null && typeof value === 'object' ? entityTypes.get(value) : undefined) ??
    (value as { __typename?: string }).__typename;
  return schema;
}

export interface GraphQLResponse {
  status: number;
  /** The JSON body. */
  body: string;
}

const MAX_CACHED_DOCUMENTS = 1000;

/**
 * Runs GraphQL-over-HTTP request bodies against a schema. Parsed and validated documents are cached by query
 * text, so a repeated query costs one Map lookup plus execution.
 */
export function createExecutor(
  schema: GraphQLSchema,
): (requestBody: unknown) => GraphQLResponse | Promise<GraphQLResponse> {
  const documents = new Map<string, DocumentNode | readonly GraphQLErrorType[]>();

  function documentFor(query: string): DocumentNode | readonly GraphQLErrorType[] {
    let cached = documents.get(query);
    if (cached === undefined) {
      try {
        const document = parse(query);
        const errors = validate(schema, document);
        cached = errors.length > 0 ? errors : document;
      } catch (error) {
        cached = [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
      }
      if (documents.size >= MAX_CACHED_DOCUMENTS) documents.clear();
      documents.set(query, cached);
    }
    return cached;
  }

  return (requestBody) => {
    const request = (requestBody ?? {}) as {
      query?: unknown;
      variables?: unknown;
      operationName?: unknown;
    };
    if (typeof request.query !== 'string') {
      return errorResponse(400, [new GraphQLError('The request body must have a string "query"')]);
    }
    const document = documentFor(request.query);
    if (!('kind' in document)) return errorResponse(400, document);
    const result = execute({
      schema,
      document,
      variableValues: isRecord(request.variables) ? request.variables : null,
      operationName: typeof request.operationName === 'string' ? request.operationName : null,
      contextValue: {},
    });
    // Every benchmark resolver is synchronous, so this is the synchronous path in practice.
    if (isPromiseLike(result)) return Promise.resolve(result).then(successResponse);
    return successResponse(result);
  };
}

function successResponse(result: ExecutionResult): GraphQLResponse {
  const formatted: Record<string, unknown> = {};
  if (result.errors) formatted['errors'] = result.errors.map((error) => error.toJSON());
  if ('data' in result) formatted['data'] = result.data;
  return { status: 200, body: JSON.stringify(formatted) };
}

function errorResponse(status: number, errors: readonly GraphQLErrorType[]): GraphQLResponse {
  return { status, body: JSON.stringify({ errors: errors.map((error) => error.toJSON()) }) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'
  );
}
