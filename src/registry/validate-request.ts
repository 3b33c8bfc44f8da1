import { RegistryError, type PublishRequest, type RemoveRequest } from './types.js';

/**
 * The service's own input checks, so the embedded registry refuses what the HTTP API refuses. Each
 * failure is a RegistryError saying which field and what was expected.
 */

const SUBGRAPH_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;
const MAX_URL = 2048;
const MAX_OWNER = 200;
const MAX_ORIGIN = 1024;
const MAX_ACTOR = 200;

export interface ValidPublish {
  stage: string;
  name: string;
  url: string;
  sdl: string;
  type: 'graphql' | 'rest';
  owner: string | undefined;
  origin: string | undefined;
  allowBreaking: boolean;
}

export function assertStage(stages: readonly string[], stage: unknown): asserts stage is string {
  if (typeof stage !== 'string' || !stages.includes(stage)) {
    throw new RegistryError(
      'UNKNOWN_STAGE',
      `Unknown stage "${String(stage).slice(0, 64)}"; the stages are ${stages.join(', ')}.`,
    );
  }
}

/** The size is checked before anything reads the SDL: a huge schema costs nothing more. */
export function validatePublish(
  request: PublishRequest,
  stages: readonly string[],
  maxSchemaBytes: number,
): ValidPublish {
  assertStage(stages, request.stage);
  if (typeof request.sdl !== 'string') throw invalid('sdl: expected the subgraph SDL as a string');
  const bytes = Buffer.byteLength(request.sdl, 'utf8');
  if (bytes > maxSchemaBytes) {
    throw new RegistryError(
      'SCHEMA_TOO_LARGE',
      `The schema of subgraph "${String(request.name).slice(0, 100)}" is ${bytes} bytes; the registry accepts at most ${maxSchemaBytes} bytes (registry.maxSchemaBytes).`,
    );
  }
  if (request.sdl.trim() === '') throw invalid('sdl: expected an SDL, got nothing');
  assertSubgraphName(request.name);
  if (typeof request.url !== 'string' || request.url.length > MAX_URL || !isHttpUrl(request.url)) {
    throw invalid(`url: expected an http(s) URL of at most ${MAX_URL} characters`);
  }
  const type = request.type ?? 'graphql';
  if (type !== 'graphql' && type !== 'rest') throw invalid('type: expected "graphql" or "rest"');
  assertOptionalText('owner', request.owner, MAX_OWNER);
  assertOptionalText('origin', request.origin, MAX_ORIGIN);
  if (request.allowBreaking !== undefined && typeof request.allowBreaking !== 'boolean') {
    throw invalid('allowBreaking: expected true or false');
  }
  return {
    stage: request.stage,
    name: request.name,
    url: request.url,
    sdl: request.sdl,
    type,
    owner: request.owner,
    origin: request.origin,
    allowBreaking: request.allowBreaking ?? false,
  };
}

export function validateRemove(request: RemoveRequest, stages: readonly string[]): Required<RemoveRequest> {
  assertStage(stages, request.stage);
  assertSubgraphName(request.name);
  if (request.allowBreaking !== undefined && typeof request.allowBreaking !== 'boolean') {
    throw invalid('allowBreaking: expected true or false');
  }
  return { stage: request.stage, name: request.name, allowBreaking: request.allowBreaking ?? false };
}

export function assertActor(actor: unknown): asserts actor is string {
  if (typeof actor !== 'string' || actor === '' || actor.length > MAX_ACTOR) {
    throw invalid(`actor: expected the name of the token making the change (1 to ${MAX_ACTOR} characters)`);
  }
}

export function assertVersionId(field: string, id: unknown): asserts id is number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw invalid(`${field}: expected a version id (a positive integer)`);
  }
}

function assertSubgraphName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !SUBGRAPH_NAME.test(name)) {
    throw invalid('name: expected a subgraph name of letters, digits, "_" and "-" (at most 100 characters)');
  }
}

function assertOptionalText(field: string, value: unknown, max: number): void {
  if (value !== undefined && (typeof value !== 'string' || value === '' || value.length > max)) {
    throw invalid(`${field}: expected text of 1 to ${max} characters`);
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function invalid(message: string): RegistryError {
  return new RegistryError('INVALID_INPUT', message);
}
