import type { TrustedDocument } from './source.js';

/**
 * Reads a trusted-documents manifest in either format clients' build tools write:
 * - Apollo's persisted-query manifest (`@apollo/generate-persisted-query-manifest`):
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "name", "type", "body" }] }`;
 * - Relay's (`relay-compiler` with `persistConfig`): `{ "<id>": "<operation text>" }`.
 *
 * Throws an Error whose message says what is wrong and where (`operations[2].body: …`); the caller
 * adds the file. An id listed twice with two different texts is an error: which one a client meant
 * cannot be known.
 */
export function parseManifest(text: string): TrustedDocument[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(json)) throw new Error('expected a JSON object (an Apollo or a Relay manifest)');
  return 'format' in json || 'operations' in json ? parseApollo(json) : parseRelay(json);
}

const APOLLO_FORMAT = 'apollo-persisted-query-manifest';
const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);

function parseApollo(manifest: Record<string, unknown>): TrustedDocument[] {
  if (manifest.format !== APOLLO_FORMAT)
    throw new Error(`format: expected "${APOLLO_FORMAT}", got ${JSON.stringify(manifest.format)}`);
  if (manifest.version !== 1)
    throw new Error(
      `version: expected 1 (the only version of Apollo's format), got ${JSON.stringify(manifest.version)}`,
    );
  const operations = manifest.operations;
  if (!Array.isArray(operations)) throw new Error('operations: expected an array');
  const documents = new Documents();
  operations.forEach((operation: unknown, index) => {
    const at = `operations[${index}]`;
    if (!isRecord(operation)) throw new Error(`${at}: expected an object with id, name, type and body`);
    const id = nonEmptyString(operation.id, `${at}.id`);
    const body = nonEmptyString(operation.body, `${at}.body`);
    if (operation.name !== undefined && typeof operation.name !== 'string')
      throw new Error(`${at}.name: expected a string`);
    if (operation.type !== undefined && !OPERATION_TYPES.has(operation.type as string))
      throw new Error(
        `${at}.type: expected query, mutation or subscription, got ${JSON.stringify(operation.type)}`,
      );
    documents.add(id, body, at);
  });
  return documents.list;
}

function parseRelay(manifest: Record<string, unknown>): TrustedDocument[] {
  const documents = new Documents();
  for (const [id, body] of Object.entries(manifest)) {
    const at = JSON.stringify(id);
    if (id.length === 0) throw new Error('an id is empty');
    documents.add(id, nonEmptyString(body, `${at} (a Relay manifest maps ids to operation text)`), at);
  }
  return documents.list;
}

class Documents {
  readonly list: TrustedDocument[] = [];
  private readonly bodies = new Map<string, string>();

  add(id: string, body: string, at: string): void {
    const earlier = this.bodies.get(id);
    if (earlier === body) return;
    if (earlier !== undefined)
      throw new Error(`${at}: id ${JSON.stringify(id)} is listed twice with different operations`);
    this.bodies.set(id, body);
    this.list.push({ id, body });
  }
}

function nonEmptyString(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.trim().length === 0)
    throw new Error(`${at}: expected a non-empty string`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
