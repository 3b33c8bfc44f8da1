import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildRequest, joinBaseUrl } from '../../../src/connectors/build-request.js';
import { compileConnectorGraph } from '../../../src/connectors/compile.js';
import type { ConnectArgs } from '../../../src/connectors/directive-args.js';
import { connectorsSchema } from '../../../src/config/connectors-schema.js';

function connector(args: Partial<ConnectArgs>, sourceHeaders: ConnectArgs['headers'] = []) {
  const [compiled] = compileConnectorGraph(
    {
      name: 'shop',
      subgraphSdl: '',
      sources: [{ name: 'api', baseURL: 'http://127.0.0.1:9/v1/', headers: sourceHeaders }],
      connectors: [
        {
          id: 'shop:Query.item@connect[0]',
          coordinate: { typeName: 'Query', fieldName: 'item' },
          args: {
            source: 'api',
            method: 'GET',
            url: '/',
            headers: [],
            selection: 'id',
            entity: false,
            ...args,
          },
        },
      ],
    },
    connectorsSchema.parse({
      subgraphs: {
        shop: { config: { token: 't0k' }, sources: { api: { headers: { 'x-key': 'from-config' } } } },
      },
    }),
  );
  if (!compiled) throw new Error('no connector');
  return compiled;
}

describe('buildRequest', () => {
  it('joins the base URL path and query with the rendered path', () => {
    expect(joinBaseUrl(new URL('http://h:1/v1/'), '/items/1?x=2')).toBe('http://h:1/v1/items/1?x=2');
    expect(joinBaseUrl(new URL('http://h:1/v1?k=a'), 'items')).toBe('http://h:1/v1/items?k=a');
    expect(joinBaseUrl(new URL('http://h:1'), '')).toBe('http://h:1/');
  });

  it('fills the URL, headers (value templates, copied client headers, config headers) and a JSON body', () => {
    const compiled = connector(
      {
        method: 'POST',
        url: '/items/{$args.id}?q={$args.q}',
        body: 'name: $args.name tags: $args.tags',
        headers: [
          { name: 'Authorization', value: 'Bearer {$config.token}' },
          { name: 'X-Trace', from: 'x-request-id' },
        ],
      },
      [{ name: 'X-Source', value: 'gatehouse' }],
    );
    const { request } = buildRequest(
      compiled,
      { $args: { id: 'a/b', q: 'x&y=1', name: 'Désk "1"', tags: ['a'] }, $config: { token: 't0k' } },
      { 'x-request-id': 'r-1' },
    );
    expect(request).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:9/v1/items/a%2Fb?q=x%26y%3D1',
      headers: {
        'x-source': 'gatehouse',
        authorization: 'Bearer t0k',
        'x-trace': 'r-1',
        'x-key': 'from-config',
      },
      body: JSON.stringify({ name: 'Désk "1"', tags: ['a'] }),
    });
  });

  it('refuses, when compiled, a $config value the gateway config does not set', () => {
    expect(() => connector({ url: '/items?key={$config.apiKey}' })).toThrow(
      'shop:Query.item@connect[0]: $config.apiKey is not set: add it under connectors.subgraphs.shop.config.',
    );
  });

  it('refuses to send a request whose path a value turns into a dot segment', () => {
    const compiled = connector({ url: '/items/{$args.id}/stock' });
    for (const id of ['..', '.']) {
      expect(() => buildRequest(compiled, { $args: { id } }, {})).toThrow(GraphQLError);
    }
    expect(buildRequest(compiled, { $args: { id: '../admin' } }, {}).request.url).toBe(
      'http://127.0.0.1:9/v1/items/..%2Fadmin/stock',
    );
  });
});
