import { parse } from 'graphql';
import { SAFELIST_LIMITS } from '../../store/safelist.js';

/**
 * Reads a trusted-documents manifest in either format clients' build tools write:
 * - Apollo's persisted-query manifest (`@apollo/generate-persisted-query-manifest`):
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "name", "type", "body" }] }`;
 * - Relay's persisted queries (`relay-compiler` with `persistConfig`): `{ "<id>": "<operation text>" }`.
 *
 * The one reader of both formats: manifest files (manifest-file.ts), `gatehouse safelist push` and the
 * registry's safelist API (registry/safelist-service.ts) all read manifests with it, so a manifest the
 * registry takes is one a gateway would take as a file, and the reverse. Every problem is reported
 * with where it is (`operations[2].body: …`, `"<id>": …`) and what was expected; the callers add the
 * file or the request. An id listed twice with two different texts is an error: which one a client
 * meant cannot be known.
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

export interface ManifestOptions {
  /**
   * Set for a manifest pushed to the registry (SAFELIST_LIMITS.documentsPerPush): a push carries at
   * least one operation and at most this many. Manifest files have no per-push cap; they may list
   * none (a client with no operations yet) and at most {@link MAX_MANIFEST_DOCUMENTS}.
   */
  documentsPerPush?: number;
}

/**
 * The most operations a manifest file may list. Files have no cap of their own; this only keeps a
 * runaway file from being parsed without end, and matches what a registry stage may hold in all
 * (SAFELIST_LIMITS.documentsPerStage, 100,000), far beyond any real client.
 */
export const MAX_MANIFEST_DOCUMENTS = SAFELIST_LIMITS.documentsPerStage;

const APOLLO_MANIFEST_FORMAT = 'apollo-persisted-query-manifest';
const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);
/** Tokens per operation: parsing is linear in them, and the gateway's own limits are far lower. */
const MAX_TOKENS = 50_000;
/** Problems reported at most: the first ones are enough to fix the manifest's generator. */
const MAX_PROBLEMS = 10;

/** A manifest that cannot be read; `problems` name each entry that is wrong (the first 10). */
export class ManifestError extends Error {
  constructor(
    readonly problems: readonly string[],
    /** The manifest lists more operations than allowed (one push's cap, or a file's bound). */
    readonly tooLarge = false,
  ) {
    super(problems.join('; '));
    this.name = 'ManifestError';
  }
}

const EXPECTED =
  'expected a JSON object: Apollo\'s persisted-query manifest ({ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "name", "type", "body" }] }) or Relay\'s map ({ "<id>": "<operation text>" })';

/** Reads a manifest from its JSON text (a manifest file). */
export function parseManifestText(text: string, options: ManifestOptions = {}): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError([`not valid JSON (${(error as Error).message})`]);
  }
  return parseManifest(json, options);
}

/** Reads a manifest already parsed from JSON (a push's body, a file the CLI read). */
export function parseManifest(value: unknown, options: ManifestOptions = {}): Manifest {
  if (!isRecord(value)) throw new ManifestError([EXPECTED]);
  return 'format' in value || 'operations' in value ? apollo(value, options) : relay(value, options);
}

function apollo(manifest: Record<string, unknown>, options: ManifestOptions): Manifest {
  if (manifest.format !== APOLLO_MANIFEST_FORMAT) {
    throw new ManifestError([
      `format: expected "${APOLLO_MANIFEST_FORMAT}", got ${JSON.stringify(manifest.format)}`,
    ]);
  }
  if (manifest.version !== 1) {
    throw new ManifestError([
      `version: expected 1 (the only version of Apollo's format), got ${JSON.stringify(manifest.version)}`,
    ]);
  }
  const { operations } = manifest;
  if (!Array.isArray(operations))
    throw new ManifestError(['operations: expected an array of { "id", "name", "type", "body" }']);
  bound(operations.length, options, 'operations: ');
  const documents = new Documents();
  for (const [index, operation] of (operations as unknown[]).entries()) {
    const at = `operations[${index}]`;
    if (!isRecord(operation)) {
      documents.problem(`${at}: expected an object with id, name, type and body`);
    } else if (!isNonEmptyString(operation.id)) {
      documents.problem(`${at}.id: expected a non-empty string`);
    } else if (!isNonEmptyString(operation.body)) {
      documents.problem(`${at}.body: expected a non-empty string`);
    } else if (operation.name !== undefined && typeof operation.name !== 'string') {
      documents.problem(`${at}.name: expected a string`);
    } else if (operation.type !== undefined && !OPERATION_TYPES.has(operation.type as string)) {
      documents.problem(
        `${at}.type: expected query, mutation or subscription, got ${JSON.stringify(operation.type)}`,
      );
    } else {
      documents.add(operation.id, operation.body, at);
    }
    if (documents.full) break;
  }
  return { format: 'apollo', documents: documents.result() };
}

function relay(manifest: Record<string, unknown>, options: ManifestOptions): Manifest {
  const entries = Object.entries(manifest);
  bound(entries.length, options, '');
  const documents = new Documents();
  for (const [id, body] of entries) {
    const at = JSON.stringify(id);
    if (!isNonEmptyString(body)) {
      documents.problem(`${at} (a Relay manifest maps ids to operation text): expected a non-empty string`);
    } else {
      documents.add(id, body, at);
    }
    if (documents.full) break;
  }
  return { format: 'relay', documents: documents.result() };
}

/** Refuses a manifest with more operations than allowed, or a push with none, before reading any. */
function bound(count: number, { documentsPerPush }: ManifestOptions, at: string): void {
  if (documentsPerPush === undefined) {
    if (count > MAX_MANIFEST_DOCUMENTS) {
      throw new ManifestError(
        [
          `the manifest lists ${count} operations, more than the limit of ${MAX_MANIFEST_DOCUMENTS} per manifest: split it`,
        ],
        true,
      );
    }
    return;
  }
  if (count === 0) throw new ManifestError([`${at}the manifest lists no operations`]);
  if (count > documentsPerPush) {
    throw new ManifestError(
      [
        `the manifest lists ${count} operations, more than the ${documentsPerPush} one push may carry: split it`,
      ],
      true,
    );
  }
}

/** The documents read so far and the problems found, with each id's text to find an id reused. */
class Documents {
  private readonly bodies = new Map<string, string>();
  private readonly problems: string[] = [];

  get full(): boolean {
    return this.problems.length >= MAX_PROBLEMS;
  }

  problem(problem: string): void {
    this.problems.push(problem);
  }

  add(id: string, body: string, at: string): void {
    const problem = documentProblem(id, body);
    if (problem !== undefined) return this.problem(`${at}: ${problem}`);
    const earlier = this.bodies.get(id);
    if (earlier !== undefined && earlier !== body)
      return this.problem(`${at}: id ${JSON.stringify(id)} is listed twice with different operation texts`);
    this.bodies.set(id, body);
  }

  result(): ManifestDocument[] {
    if (this.problems.length > 0) throw new ManifestError(this.problems);
    return [...this.bodies].map(([id, body]) => ({ id, body }));
  }
}

/** What is wrong with one document's id or text (limits of SAFELIST_LIMITS), or undefined. */
function documentProblem(id: string, body: string): string | undefined {
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

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
