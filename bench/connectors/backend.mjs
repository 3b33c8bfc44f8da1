#!/usr/bin/env node
// The backend of the connector benchmark, in its own process so that its CPU is measured apart from the
// gateway's:
//   node bench/connectors/backend.mjs [--port 0] [--host 127.0.0.1]
// One Fastify server answers
//   GET  /items/:id          one item (404 if unknown): the unbatched connector's endpoint
//   GET  /items?ids=1,2,3    the items with these ids, in request order (unknown ids left out): the batch one
//   POST /graphql            the `items` GraphQL subgraph: Query.items(first: Int): [Item], Item @key(fields: "id")
//   GET  /__count            {"single":n,"batch":n,"rest":n,"graphql":n}: calls received since the last reset
//   POST /__reset            sets the counters to 0
// When it listens it prints one JSON line to stdout: {"ready":true,"pid":123,"url":"http://127.0.0.1:PORT"}.
// Responses are serialised once at start-up (the data is static), so that the backend is not the bottleneck.
import { buildSubgraphSchema } from '@apollo/subgraph';
import Fastify from 'fastify';
import { execute, parse, validate } from 'graphql';
import { parseArgs } from 'node:util';
import { items } from './data.mjs';

const JSON_TYPE = 'application/json; charset=utf-8';

const ITEMS_SUBGRAPH_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query {
    "The first \`first\` items (all of them without it)."
    items(first: Int): [Item]
  }

  type Item @key(fields: "id") {
    id: ID!
    name: String
  }
`;

/** POST /graphql of the items subgraph: cached documents, and responses cached by request body. */
function itemsSubgraph() {
  const byId = new Map(items.map((item) => [item.id, item]));
  const schema = buildSubgraphSchema({
    typeDefs: parse(ITEMS_SUBGRAPH_SDL),
    resolvers: {
      Query: { items: (_source, { first }) => (first == null ? items : items.slice(0, Math.max(0, first))) },
      Item: { __resolveReference: (reference) => byId.get(reference.id) ?? null },
    },
  });
  const responses = new Map();
  return async (body) => {
    const cached = responses.get(body);
    if (cached) return cached;
    let request;
    let document;
    try {
      request = JSON.parse(body);
      document = parse(request.query);
    } catch (error) {
      return { status: 400, body: JSON.stringify({ errors: [{ message: error.message }] }) };
    }
    const errors = validate(schema, document);
    const result =
      errors.length > 0
        ? { errors }
        : await execute({
            schema,
            document,
            variableValues: request.variables,
            operationName: request.operationName,
          });
    const response = { status: 200, body: JSON.stringify(result) };
    if (!result.errors && responses.size < 100) responses.set(body, response);
    return response;
  };
}

async function startBackend({ port = 0, host = '127.0.0.1' } = {}) {
  const json = new Map(items.map((item) => [item.id, JSON.stringify(item)]));
  const counts = { single: 0, batch: 0, graphql: 0 };
  const graphql = itemsSubgraph();

  const app = Fastify({ logger: false });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  app.get('/items/:id', (request, reply) => {
    counts.single++;
    const body = json.get(request.params.id);
    if (body === undefined) return reply.code(404).type(JSON_TYPE).send('{"error":"not found"}');
    return reply.type(JSON_TYPE).send(body);
  });
  app.get('/items', (request, reply) => {
    counts.batch++;
    const ids = String(request.query.ids ?? '')
      .split(',')
      .filter((id) => json.has(id));
    return reply.type(JSON_TYPE).send(`[${ids.map((id) => json.get(id)).join(',')}]`);
  });
  app.post('/graphql', async (request, reply) => {
    counts.graphql++;
    const { status, body } = await graphql(typeof request.body === 'string' ? request.body : '');
    return reply.code(status).type(JSON_TYPE).send(body);
  });
  app.get('/__count', (_request, reply) =>
    reply.type(JSON_TYPE).send(JSON.stringify({ ...counts, rest: counts.single + counts.batch })),
  );
  app.post('/__reset', (_request, reply) => {
    counts.single = counts.batch = counts.graphql = 0;
    return reply.type(JSON_TYPE).send('{}');
  });

  await app.listen({ port, host });
  const { port: boundPort } = app.server.address();
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`, close: () => app.close() };
}

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
});
const backend = await startBackend({ port: Number(values.port), host: values.host });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void backend.close().then(() => process.exit(0)));
}
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, url: backend.url })}\n`);
