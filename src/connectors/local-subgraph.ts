import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import {
  execute,
  Kind,
  parse,
  type DocumentNode,
  type FormattedExecutionResult,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import { documentBytes } from '../execution/plan/document-store.js';
import { LruCache } from '../execution/lru-cache.js';
import { buildRequest } from './build-request.js';
import type { CompiledConnector } from './compile.js';
import type { ConnectorHttpClient, ConnectorResponse, RequestLabel } from './http-client.js';
import { applySelection, type Variables } from './language/index.js';
import type { ConnectorRequestState } from './request-state.js';
import { namedType, topLevelFields } from './validate/schema-model.js';

export interface LocalSubgraphOptions {
  name: string;
  subgraphSdl: string;
  connectors: readonly CompiledConnector[];
  http: ConnectorHttpClient;
  /** `$config`. */
  config: Readonly<Record<string, unknown>>;
  debug: boolean;
  /** Selection and template problems (a value missing from a response, say), for the debug log. */
  onProblems?: (connector: string, problems: readonly { message: string }[]) => void;
}

type Entity = Record<string, unknown>;
/** @apollo/subgraph does not export its resolver map type. */
type SchemaModule = Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>;

/*
 * Parsed operations, by text: the gateway's fetches, which follow the client's operations. The cache
 * is bounded by their estimated bytes (execution/plan/document-store.ts); a larger one is parsed for every request.
 */
const DOCUMENT_CACHE_BYTES = 8 * 1024 * 1024;
const MAX_CACHED_DOCUMENT_BYTES = 1024 * 1024;

/**
 * A connector subgraph run in process: its schema, with resolvers that call REST services as the
 * connectors say. The gateway plans it like any other subgraph and sends it the same operations.
 */
export class ConnectorSubgraph {
  readonly schema: GraphQLSchema;
  private readonly documents = new LruCache<string, DocumentNode>({
    maxBytes: DOCUMENT_CACHE_BYTES,
    maxEntryBytes: MAX_CACHED_DOCUMENT_BYTES,
  });
  private readonly connectors: readonly CompiledConnector[];
  private readonly typeDefs: DocumentNode;

  constructor(private readonly options: LocalSubgraphOptions) {
    this.typeDefs = parse(options.subgraphSdl);
    // `$batch { a b }` names no field by a path: such a connector batches by its type's @key.
    this.connectors = options.connectors.map((connector) =>
      connector.batchFields?.length === 0 && connector.coordinate.fieldName === undefined
        ? { ...connector, batchFields: this.keyFieldNames(connector.coordinate.typeName) }
        : connector,
    );
    const module = { typeDefs: this.typeDefs, resolvers: this.resolvers() } as SchemaModule;
    this.schema = buildSubgraphSchema(module);
  }

  async execute(
    query: string,
    variables: Readonly<Record<string, unknown>> | undefined,
    operationName: string | undefined,
    state: ConnectorRequestState,
    /** The headers the gateway's header rules give this call (claims, the verified token). */
    forwarded: Readonly<Record<string, string>>,
  ): Promise<FormattedExecutionResult> {
    let document: DocumentNode;
    try {
      document = this.document(query);
    } catch (error) {
      return { errors: [{ message: (error as Error).message }] };
    }
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: variables,
      operationName,
      // Batches and de-duplication stay shared per client request; the headers are this call's.
      contextValue: { ...state, forwarded },
    });
    return {
      ...(result.data === undefined ? {} : { data: result.data }),
      ...(result.errors ? { errors: result.errors.map((error) => error.toJSON()) } : {}),
    };
  }

  private document(query: string): DocumentNode {
    let document = this.documents.get(query);
    if (!document) {
      document = parse(query);
      this.documents.set(query, document, query.length + documentBytes(document));
    }
    return document;
  }

  private resolvers(): Record<string, Record<string, unknown>> {
    const resolvers: Record<string, Record<string, unknown>> = {};
    const forType = (typeName: string) => (resolvers[typeName] ??= {});
    const entityConnectors = new Map<string, CompiledConnector[]>();
    for (const connector of this.connectors) {
      const { typeName, fieldName } = connector.coordinate;
      if (fieldName === undefined) {
        entityConnectors.set(typeName, [...(entityConnectors.get(typeName) ?? []), connector]);
      } else {
        forType(typeName)[fieldName] = (
          parent: Entity | undefined,
          args: Entity,
          state: ConnectorRequestState,
        ) => this.resolveField(connector, parent, args, state);
      }
    }
    // `entity: true` on a root field resolves the type by its key when no connector on the type does.
    for (const connector of this.connectors) {
      if (!connector.entity || connector.coordinate.fieldName === undefined) continue;
      const returned = this.returnTypeName(connector);
      if (returned && !entityConnectors.has(returned)) entityConnectors.set(returned, [connector]);
    }
    // Like Apollo Router, which gives each connector a subgraph of its own: an entity connector is
    // called only for the fields that need it, whether the object came from the gateway (a
    // representation) or from another connector whose selection left those fields out.
    for (const [typeName, connectors] of entityConnectors) {
      const typeResolvers = forType(typeName);
      typeResolvers.__resolveReference = (reference: Entity) => reference;
      for (const field of this.fieldNames(typeName)) {
        if (typeResolvers[field] !== undefined) continue;
        typeResolvers[field] = (parent: Entity, _args: unknown, state: ConnectorRequestState) =>
          this.entityField(connectors, parent, field, state);
      }
    }
    return resolvers;
  }

  private objectType(typeName: string): ObjectTypeDefinitionNode | undefined {
    return this.typeDefs.definitions.find(
      (definition): definition is ObjectTypeDefinitionNode =>
        definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === typeName,
    );
  }

  /** The top-level fields of the type's first `@key`. */
  private keyFieldNames(typeName: string): string[] {
    const key = this.objectType(typeName)?.directives?.find((directive) => directive.name.value === 'key');
    const fields = key?.arguments?.find((argument) => argument.name.value === 'fields')?.value;
    return fields?.kind === Kind.STRING ? topLevelFields(fields.value) : [];
  }

  private fieldNames(typeName: string): string[] {
    return (this.objectType(typeName)?.fields ?? []).map((field) => field.name.value);
  }

  /** A field of an entity: from the object when it has it, else from the entity connector. */
  private async entityField(
    connectors: readonly CompiledConnector[],
    parent: Entity,
    field: string,
    state: ConnectorRequestState,
  ): Promise<unknown> {
    if (Object.prototype.hasOwnProperty.call(parent, field)) return parent[field];
    const connector = connectors.find((candidate) =>
      keyFields(candidate).every((key) => parent[key] !== undefined),
    );
    if (!connector) return null;
    const entity = await this.resolveEntity([connector], parent, state);
    return entity?.[field] ?? null;
  }

  private returnTypeName({ coordinate }: CompiledConnector): string | undefined {
    const field = this.objectType(coordinate.typeName)?.fields?.find(
      (candidate) => candidate.name.value === coordinate.fieldName,
    );
    return field ? namedType(field.type) : undefined;
  }

  private async resolveEntity(
    connectors: readonly CompiledConnector[],
    reference: Entity,
    state: ConnectorRequestState,
  ): Promise<Entity | null> {
    const connector =
      connectors.find((candidate) => keyFields(candidate).every((field) => reference[field] !== undefined)) ??
      connectors[0];
    if (!connector) return reference;
    if (connector.coordinate.fieldName !== undefined) {
      // A root field with `entity: true`: its arguments are the key.
      const args = Object.fromEntries(connector.argNames.map((name) => [name, reference[name]]));
      const found = await this.resolveField(connector, undefined, args, state);
      return isEntity(found) ? { ...reference, ...found } : null;
    }
    if (connector.batchFields) return (await this.loader(connector, state).load(reference)) as Entity | null;
    const found = await this.resolveField(connector, reference, {}, state);
    return isEntity(found) ? { ...reference, ...found } : null;
  }

  private async resolveField(
    connector: CompiledConnector,
    parent: Entity | undefined,
    args: Entity,
    state: ConnectorRequestState,
  ): Promise<unknown> {
    const variables = this.variables(state, { $args: args, ...(parent ? { $this: parent } : {}) });
    const response = await this.send(connector, variables, state);
    return this.mapResponse(connector, response, variables) ?? null;
  }

  private loader(connector: CompiledConnector, state: ConnectorRequestState) {
    let loader = state.loaders.get(connector);
    if (!loader) {
      const fields = connector.batchFields ?? [];
      // An ID key is a string in the representation but often a number in the REST response.
      const keyOf = (entity: Entity) =>
        JSON.stringify(
          fields.map((field) => (typeof entity[field] === 'number' ? String(entity[field]) : entity[field])),
        );
      loader = new DataLoader<Entity, unknown, string>(
        async (references) => {
          const batch = references.map((reference) =>
            Object.fromEntries(fields.map((f) => [f, reference[f]])),
          );
          const variables = this.variables(state, { $batch: batch });
          const response = await this.send(connector, variables, state);
          const mapped = this.mapResponse(connector, response, variables);
          const items = (Array.isArray(mapped) ? mapped : mapped == null ? [] : [mapped]).filter(isEntity);
          const byKey = new Map(items.map((item) => [keyOf(item), item]));
          return references.map((reference) => {
            const item = byKey.get(keyOf(reference));
            return item ? { ...reference, ...item } : null;
          });
        },
        { cacheKeyFn: keyOf, ...(connector.batchMaxSize ? { maxBatchSize: connector.batchMaxSize } : {}) },
      );
      state.loaders.set(connector, loader);
    }
    return loader;
  }

  private variables(state: ConnectorRequestState, own: Variables): Variables {
    return {
      ...own,
      $config: this.options.config,
      $context: state.context,
      $request: state.request,
    };
  }

  /** Sends the connector's request; an identical request already sent for this client request is reused. */
  private send(
    connector: CompiledConnector,
    variables: Variables,
    state: ConnectorRequestState,
  ): Promise<ConnectorResponse> {
    const { request, problems } = buildRequest(connector, variables, state.headers, state.forwarded);
    if (problems.length > 0) this.options.onProblems?.(connector.id, problems);
    const label: RequestLabel = {
      connector: connector.id,
      subgraph: this.options.name,
      timeoutMs: connector.timeoutMs,
      maxResponseBytes: connector.maxResponseBytes,
      debug: this.options.debug,
      client: state.client,
    };
    // Two identical mutations are two changes: only reads are shared.
    if (connector.coordinate.typeName === this.schema.getMutationType()?.name) {
      return this.options.http.send(request, label);
    }
    const key = `${request.method} ${request.url}\n${JSON.stringify(request.headers)}\n${request.body ?? ''}`;
    let response = state.inflight.get(key);
    if (!response) {
      response = this.options.http.send(request, label);
      state.inflight.set(key, response);
    }
    return response;
  }

  private mapResponse(
    connector: CompiledConnector,
    response: ConnectorResponse,
    variables: Variables,
  ): unknown {
    const result = applySelection(connector.selection, response.json, {
      ...variables,
      $status: response.status,
    });
    if (result.errors.length > 0) this.options.onProblems?.(connector.id, result.errors);
    return result.value;
  }
}

function keyFields(connector: CompiledConnector): string[] {
  if (connector.coordinate.fieldName !== undefined) return connector.argNames;
  return connector.batchFields ?? connector.thisFields;
}

function isEntity(value: unknown): value is Entity {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
