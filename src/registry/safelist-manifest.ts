import { parse } from 'graphql';
import { SAFELIST_LIMITS } from '../store/safelist.js';

/**
 * Reads a trusted-documents manifest in either format clients' build tools write:
 * - Apollo's persisted-query manifest (`@apollo/generate-persisted-query-manifest`):
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "body", … }] }`;
 * - Relay's persisted queries (`relay-compiler` with `persistConfig`): `{ "<id>": "<operation text>" }`.
 * Every problem is reported with where it is (`operations[3].body`, `"<id>"`) and what was expected;
 * the CLI (naming the file) and the registry API (naming the body) share it.
 */

export type ManifestFormat = 'apollo' | 'relay';

export interface ManifestDocument {
  id: string;
  body: string;
}

export interface Manifest {
  format: ManifestFormat;
  /** In the manifest's order; an id listed twice with the same text is kept once. */
  documents: ManifestDocument[];
}

export const APOLLO_MANIFEST_FORMAT = 'apollo-persisted-query-manifest';
/** Tokens per operation: parsing is linear in them, and the gateway's own limits are far lower. */
const MAX_TOKENS = 50_000;

/** A manifest that cannot be read; `problems` name each entry that is wrong (the first 10). */
export class ManifestError extends Error {
  constructor(
    readonly problems: readonly string[],
    /** The manifest lists more operations than one push may carry. */
    readonly tooLarge = false,
  ) {
    super(problems.join('; '));
    this.name = 'ManifestError';
  }
}

const EXPECTED =
  'expected Apollo\'s persisted-query manifest ({ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "body" }] }) or Relay\'s map ({ "<id>": "<operation text>" })';

export function parseManifest(value: unknown): Manifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ManifestError([EXPECTED]);
  const record = value as Record<string, unknown>;
  if ('format' in record || 'operations' in record) return apollo(record);
  const entries = Object.entries(record);
  if (entries.length === 0) throw new ManifestError(['the manifest lists no operations']);
  const documents: (ManifestDocument & { at: string })[] = [];
  for (const [id, body] of entries) {
    if (typeof body !== 'string') throw new ManifestError([EXPECTED]);
    documents.push({ id, body, at: `"${id}"` });
  }
  return { format: 'relay', documents: check(documents) };
}

function apollo(record: Record<string, unknown>): Manifest {
  if (record.format !== APOLLO_MANIFEST_FORMAT) {
    throw new ManifestError([
      `format: expected "${APOLLO_MANIFEST_FORMAT}", got ${JSON.stringify(record.format)}`,
    ]);
  }
  if (record.version !== 1) {
    throw new ManifestError([
      `version: expected 1 (the only version of the format), got ${JSON.stringify(record.version)}`,
    ]);
  }
  const { operations } = record;
  if (!Array.isArray(operations))
    throw new ManifestError(['operations: expected a list of { "id", "body" }']);
  if (operations.length === 0) throw new ManifestError(['operations: the manifest lists no operations']);
  bound(operations.length);
  const problems: string[] = [];
  const documents: (ManifestDocument & { at: string })[] = [];
  operations.forEach((operation: unknown, index) => {
    const at = `operations[${index}]`;
    if (typeof operation !== 'object' || operation === null)
      return problems.push(`${at}: expected { "id", "body" }`);
    const { id, body } = operation as { id?: unknown; body?: unknown };
    if (typeof id !== 'string') return problems.push(`${at}.id: expected a string`);
    if (typeof body !== 'string') return problems.push(`${at}.body: expected the operation text as a string`);
    documents.push({ id, body, at });
  });
  if (problems.length > 0) throw new ManifestError(problems.slice(0, 10));
  return { format: 'apollo', documents: check(documents) };
}

function bound(count: number): void {
  if (count > SAFELIST_LIMITS.documentsPerPush) {
    throw new ManifestError(
      [
        `the manifest lists ${count} operations, more than the ${SAFELIST_LIMITS.documentsPerPush} one push may carry: split it`,
      ],
      true,
    );
  }
}

/** Checks each id and text, and that an id listed twice names the same text. */
function check(documents: readonly (ManifestDocument & { at: string })[]): ManifestDocument[] {
  bound(documents.length);
  const problems: string[] = [];
  const byId = new Map<string, string>();
  for (const { id, body, at } of documents) {
    const problem = documentProblem(id, body);
    if (problem !== undefined) problems.push(`${at}: ${problem}`);
    else if (byId.has(id) && byId.get(id) !== body)
      problems.push(`${at}: id "${id}" is listed twice with different operation texts`);
    else byId.set(id, body);
    if (problems.length >= 10) break;
  }
  if (problems.length > 0) throw new ManifestError(problems);
  return [...byId].map(([id, body]) => ({ id, body }));
}

/** What is wrong with one document, or undefined. */
export function documentProblem(id: string, body: string): string | undefined {
  if (id.length === 0 || id.length > SAFELIST_LIMITS.idLength || /\s/.test(id)) {
    return `the id must be 1 to ${SAFELIST_LIMITS.idLength} characters without spaces`;
  }
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > SAFELIST_LIMITS.bodyBytes) {
    return `the operation text is ${bytes} bytes, more than the limit of ${SAFELIST_LIMITS.bodyBytes}`;
  }
  try {
    const document = parse(body, { noLocation: true, maxTokens: MAX_TOKENS });
    if (!document.definitions.some((definition) => definition.kind === 'OperationDefinition'))
      return 'the text has no operation (only fragments?)';
  } catch (error) {
    return `the text is not a GraphQL operation: ${(error as Error).message}`;
  }
  return undefined;
}
