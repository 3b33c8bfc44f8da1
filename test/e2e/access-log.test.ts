import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { productsSubgraph } from '../../subgraphs/products/index.js';
import { reviewsSubgraph } from '../../subgraphs/reviews/index.js';
import { startCli, type CliProcess } from '../helpers/cli.js';
import { postGraphQL } from '../helpers/gateway.js';

// `gatehouse serve` as an operator runs it, its standard output read as a log shipper reads it.

type Line = Record<string, unknown>;

let dir: string;
let services: RunningService[] = [];
let reviews: RunningService;
let cli: CliProcess;
let graphqlUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-logs-'));
  services = await Promise.all(
    [accountsSubgraph, productsSubgraph, reviewsSubgraph].map((s) => serveSubgraph(s)),
  );
  reviews = services[2] as RunningService;
  const config = join(dir, 'gatehouse.yaml');
  writeFileSync(
    config,
    [
      'server:',
      '  trustedProxies: [loopback]',
      'logging:',
      '  level: info',
      'subgraphs:',
      ...services.map((service) => `  - name: ${service.name}\n    url: ${service.url}`),
      '',
    ].join('\n'),
  );
  cli = startCli(['serve', '--config', config, '--port', '0', '--workers', '1']);
  graphqlUrl = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
});

afterAll(async () => {
  await cli?.stop();
  await Promise.all(services.map((service) => service.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** The JSON lines printed so far (the banner lines are not JSON). */
function jsonLines(): Line[] {
  return cli
    .output()
    .stdout.split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);
}

/** Waits for a line: the gateway buffers its output and flushes it within a quarter of a second. */
async function lineWhere(test: (line: Line) => boolean): Promise<Line> {
  for (let waited = 0; waited < 5_000; waited += 50) {
    const line = jsonLines().find(test);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no such line in:\n${cli.output().stdout}`);
}

describe('gatehouse serve logs', () => {
  it('writes an access line per request with its id, client and subgraphs, and nothing secret', async () => {
    const response = await postGraphQL(
      graphqlUrl,
      { query: 'query Me { me { id } }' },
      {
        'x-request-id': 'e2e-request-1',
        'x-forwarded-for': '203.0.113.9',
        'apollographql-client-name': 'e2e-client',
        cookie: 'session=e2e-cookie-secret',
        authorization: 'Bearer e2e-token-secret',
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('e2e-request-1');
    const line = await lineWhere((each) => each.msg === 'request' && each.requestId === 'e2e-request-1');
    expect(line).toMatchObject({
      level: 30,
      status: 200,
      path: '/graphql',
      clientIp: '203.0.113.9',
      clientName: 'e2e-client',
      operationName: 'Me',
      subgraphs: [{ subgraph: 'accounts', durationMs: expect.any(Number) }],
    });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(cli.output().stdout).not.toMatch(/e2e-cookie-secret|e2e-token-secret/);
  });

  it('warns of a stopped subgraph, naming it, the code and the operation', async () => {
    await reviews.close();
    const response = await postGraphQL(
      graphqlUrl,
      { query: 'query MyReviews { me { reviews { body } } }' },
      { 'x-request-id': 'e2e-request-2' },
    );
    expect(response.status).toBe(502);
    const warning = await lineWhere((each) => each.level === 40 && each.requestId === 'e2e-request-2');
    expect(warning).toMatchObject({
      subgraph: 'reviews',
      code: 'SUBGRAPH_UNAVAILABLE',
      operationName: 'MyReviews',
    });
    expect(
      await lineWhere((each) => each.msg === 'request' && each.requestId === 'e2e-request-2'),
    ).toMatchObject({
      status: 502,
      errorCodes: ['SUBGRAPH_UNAVAILABLE'],
    });
  });
});
