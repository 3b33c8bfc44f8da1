import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { UserFacingError } from '../../errors.js';

/** A JSON object as read from the document; fields are checked where they are used. */
export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface OpenApiDocument {
  /** The file it came from, for messages. */
  source: string;
  /** `3.0.3`, `3.1.0`, … */
  version: string;
  root: JsonObject;
  paths: JsonObject;
}

/** Reads a YAML or JSON file (JSON is read as YAML so that errors carry a line and column). */
export async function readOpenApiFile(path: string): Promise<OpenApiDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserFacingError(
      `Cannot read OpenAPI document ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: false });
  if (document.errors.length > 0) {
    throw new UserFacingError(
      `${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}:`,
      document.errors.map((error) => error.message.split('\n')[0] ?? error.message),
    );
  }
  return checkOpenApi(document.toJS({ maxAliasCount: 1000 }), path);
}

/** Accepts OpenAPI 3.0 and 3.1 documents; anything else fails saying what it is instead. */
export function checkOpenApi(raw: unknown, source: string): OpenApiDocument {
  if (!isObject(raw))
    throw new UserFacingError(`${source} is not an OpenAPI document: expected a mapping at the top level`);
  if (raw.swagger !== undefined) {
    throw new UserFacingError(
      `${source} is a Swagger ${String(raw.swagger)} document; only OpenAPI 3.0 and 3.1 are supported.`,
      ['Convert it to OpenAPI 3 first, e.g. with `npx swagger2openapi`.'],
    );
  }
  if (raw.openapi === undefined) {
    throw new UserFacingError(`${source} is not an OpenAPI document: it has no \`openapi\` version field`);
  }
  const version = String(raw.openapi);
  if (!/^3\.[01]\.\d+/.test(version)) {
    throw new UserFacingError(`${source} is OpenAPI ${version}; only OpenAPI 3.0 and 3.1 are supported`);
  }
  if (!isObject(raw.paths)) {
    throw new UserFacingError(
      `${source} has no \`paths\`: there are no operations to generate connectors from`,
    );
  }
  return { source, version, root: raw, paths: raw.paths };
}

/** Splits a local `$ref` (`#/components/schemas/Pet`) into its unescaped JSON Pointer tokens. */
export function pointerTokens(ref: string): string[] {
  return ref
    .slice(2)
    .split('/')
    .map((token) => decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Resolves `$ref`s within the document; refs to other files or URLs are refused. */
export class Refs {
  constructor(private readonly document: OpenApiDocument) {}

  /** The object a `$ref` points at; `where` names the referring place for messages. */
  target(ref: string, where: string): unknown {
    if (!ref.startsWith('#/')) {
      throw new UserFacingError(
        `${this.document.source}: the $ref "${ref}" at ${where} points to another file or URL; only refs within the document (#/…) are supported.`,
        ['Bundle the document into one file first, e.g. with `npx @redocly/cli bundle`.'],
      );
    }
    let node: unknown = this.document.root;
    for (const token of pointerTokens(ref)) {
      node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
      if (node === undefined) {
        throw new UserFacingError(`${this.document.source}: the $ref "${ref}" at ${where} points at nothing`);
      }
    }
    return node;
  }

  /** Follows `$ref` chains (parameters, responses) to the object they end at. */
  deref(value: unknown, where: string): unknown {
    const seen = new Set<string>();
    while (isObject(value) && typeof value.$ref === 'string') {
      if (seen.has(value.$ref)) {
        throw new UserFacingError(
          `${this.document.source}: the $ref "${value.$ref}" at ${where} refers to itself`,
        );
      }
      seen.add(value.$ref);
      value = this.target(value.$ref, where);
    }
    return value;
  }
}
