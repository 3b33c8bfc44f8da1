import type { HeaderMap } from '@apollo/server';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { Logger } from 'pino';
import { LruCache } from '../execution/lru-cache.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import { USAGE_LIMITS, type UsageRecord } from '../store/registry.js';
import { UsageBatch, type UsageSighting } from './usage-batch.js';
import { schemaCoordinates } from './usage-coordinates.js';
import { operationSignature } from './usage-signature.js';

export interface UsageReportingOptions {
  /** The registry stage the operations ran against. */
  stage: string;
  /** Share of operations reported, 0 to 1; the others cost nothing. */
  sampleRate: number;
  /** How often the counts are sent. */
  flushIntervalMs: number;
  /**
   * Where the batches go: the embedded registry, or the registry's HTTP API. Called with at most
   * `USAGE_LIMITS.recordsPerCall` records, one call at a time.
   */
  send: (records: UsageRecord[]) => Promise<void>;
  logger: Logger;
  /** The most (operation, client, version) keys counted between flushes. */
  maxKeys?: number;
  /** Bytes of the cache of operations' signatures and coordinates. */
  cacheBytes?: number;
  /** How long stopping waits for the last batch to be sent. */
  finalFlushTimeoutMs?: number;
}

export const USAGE_DEFAULTS = { maxKeys: 5_000, cacheBytes: 8 * 1024 * 1024, finalFlushTimeoutMs: 5_000 };

/** Longest client name or version kept; longer ones are cut. */
export const MAX_CLIENT_FIELD_LENGTH = 128;

/** What is worked out once per (document, operation) and schema. */
interface Analysis {
  schema: GraphQLSchema;
  operationHash: string;
  operationName: string;
  coordinates: readonly string[];
}

/**
 * Reports which operations the gateway runs, for usage-aware registry checks: for a sample of the
 * operations that execute, the signature hash, the operation name, the client's name and version,
 * and the schema coordinates it reads, counted in memory and sent in batches every
 * `flushIntervalMs` and when the gateway stops. Operations refused before execution (invalid,
 * unknown operation name, refused by a plugin) are not counted. Reporting never affects a request:
 * a failed send is logged and the batch dropped.
 */
export function useUsageReporting(options: UsageReportingOptions): GatewayPlugin {
  const { stage, sampleRate, flushIntervalMs, send, logger } = options;
  const maxKeys = options.maxKeys ?? USAGE_DEFAULTS.maxKeys;
  const cacheBytes = options.cacheBytes ?? USAGE_DEFAULTS.cacheBytes;
  const finalFlushTimeoutMs = options.finalFlushTimeoutMs ?? USAGE_DEFAULTS.finalFlushTimeoutMs;
  const analyses = new LruCache<string, Analysis>({ maxBytes: cacheBytes, maxEntryBytes: cacheBytes / 8 });
  const batch = new UsageBatch(stage, maxKeys);
  let sending: Promise<void> | undefined;
  let lastWarning = -Infinity;

  const analyse = (
    schema: GraphQLSchema,
    queryHash: string,
    document: DocumentNode,
    operation: OperationDefinitionNode,
  ): Analysis => {
    const operationName = operation.name?.value ?? '';
    // Apollo's SHA-256 of the document text stands for the text, so the cache never holds a copy of
    // a large document; a name is a GraphQL Name (no newline), so the key is unambiguous.
    const key = `${queryHash}\n${operationName}`;
    const cached = analyses.get(key);
    if (cached?.schema === schema) return cached;
    // Within what the store takes (USAGE_LIMITS); only a pathological operation is cut.
    const coordinates = schemaCoordinates(schema, document, operation)
      .filter((coordinate) => coordinate.length <= USAGE_LIMITS.stringLength)
      .slice(0, USAGE_LIMITS.coordinatesPerOperation);
    const analysis: Analysis = {
      schema,
      operationHash: operationSignature(document, operation).hash,
      operationName: (operationName || '(anonymous)').slice(0, USAGE_LIMITS.stringLength),
      coordinates,
    };
    analyses.set(key, analysis, estimateBytes(key, analysis));
    return analysis;
  };

  const warnAtMostOncePerInterval = (fields: Record<string, unknown>, message: string) => {
    const now = Date.now();
    if (now - lastWarning < flushIntervalMs) return logger.debug(fields, message);
    lastWarning = now;
    logger.warn(fields, message);
  };

  /** Sends what was counted; one send at a time, the next flush takes what came in meanwhile. */
  const flush = (): Promise<void> => {
    if (sending !== undefined) return sending;
    const { records, dropped } = batch.take();
    if (dropped > 0) {
      logger.warn(
        { dropped, maxKeys },
        'usage reporting: more distinct operations and clients than a batch holds; some were not counted',
      );
    }
    if (records.length === 0) return Promise.resolve();
    const delivery = deliver(records);
    sending = delivery;
    // Cleared only once it settles: a `send` that throws at once still counts as one attempt.
    void delivery.finally(() => {
      if (sending === delivery) sending = undefined;
    });
    return delivery;
  };

  /** Never rejects: a failure is logged and the batch dropped. */
  const deliver = async (records: UsageRecord[]): Promise<void> => {
    try {
      // The store takes at most USAGE_LIMITS.recordsPerCall records at once.
      for (let start = 0; start < records.length; start += USAGE_LIMITS.recordsPerCall)
        await send(records.slice(start, start + USAGE_LIMITS.recordsPerCall));
    } catch (error) {
      warnAtMostOncePerInterval(
        { err: error, records: records.length },
        'usage reporting: could not send a batch; it is dropped',
      );
    }
  };

  const timer = setInterval(() => void flush(), flushIntervalMs);
  timer.unref();

  return {
    name: 'usage-reporting',
    operation: {
      async requestDidStart({ request }) {
        // Unsampled requests get no listener at all.
        if (!(Math.random() < sampleRate)) return;
        let sighting: UsageSighting | undefined;
        return {
          async didResolveOperation({ schema, queryHash, document, operation }) {
            if (!operation) return;
            try {
              const analysis = analyse(schema, queryHash, document, operation);
              const headers = request.http?.headers;
              sighting = {
                operationHash: analysis.operationHash,
                operationName: analysis.operationName,
                coordinates: analysis.coordinates,
                clientName: clientHeader(headers, 'name'),
                clientVersion: clientHeader(headers, 'version'),
              };
            } catch (error) {
              // A document that passed validation should not fail here; if one does, it goes unreported.
              logger.debug({ err: error }, 'usage reporting: could not analyse an operation');
            }
          },
          async willSendResponse({ response }) {
            // No data means the operation never ran (e.g. refused by a plugin, bad variables).
            if (sighting === undefined) return;
            if (response.body.kind === 'single' && response.body.singleResult.data === undefined) return;
            batch.add(sighting);
          },
        };
      },
    },
    supergraphChanged() {
      // Coordinates are worked out against one API schema; a new one starts the cache again.
      analyses.clear();
    },
    async dispose() {
      clearInterval(timer);
      let timeout: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timeout = setTimeout(() => resolve('timeout'), finalFlushTimeoutMs);
      });
      const finalFlush = (async () => {
        await sending;
        await flush();
      })();
      const outcome = await Promise.race([finalFlush.then(() => 'sent' as const), timedOut]);
      clearTimeout(timeout);
      if (outcome === 'timeout')
        logger.warn({ finalFlushTimeoutMs }, 'usage reporting: the last batch was not sent in time; dropped');
    },
  };
}

/** The client's name or version, from Apollo's headers or the vendor-neutral ones. */
export function clientHeader(headers: HeaderMap | undefined, part: 'name' | 'version'): string {
  const value = headers?.get(`apollographql-client-${part}`) || headers?.get(`graphql-client-${part}`);
  const trimmed = value?.trim().slice(0, MAX_CLIENT_FIELD_LENGTH);
  return trimmed ? trimmed : 'unknown';
}

function estimateBytes(key: string, analysis: Analysis): number {
  const coordinates = analysis.coordinates.reduce((sum, coordinate) => sum + 2 * coordinate.length + 32, 0);
  return 2 * key.length + 2 * analysis.operationName.length + 2 * 64 + coordinates + 256;
}
