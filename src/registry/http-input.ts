import { z } from 'zod';
import { formatPath } from '../config/load.js';
import { STAGE_NAME } from '../config/supergraph-schema.js';
import type { UsageRecord } from '../store/registry.js';
import { RegistryError, type PublishRequest } from './types.js';

/**
 * What the registry's HTTP API accepts: bodies, path parameters and query strings, each bounded.
 * A refusal is an `INVALID_INPUT` naming every field that is wrong and what was expected.
 */

/** The longest list of usage records one report may carry (a gateway sends batches). */
export const MAX_USAGE_RECORDS = 10_000;
/** The longest long-poll a client may ask for. */
export const MAX_WAIT_MS = 30_000;

const stageName = z.string().max(64).regex(STAGE_NAME, 'expected a stage name such as dev, test or prod');
export const subgraphName = z
  .string()
  .min(1, 'expected a subgraph name')
  .max(100, 'expected a name of at most 100 characters')
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a name of letters, digits, "_" and "-"');
const versionId = z.coerce
  .number({ error: 'expected a version id' })
  .int('expected a version id (a positive integer)')
  .min(1, 'expected a version id (a positive integer)')
  .max(Number.MAX_SAFE_INTEGER);
const flag = z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true');
const text = (max: number) => z.string().max(max, `expected at most ${max} characters`);

const publishBody = z.strictObject({
  name: subgraphName,
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2048),
  sdl: z.string({ error: 'expected the subgraph SDL as a string' }).min(1, 'expected an SDL, got nothing'),
  type: z.enum(['graphql', 'rest'], { error: 'expected "graphql" or "rest"' }).optional(),
  owner: text(200).min(1).optional(),
  origin: text(1024).min(1).optional(),
  allowBreaking: z.boolean({ error: 'expected true or false' }).optional(),
});

const usageRecord = z.strictObject({
  stage: stageName.optional(),
  operationHash: text(128).min(1, 'expected the operation hash'),
  operationName: text(256),
  clientName: text(256),
  clientVersion: text(128),
  coordinates: z.array(text(512)).max(5_000, 'expected at most 5000 coordinates'),
  count: z.number().int('expected an integer').min(1).max(1_000_000_000),
  seenAt: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }),
});

const schemas = {
  stageParams: z.object({ stage: stageName }),
  subgraphParams: z.object({ stage: stageName, name: subgraphName }),
  versionParams: z.object({ id: versionId }),
  removeQuery: z.object({ allowBreaking: flag.optional() }),
  historyQuery: z.object({
    limit: z.coerce.number().int('expected an integer').min(1).max(1000).optional(),
  }),
  diffQuery: z.object({ from: versionId, to: versionId }),
  supergraphQuery: z.object({
    wait: z.coerce
      .number()
      .int('expected milliseconds, an integer')
      .min(0)
      .max(MAX_WAIT_MS, `expected at most ${MAX_WAIT_MS} ms`)
      .optional(),
  }),
  publishBody,
  rollbackBody: z.strictObject({ to: versionId }),
  promoteBody: z.strictObject({ from: stageName }),
  safelistBody: z.strictObject({
    manifest: z.record(z.string(), z.unknown(), {
      error: "expected the manifest as a JSON object (Apollo's persisted-query manifest or Relay's map)",
    }),
    clientName: text(256).min(1, 'expected a client name').optional(),
    clientVersion: text(256).min(1, 'expected a client version').optional(),
  }),
  usageBody: z.strictObject({
    records: z.array(usageRecord).max(MAX_USAGE_RECORDS, `expected at most ${MAX_USAGE_RECORDS} records`),
  }),
};

type Schemas = typeof schemas;

/**
 * Validates one part of a request. `where` prefixes the field paths (`body`, `query`, `path`), so a
 * message reads `body.url: expected an http(s) URL`.
 */
export function parseInput<K extends keyof Schemas>(
  kind: K,
  where: 'body' | 'query' | 'path',
  value: unknown,
): z.output<Schemas[K]> {
  if (where === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new RegistryError('INVALID_INPUT', 'body: expected a JSON object');
  }
  const result = schemas[kind].safeParse(value ?? {});
  if (result.success) return result.data as z.output<Schemas[K]>;
  const problems = result.error.issues.slice(0, 10).map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) => `${where}.${formatPath([...issue.path, key])}: unknown field`)
        .join('; ');
    }
    const path = issue.path.length === 0 ? where : `${where}.${formatPath(issue.path)}`;
    return `${path}: ${issue.message}`;
  });
  throw new RegistryError('INVALID_INPUT', problems.join('; '));
}

/** The publish (or check) request of a stage, without the options left unset. */
export function publishRequest(stage: string, body: z.output<typeof publishBody>): PublishRequest {
  return {
    stage,
    name: body.name,
    url: body.url,
    sdl: body.sdl,
    ...(body.type === undefined ? {} : { type: body.type }),
    ...(body.owner === undefined ? {} : { owner: body.owner }),
    ...(body.origin === undefined ? {} : { origin: body.origin }),
    ...(body.allowBreaking === undefined ? {} : { allowBreaking: body.allowBreaking }),
  };
}

/** Usage records of a stage; a record naming another stage is refused rather than misfiled. */
export function usageRecords(stage: string, body: z.output<Schemas['usageBody']>): UsageRecord[] {
  return body.records.map((record, index) => {
    if (record.stage !== undefined && record.stage !== stage) {
      throw new RegistryError(
        'INVALID_INPUT',
        `body.records[${index}].stage: "${record.stage}" is not the stage in the path ("${stage}")`,
      );
    }
    return {
      stage,
      operationHash: record.operationHash,
      operationName: record.operationName,
      clientName: record.clientName,
      clientVersion: record.clientVersion,
      coordinates: record.coordinates,
      count: record.count,
      seenAt: new Date(record.seenAt),
    };
  });
}
