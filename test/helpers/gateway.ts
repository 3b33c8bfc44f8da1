import { resolveConfig } from '../../src/config/load.js';
import { startGateway, type RunningGateway, type StartGatewayOptions } from '../../src/server/start.js';

export interface TestSubgraph {
  name: string;
  url: string;
}

/**
 * Starts a gateway over the given subgraphs the way `gatehouse serve` does, on a free loopback
 * port, quiet unless GATEHOUSE_TEST_LOGS is set. `overrides` is merged over the config; `options`
 * are what the composition root is given besides the config (a registry, a usage sink, …).
 */
export async function startTestGateway(
  subgraphs: readonly TestSubgraph[],
  overrides: Record<string, unknown> = {},
  options: Omit<StartGatewayOptions, 'config'> = {},
): Promise<RunningGateway> {
  const config = resolveConfig(
    {
      server: { port: 0 },
      logging: { level: process.env.GATEHOUSE_TEST_LOGS ? 'info' : 'silent' },
      subgraphs: subgraphs.map(({ name, url }) => ({ name, url })),
      ...overrides,
    },
    { env: {}, source: 'test config' },
  );
  return startGateway({ ...options, config });
}

export interface GraphQLHttpResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

export interface GraphQLRequestBody {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

/** POSTs a GraphQL request as a client would. */
export async function postGraphQL(
  url: string,
  body: GraphQLRequestBody | string,
  headers: Record<string, string> = {},
): Promise<GraphQLHttpResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return readResponse(response);
}

export async function readResponse(response: Response): Promise<GraphQLHttpResponse> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the test sees the text.
  }
  return { status: response.status, headers: response.headers, body };
}
