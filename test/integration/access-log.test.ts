import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { productsSubgraph } from '../../subgraphs/products/index.js';
import { reviewsSubgraph } from '../../subgraphs/reviews/index.js';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { signHs256 } from '../helpers/jwt.js';

// An operator's view of the gateway: the JSON lines it writes, read as a log shipper would.

type Line = Record<string, unknown>;

/** A log destination that keeps every line, raw and parsed. */
function captureLogs() {
  let text = '';
  const lines: Line[] = [];
  return {
    stream: {
      write(line: string) {
        text += line;
        lines.push(JSON.parse(line) as Line);
      },
    },
    lines,
    text: () => text,
    /** Waits for the access-log line of a request: it is written after the response is sent. */
    async accessLine(requestId: string): Promise<Line> {
      for (let waited = 0; waited < 2_000; waited += 10) {
        const line = lines.find((each) => each.msg === 'request' && each.requestId === requestId);
        if (line) return line;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`no access-log line for request ${requestId}:\n${text}`);
    },
  };
}

const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters';
const ISSUER = 'https://idp.example.test/';
const auth = { jwt: { issuers: [{ issuer: ISSUER, algorithms: ['HS256'], secret: SECRET }] } };
const token = signHs256(SECRET, {}, { issuer: ISSUER, subject: 'user-42' });
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const ME = 'query Me { me { id username } }';
const ME_AND_REVIEWS = 'query MyReviews { me { id reviews { body } } }';

let accounts: RunningService;
let products: RunningService;
let reviews: RunningService;
/** Direct clients, JWT identity, retries on. */
let direct: RunningGateway;
const directLogs = captureLogs();
/** Behind a trusted proxy (loopback), subjects not logged, a breaker that opens at the first failure. */
let proxied: RunningGateway;
const proxiedLogs = captureLogs();
/** At debug level, where lines carry headers and variables. */
let debug: RunningGateway;
const debugLogs = captureLogs();

beforeAll(async () => {
  [accounts, products, reviews] = await Promise.all([
    serveSubgraph(accountsSubgraph),
    serveSubgraph(productsSubgraph),
    serveSubgraph(reviewsSubgraph),
  ]);
  const subgraphs = [accounts, products, reviews];
  [direct, proxied, debug] = await Promise.all([
    startTestGateway(
      subgraphs,
      { logging: { level: 'info' }, auth, transport: { retries: { all: { enabled: true } } } },
      { logStream: directLogs.stream },
    ),
    startTestGateway(
      subgraphs,
      {
        server: { port: 0, trustedProxies: ['loopback'] },
        logging: { level: 'info', subject: false },
        auth,
        transport: { circuitBreaker: { all: { enabled: true, failureThreshold: 1 } } },
      },
      { logStream: proxiedLogs.stream },
    ),
    startTestGateway(
      subgraphs,
      {
        logging: { level: 'debug', redactHeaders: ['x-internal-route'], redactVariables: ['ssn'] },
        auth: { ...auth, apiKeys: {} },
        store: { sqlite: ':memory:' },
      },
      { logStream: debugLogs.stream },
    ),
  ]);
});

afterAll(async () => {
  await Promise.all([direct?.close(), proxied?.close(), debug?.close()]);
  await Promise.all([accounts?.close(), products?.close(), reviews?.close()]);
});

describe('one access-log line per request', () => {
  it('names the request, trace, client, principal, operation, outcome and subgraphs of a success', async () => {
    const response = await postGraphQL(
      direct.graphqlUrl,
      { query: ME, operationName: 'Me' },
      {
        authorization: `Bearer ${token}`,
        'x-request-id': 'req-ok-1',
        traceparent: TRACEPARENT,
        'apollographql-client-name': 'web-shop',
        'apollographql-client-version': '1.4.2',
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-ok-1');
    const line = await directLogs.accessLine('req-ok-1');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request',
      requestId: 'req-ok-1',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      method: 'POST',
      path: '/graphql',
      status: 200,
      clientIp: '127.0.0.1',
      clientName: 'web-shop',
      clientVersion: '1.4.2',
      subject: 'user-42',
      operationName: 'Me',
      subgraphs: [{ subgraph: 'accounts', durationMs: expect.any(Number) }],
    });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(line.operationHash).toMatch(/^[0-9a-f]{64}$/);
    expect(line).not.toHaveProperty('errorCodes');
    expect(line).not.toHaveProperty('refusal');
  });

  it('names the refusing plugin and its code, without the credential', async () => {
    const forged = signHs256('not-the-secret-but-long-enough-to-sign-with', {}, { issuer: ISSUER });
    const response = await postGraphQL(
      direct.graphqlUrl,
      { query: ME, operationName: 'Me' },
      { authorization: `Bearer ${forged}`, 'x-request-id': 'req-refused-1' },
    );
    expect(response.status).toBe(401);
    const line = await directLogs.accessLine('req-refused-1');
    expect(line).toMatchObject({
      status: 401,
      operationName: 'Me',
      errorCodes: ['UNAUTHENTICATED'],
      refusal: { plugin: 'identity', code: 'UNAUTHENTICATED' },
    });
    expect(line).not.toHaveProperty('subject');
    expect(line).not.toHaveProperty('subgraphs');
    expect(directLogs.text()).not.toContain(forged);
  });

  it('honours a sane x-request-id and echoes the one it uses; anything else gets a fresh UUID', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const sent of [undefined, 'two words', 'x'.repeat(129), 'semi;colon', '']) {
      const response = await fetch(`${direct.url}/health`, {
        headers: sent === undefined ? {} : { 'x-request-id': sent },
      });
      const echoed = response.headers.get('x-request-id') ?? '';
      expect(echoed).toMatch(uuid);
      await directLogs.accessLine(echoed);
    }
    const first = await fetch(`${direct.url}/health`);
    const second = await fetch(`${direct.url}/health`);
    expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
    const sane = 'Root=1-67891233-abcdef012345678912345678';
    const kept = await fetch(`${direct.url}/health`, { headers: { 'x-request-id': sane } });
    expect(kept.headers.get('x-request-id')).toBe(sane);
    expect(await directLogs.accessLine(sane)).toMatchObject({ path: '/health', status: 200 });
  });

  it('bounds the client name, and leaves out a trace id that is not a valid traceparent', async () => {
    await postGraphQL(
      direct.graphqlUrl,
      { query: '{ users { id } }' },
      {
        'x-request-id': 'req-bounds-1',
        'apollographql-client-name': 'n'.repeat(5_000),
        traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      },
    );
    const line = await directLogs.accessLine('req-bounds-1');
    expect(line.clientName).toBe('n'.repeat(128));
    expect(line).not.toHaveProperty('traceId');
    expect(line).not.toHaveProperty('operationName');
  });

  it('logs the path of a GET without its query string, which carries the variables', async () => {
    const params = new URLSearchParams({
      query: 'query User($id: ID!) { user(id: $id) { id } }',
      variables: JSON.stringify({ id: 'get-variable-value-314' }),
    });
    const response = await fetch(`${direct.graphqlUrl}?${params}`, {
      headers: { 'x-request-id': 'req-get-1', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await directLogs.accessLine('req-get-1')).toMatchObject({
      method: 'GET',
      path: '/graphql',
      operationName: 'User',
    });
    expect(directLogs.text()).not.toContain('get-variable-value-314');
  });
});

describe('client IP', () => {
  const forwarded = { 'x-forwarded-for': '203.0.113.7' };

  it('is the connection address, whatever X-Forwarded-For says, unless the peer is a trusted proxy', async () => {
    await postGraphQL(direct.graphqlUrl, { query: ME }, { ...forwarded, 'x-request-id': 'req-ip-1' });
    expect((await directLogs.accessLine('req-ip-1')).clientIp).toBe('127.0.0.1');
  });

  it('behind a trusted proxy, is the nearest untrusted address of X-Forwarded-For', async () => {
    await postGraphQL(proxied.graphqlUrl, { query: ME }, { ...forwarded, 'x-request-id': 'req-ip-2' });
    expect((await proxiedLogs.accessLine('req-ip-2')).clientIp).toBe('203.0.113.7');
    await postGraphQL(
      proxied.graphqlUrl,
      { query: ME },
      { 'x-forwarded-for': '198.51.100.1, 203.0.113.7, 127.0.0.1', 'x-request-id': 'req-ip-3' },
    );
    expect((await proxiedLogs.accessLine('req-ip-3')).clientIp).toBe('203.0.113.7');
  });

  it('leaves out the subject when logging.subject is false', async () => {
    await postGraphQL(
      proxied.graphqlUrl,
      { query: ME },
      { authorization: `Bearer ${token}`, 'x-request-id': 'req-nosubject-1' },
    );
    const line = await proxiedLogs.accessLine('req-nosubject-1');
    expect(line.status).toBe(200);
    expect(line).not.toHaveProperty('subject');
  });
});

describe('redaction', () => {
  const secrets = {
    authorization: 'Bearer authorization-value-271',
    cookie: 'session=cookie-value-828',
    'x-api-key': 'api-key-value-182',
    'x-internal-route': 'configured-header-value-845',
  };
  const variables = {
    id: 'u1',
    ssn: 'configured-variable-value-904',
    input: { password: 'password-value-523', nested: [{ apiKey: 'nested-key-value-536' }] },
  };

  it('at debug level, logs headers and variables with every secret replaced', async () => {
    const query = 'query User($id: ID!, $ssn: String, $input: String) { user(id: $id) { id } }';
    // The credentials are refused (401): the line is written all the same, and nothing leaks.
    await postGraphQL(debug.graphqlUrl, { query, variables }, { ...secrets, 'x-request-id': 'req-redact-1' });
    const line = await debugLogs.accessLine('req-redact-1');
    expect(line.status).toBe(401);
    expect(line.headers).toMatchObject({
      authorization: '[REDACTED]',
      cookie: '[REDACTED]',
      'x-api-key': '[REDACTED]',
      'x-internal-route': '[REDACTED]',
      'x-request-id': 'req-redact-1',
    });
    expect(line.variables).toEqual({
      id: 'u1',
      ssn: '[REDACTED]',
      input: { password: '[REDACTED]', nested: [{ apiKey: '[REDACTED]' }] },
    });
    const everything = debugLogs.text();
    for (const value of [...Object.values(secrets), 'configured-variable-value-904', 'password-value-523'])
      expect(everything).not.toContain(value.replace(/^(Bearer |session=)/, ''));
    expect(everything).not.toContain('nested-key-value-536');
  });

  it('redacts the variables of a GET, read from its query string', async () => {
    const params = new URLSearchParams({
      query: 'query User($ssn: ID!) { user(id: $ssn) { id } }',
      variables: JSON.stringify({ ssn: 'get-ssn-value-663', unused: 'u2' }),
    });
    const response = await fetch(`${debug.graphqlUrl}?${params}`, {
      headers: { 'x-request-id': 'req-redact-2', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    const line = await debugLogs.accessLine('req-redact-2');
    expect(line).toMatchObject({ path: '/graphql', variables: { ssn: '[REDACTED]', unused: 'u2' } });
    expect(debugLogs.text()).not.toContain('get-ssn-value-663');
  });

  it('at info level, logs neither headers nor variables', async () => {
    await postGraphQL(direct.graphqlUrl, { query: ME, variables }, { 'x-request-id': 'req-redact-3' });
    const line = await directLogs.accessLine('req-redact-3');
    expect(line).not.toHaveProperty('headers');
    expect(line).not.toHaveProperty('variables');
  });
});

// Last: it stops the reviews subgraph.
describe('a stopped subgraph', () => {
  it('gives a warn line naming the subgraph, the code and the operation, once after the retries', async () => {
    await reviews.close();
    const response = await postGraphQL(
      direct.graphqlUrl,
      { query: ME_AND_REVIEWS },
      { 'x-request-id': 'req-down-1' },
    );
    expect(response.status).toBe(502);
    const access = await directLogs.accessLine('req-down-1');
    expect(access).toMatchObject({
      status: 502,
      operationName: 'MyReviews',
      errorCodes: ['SUBGRAPH_UNAVAILABLE'],
    });
    expect(access.subgraphs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subgraph: 'accounts' }),
        expect.objectContaining({ subgraph: 'reviews', errorCode: 'SUBGRAPH_UNAVAILABLE' }),
      ]),
    );
    const warnings = directLogs.lines.filter((line) => line.level === 40 && line.requestId === 'req-down-1');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      msg: 'subgraph "reviews" failed: SUBGRAPH_UNAVAILABLE',
      subgraph: 'reviews',
      code: 'SUBGRAPH_UNAVAILABLE',
      failure: 'connection',
      operationName: 'MyReviews',
    });
    expect(warnings[0]?.reason).toMatch(/^Subgraph "reviews" could not be reached/);
    expect(directLogs.text()).not.toContain(reviews.url);
  });

  it('logs the circuit breaker opening at warn, and not each call it refuses after', async () => {
    for (const id of ['req-breaker-1', 'req-breaker-2']) {
      const response = await postGraphQL(
        proxied.graphqlUrl,
        { query: ME_AND_REVIEWS },
        { 'x-request-id': id },
      );
      expect(response.status).toBe(502);
      await proxiedLogs.accessLine(id);
    }
    const warnings = proxiedLogs.lines
      .filter((line) => line.level === 40 && line.subgraph === 'reviews')
      .map((line) => line.msg);
    expect(warnings.sort()).toEqual([
      'circuit breaker of subgraph "reviews" opened: its calls fail at once for a while',
      'subgraph "reviews" failed: SUBGRAPH_UNAVAILABLE',
    ]);
    expect(await proxiedLogs.accessLine('req-breaker-2')).toMatchObject({
      errorCodes: ['SUBGRAPH_UNAVAILABLE'],
    });
  });
});
