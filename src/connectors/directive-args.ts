/**
 * The arguments of `@source` and `@connect`, checked and normalised. Both the compose-time checks
 * (which read them from a subgraph's SDL) and the runtime (which reads them from the supergraph's
 * `@join__directive`s) go through here, so the two agree on what a connector means.
 */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface HeaderArgs {
  name: string;
  /** Copy this header from the client's request. */
  from?: string;
  /** A template, e.g. `Bearer {$config.token}`. */
  value?: string;
}

export interface SourceArgs {
  name: string;
  baseURL: string;
  headers: HeaderArgs[];
}

export interface ConnectArgs {
  source?: string;
  method: HttpMethod;
  /** A URL template: a path relative to the source's base URL, or an absolute URL without a source. */
  url: string;
  headers: HeaderArgs[];
  body?: string;
  selection: string;
  entity: boolean;
  batchMaxSize?: number;
}

/** A problem with an argument; `path` names it, e.g. `http.GET`. */
export class DirectiveArgsError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

type Args = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Args {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(args: Args, key: string, path: string): string {
  const value = args[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DirectiveArgsError(`\`${path}\` must be a non-empty string`, path);
  }
  return value;
}

function optionalString(args: Args, key: string, path: string): string | undefined {
  return args[key] === undefined || args[key] === null ? undefined : requireString(args, key, path);
}

function readHeaders(value: unknown, path: string): HeaderArgs[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry, index) => {
    const at = `${path}[${index}]`;
    if (!isObject(entry))
      throw new DirectiveArgsError(`\`${at}\` must be { name, from } or { name, value }`, at);
    const name = requireString(entry, 'name', `${at}.name`);
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw new DirectiveArgsError(`\`${at}.name\` "${name}" is not a valid HTTP header name`, `${at}.name`);
    }
    const from = optionalString(entry, 'from', `${at}.from`);
    const headerValue = optionalString(entry, 'value', `${at}.value`);
    if ((from === undefined) === (headerValue === undefined)) {
      throw new DirectiveArgsError(`\`${at}\` needs exactly one of \`from\` and \`value\``, at);
    }
    return from === undefined ? { name, value: headerValue as string } : { name, from };
  });
}

export function readSourceArgs(args: Args): SourceArgs {
  refuseUnsupported(args, SOURCE_KEYS, '');
  const name = requireString(args, 'name', 'name');
  const http = args.http;
  if (!isObject(http)) throw new DirectiveArgsError('`http` must be { baseURL, headers }', 'http');
  refuseUnsupported(http, SOURCE_HTTP_KEYS, 'http.');
  const baseURL = requireString(http, 'baseURL', 'http.baseURL');
  let parsed: URL;
  try {
    parsed = new URL(baseURL);
  } catch {
    throw new DirectiveArgsError(`\`http.baseURL\` "${baseURL}" is not an absolute URL`, 'http.baseURL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DirectiveArgsError(`\`http.baseURL\` "${baseURL}" must be http or https`, 'http.baseURL');
  }
  return { name, baseURL, headers: readHeaders(http.headers, 'http.headers') };
}

/** Arguments of later connect spec versions that Gatehouse does not run yet: refused, never ignored. */
const CONNECT_KEYS = new Set(['source', 'http', 'selection', 'entity', 'batch', 'id']);
const CONNECT_HTTP_KEYS = new Set<string>([...HTTP_METHODS, 'body', 'headers']);
const SOURCE_KEYS = new Set(['name', 'http']);
const SOURCE_HTTP_KEYS = new Set(['baseURL', 'headers']);

function refuseUnsupported(args: Args, supported: ReadonlySet<string>, prefix: string): void {
  for (const key of Object.keys(args)) {
    if (!supported.has(key)) {
      throw new DirectiveArgsError(`\`${prefix}${key}\` is not supported by Gatehouse`, `${prefix}${key}`);
    }
  }
}

export function readConnectArgs(args: Args): ConnectArgs {
  refuseUnsupported(args, CONNECT_KEYS, '');
  const http = args.http;
  if (!isObject(http)) {
    throw new DirectiveArgsError('`http` must name one method: { GET: "/path" }, { POST: … }, …', 'http');
  }
  refuseUnsupported(http, CONNECT_HTTP_KEYS, 'http.');
  const methods = HTTP_METHODS.filter((method) => http[method] !== undefined && http[method] !== null);
  if (methods.length !== 1) {
    throw new DirectiveArgsError(
      `\`http\` must name exactly one of ${HTTP_METHODS.join(', ')}; it names ${methods.length === 0 ? 'none' : methods.join(' and ')}`,
      'http',
    );
  }
  const method = methods[0] as HttpMethod;
  const source = optionalString(args, 'source', 'source');
  const url = requireString(http, method, `http.${method}`);
  if (source === undefined && !/^https?:\/\//.test(url)) {
    throw new DirectiveArgsError(
      `\`http.${method}\` must be an absolute http(s) URL when the connector has no \`source\``,
      `http.${method}`,
    );
  }
  const batch = args.batch;
  let batchMaxSize: number | undefined;
  if (isObject(batch) && batch.maxSize !== undefined && batch.maxSize !== null) {
    if (!Number.isInteger(batch.maxSize) || (batch.maxSize as number) < 1) {
      throw new DirectiveArgsError('`batch.maxSize` must be a positive integer', 'batch.maxSize');
    }
    batchMaxSize = batch.maxSize as number;
  }
  if (args.entity !== undefined && args.entity !== null && typeof args.entity !== 'boolean') {
    throw new DirectiveArgsError('`entity` must be true or false', 'entity');
  }
  const body = optionalString(http, 'body', 'http.body');
  return {
    ...(source === undefined ? {} : { source }),
    method,
    url,
    headers: readHeaders(http.headers, 'http.headers'),
    ...(body === undefined ? {} : { body }),
    selection: requireString(args, 'selection', 'selection'),
    entity: args.entity === true,
    ...(batchMaxSize === undefined ? {} : { batchMaxSize }),
  };
}
