import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { UserFacingError } from '../../../src/errors.js';
import { createLogger, isoTime } from '../../../src/pipeline/logger.js';
import { traceIdOf } from '../../../src/telemetry/request-fields.js';

function loggerFor(raw: Record<string, unknown> = {}) {
  const lines: Record<string, unknown>[] = [];
  let text = '';
  const config = resolveConfig({ logging: { level: 'debug' }, ...raw }, { env: {} });
  const { logger } = createLogger(config, {
    write(line: string) {
      text += line;
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  return { logger, lines, text: () => text };
}

describe('the logger', () => {
  it('writes ISO times', () => {
    const { logger, lines } = loggerFor();
    logger.info('hello');
    expect(lines[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("writes the same time text as pino's isoTime, across seconds", () => {
    const time = isoTime();
    const base = Date.UTC(2025, 0, 31, 23, 59, 59);
    for (const offset of [0, 7, 42, 999, 1_000, 1_001, 1_099, 86_400_000 + 5]) {
      const spy = vi.spyOn(Date, 'now').mockReturnValue(base + offset);
      try {
        expect(time()).toBe(`,"time":"${new Date(base + offset).toISOString()}"`);
      } finally {
        spy.mockRestore();
      }
    }
  });

  it('redacts secret headers in any case, on any line that carries headers, and in errors', () => {
    const { logger, lines, text } = loggerFor({
      auth: {
        jwt: { header: 'x-jwt', issuers: [{ issuer: 'i', algorithms: ['HS256'], secret: 'x'.repeat(32) }] },
        apiKeys: { header: 'x-gateway-key' },
        authorizer: { url: 'http://127.0.0.1:9/', headers: ['x-partner-signature'] },
      },
      store: { sqlite: ':memory:' },
      logging: { level: 'debug', redactHeaders: ['X-Internal-Route'] },
    });
    const headers = {
      Authorization: 'Bearer h1-secret',
      'proxy-authorization': 'Basic h2-secret',
      cookie: 'a=h3-secret',
      'set-cookie': ['b=h4-secret', 'c=h5-secret'],
      'x-api-key': 'h6-secret',
      'x-jwt': 'h7-secret',
      'x-gateway-key': 'h8-secret',
      'x-partner-signature': 'h9-secret',
      'x-internal-route': 'h10-secret',
      'x-csrf-token': 'h11-secret',
      'x-session-id': 'h12-secret',
      accept: 'application/json',
    };
    logger.info({ headers }, 'with headers');
    const error = Object.assign(new Error('upstream said no'), { headers: { authorization: 'h13-secret' } });
    logger.warn({ err: error }, 'with an error');
    expect(text()).not.toContain('-secret');
    expect(lines[0]?.headers).toMatchObject({ Authorization: '[REDACTED]', accept: 'application/json' });
    expect((lines[1]?.err as { headers: unknown }).headers).toEqual({ authorization: '[REDACTED]' });
  });

  it('redacts secret and configured variables at any depth, and bounds what a client sent', () => {
    const { logger, lines } = loggerFor({ logging: { level: 'debug', redactVariables: ['SSN'] } });
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 12; i++) cursor = cursor.next = {};
    logger.debug(
      {
        variables: {
          ssn: 'v1',
          input: { newPassword: 'v2', list: [{ refresh_token: 'v3', apiKey: 'v4', kept: 'yes' }] },
          long: 'z'.repeat(2_000),
          many: Array.from({ length: 150 }, (_, i) => i),
          deep,
        },
      },
      'variables',
    );
    const variables = lines[0]?.variables as Record<string, unknown>;
    expect(variables.ssn).toBe('[REDACTED]');
    expect(variables.input).toEqual({
      newPassword: '[REDACTED]',
      list: [{ refresh_token: '[REDACTED]', apiKey: '[REDACTED]', kept: 'yes' }],
    });
    expect(variables.long).toBe(`${'z'.repeat(512)}…[2000 chars]`);
    expect((variables.many as unknown[]).length).toBe(101);
    expect(JSON.stringify(variables.deep)).toContain('[too deep]');
  });

  it("logs Fastify's request as method and path, without the query string or headers", async () => {
    const { logger, lines, text } = loggerFor();
    const app = Fastify({ loggerInstance: logger });
    app.get('/graphql', async (request) => {
      request.log.error({ req: request, res: { statusCode: 500, headers: { 'set-cookie': 'x' } } }, 'boom');
      return 'ok';
    });
    await app.inject({
      url: '/graphql?query=%7Bme%7D&variables=%7B%22password%22%3A%22q-secret%22%7D',
      headers: { authorization: 'Bearer r-secret' },
    });
    await app.close();
    const line = lines.find((each) => each.msg === 'boom');
    expect(line?.req).toEqual({ method: 'GET', path: '/graphql', clientIp: '127.0.0.1' });
    expect(line?.res).toEqual({ statusCode: 500 });
    expect(text()).not.toMatch(/q-secret|r-secret/);
  });
});

describe('server.trustedProxies', () => {
  it('takes IP addresses, CIDR ranges and the named ranges, and refuses anything else', () => {
    const ok = resolveConfig(
      {
        server: { trustedProxies: ['10.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback', 'uniquelocal'] },
      },
      { env: {} },
    );
    expect(ok.server.trustedProxies).toHaveLength(6);
    expect(resolveConfig({}, { env: {} }).server.trustedProxies).toEqual([]);
    for (const bad of ['*', '10.0.0.0/33', 'proxy.example.com', '10.0.0.1/8/1', '::1/129']) {
      expect(() => resolveConfig({ server: { trustedProxies: [bad] } }, { env: {} }), bad).toThrow(
        UserFacingError,
      );
    }
  });
});

describe('traceparent', () => {
  it('gives the trace id of a valid one only', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(traceIdOf(`00-${id}-00f067aa0ba902b7-01`)).toBe(id);
    expect(traceIdOf(`01-${id}-00f067aa0ba902b7-01-later-fields`)).toBe(id);
    for (const bad of [
      `00-${id}-00f067aa0ba902b7-01-extra`,
      `ff-${id}-00f067aa0ba902b7-01`,
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${id}-${'0'.repeat(16)}-01`,
      `00-${id.toUpperCase()}-00f067aa0ba902b7-01`,
      'garbage',
      undefined,
    ])
      expect(traceIdOf(bad), String(bad)).toBeUndefined();
  });
});
