import { Supergraph } from '@apollo/federation-internals';
import { ChangeType, CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';
import { extractConnectors } from '../connectors/supergraph.js';
import type { ChangeCriticality, SchemaChangeReport } from './types.js';

/** API schemas built lately, by supergraph hash: every publish diffs against the stage's head. */
const CACHE_SIZE = 16;

/**
 * The API schema clients of a supergraph see (no join or federation machinery), built the way the
 * gateway loads it: connectors taken out first. Security features (`@authenticated`, …) are not
 * API schema, so no feature is refused here; the gateway checks those when it loads the supergraph.
 */
export class ApiSchemas {
  private readonly cache = new Map<string, GraphQLSchema>();

  of(supergraphSdl: string, hash: string): GraphQLSchema {
    const cached = this.cache.get(hash);
    if (cached !== undefined) {
      this.cache.delete(hash);
      this.cache.set(hash, cached);
      return cached;
    }
    const schema = Supergraph.build(extractConnectors(supergraphSdl).servableSdl, { supportedFeatures: null })
      .apiSchema()
      .toGraphQLJSSchema();
    this.cache.set(hash, schema);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    return schema;
  }
}

const CRITICALITY: Record<CriticalityLevel, ChangeCriticality> = {
  [CriticalityLevel.Breaking]: 'BREAKING',
  [CriticalityLevel.Dangerous]: 'DANGEROUS',
  [CriticalityLevel.NonBreaking]: 'NON_BREAKING',
};

const ORDER: Record<ChangeCriticality, number> = { BREAKING: 0, DANGEROUS: 1, NON_BREAKING: 2 };

/** One change, with the coordinates whose use it would break. */
export interface SchemaChange {
  report: SchemaChangeReport;
  /**
   * Coordinates to look up in usage (`Type.*`: any of the type's); undefined when the change has
   * no coordinate to weigh (a root type changed).
   */
  usedBy: string[] | undefined;
}

/** Changes from one API schema to the next, breaking first; `path` is the schema coordinate. */
export async function diffApiSchemas(before: GraphQLSchema, after: GraphQLSchema): Promise<SchemaChange[]> {
  const changes = await diff(before, after);
  return changes
    .map((change) => ({
      report: {
        type: String(change.type),
        criticality: CRITICALITY[change.criticality.level],
        message: change.message,
        ...(change.path === undefined ? {} : { path: change.path }),
      },
      usedBy: usageCoordinates(change),
    }))
    .sort(
      ({ report: a }, { report: b }) =>
        ORDER[a.criticality] - ORDER[b.criticality] ||
        (a.path ?? '').localeCompare(b.path ?? '') ||
        a.message.localeCompare(b.message),
    );
}

/**
 * What an operation must read to be broken by the change: the coordinate itself; for an argument
 * also its field (a new required argument breaks every use of the field); for a type, or a new
 * input field, any coordinate of the type; for a union member or a lost interface, the member type.
 */
function usageCoordinates(change: Change): string[] | undefined {
  const meta = change.meta as Record<string, unknown>;
  if (change.type === ChangeType.UnionMemberRemoved && typeof meta.removedUnionMemberTypeName === 'string') {
    return [`${meta.removedUnionMemberTypeName}.*`];
  }
  if (change.path === undefined) return undefined;
  const [type, field, argument] = change.path.split('.');
  if (type === undefined || type === '') return undefined;
  if (field === undefined) return [`${type}.*`];
  // A new required input field breaks every operation that writes the input type.
  if (change.type === ChangeType.InputFieldAdded) return [change.path, `${type}.*`];
  if (argument !== undefined) return [change.path, `${type}.${field}`];
  return [change.path];
}
