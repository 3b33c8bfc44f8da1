import { gatehouseError } from '../errors.js';
import type { CompiledConnector, CompiledHeader } from './compile.js';
import type { ConnectorRequest } from './http-client.js';
import { applySelection, renderHeaderValue, renderUrl, type Variables } from './language/index.js';

/** Problems met while filling templates (a missing value, say): kept for the debug log. */
export type RenderProblems = { message: string; path: (string | number)[] }[];

/**
 * Fills a connector's URL, header and body templates from the variables; refuses a dot segment in
 * the path. `forwarded` (the caller's claims and verified token, as every subgraph gets them) goes
 * last, so no template or config header can stand in for it.
 */
export function buildRequest(
  connector: CompiledConnector,
  variables: Variables,
  clientHeaders: Readonly<Record<string, string | string[] | undefined>>,
  forwarded: Readonly<Record<string, string>> = {},
): { request: ConnectorRequest; problems: RenderProblems } {
  const problems: RenderProblems = [];
  const rendered = renderUrl(connector.url, variables);
  problems.push(...rendered.errors);
  if (rendered.dotSegment) {
    // Sending the URL without the segment would ask for another resource than the one meant.
    throw gatehouseError(
      'BAD_REQUEST',
      `Connector ${connector.id} was not called: a value in its URL path is "." or "..".`,
      { connector: { coordinate: connector.id } },
    );
  }
  const source = connector.source;
  const url = source ? joinBaseUrl(source.baseURL, rendered.url) : rendered.url;
  const headers: Record<string, string> = {};
  const addHeaders = (list: readonly CompiledHeader[]) => {
    for (const header of list) {
      const value = headerValue(header, variables, clientHeaders, problems);
      if (value !== undefined) headers[header.name.toLowerCase()] = value;
    }
  };
  if (source) addHeaders(source.headers);
  addHeaders(connector.headers);
  for (const [name, value] of Object.entries(source?.configHeaders ?? {}))
    headers[name.toLowerCase()] = value;
  Object.assign(headers, forwarded);
  for (const [name, value] of Object.entries(headers)) {
    // HTTP header values are Latin-1 text: '✓' cannot be sent (undici would refuse it as if the
    // service were unreachable).
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw gatehouseError(
        'BAD_REQUEST',
        `Connector ${connector.id} was not called: the value of its header "${name}" has characters an HTTP header cannot carry.`,
        { connector: { coordinate: connector.id } },
      );
    }
  }
  let body: string | undefined;
  if (connector.body) {
    const result = applySelection(connector.body, {}, variables);
    problems.push(...result.errors);
    body = JSON.stringify(result.value ?? null);
  }
  return {
    request: { method: connector.method, url, headers, ...(body === undefined ? {} : { body }) },
    problems,
  };
}

function headerValue(
  header: CompiledHeader,
  variables: Variables,
  clientHeaders: Readonly<Record<string, string | string[] | undefined>>,
  problems: RenderProblems,
): string | undefined {
  if (header.from !== undefined) {
    const value = clientHeaders[header.from];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  if (!header.value) return undefined;
  const rendered = renderHeaderValue(header.value, variables);
  problems.push(...rendered.errors);
  return rendered.value;
}

/**
 * Appends a rendered path (whose values are already encoded) to the source's base URL, keeping the
 * base's own path prefix and query.
 */
export function joinBaseUrl(base: URL, path: string): string {
  const queryAt = path.indexOf('?');
  const pathPart = queryAt === -1 ? path : path.slice(0, queryAt);
  const query = queryAt === -1 ? '' : path.slice(queryAt + 1);
  const prefix = base.pathname.replace(/\/+$/, '');
  const joinedPath = `${prefix}${pathPart.startsWith('/') || pathPart === '' ? '' : '/'}${pathPart}` || '/';
  const baseQuery = base.search.replace(/^\?/, '');
  const search = [baseQuery, query].filter((part) => part !== '').join('&');
  return `${base.origin}${joinedPath}${search ? `?${search}` : ''}`;
}
