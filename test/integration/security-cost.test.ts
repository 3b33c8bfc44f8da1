import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway, type GraphQLRequestBody } from '../helpers/gateway.js';
import { startRecordingSubgraph, type RecordingSubgraph } from '../helpers/recording-subgraph.js';

// Demand control over HTTP: the subgraph declares its costs (Federation 2.9 @cost and @listSize), the
// gateway composes them into its supergraph and estimates every operation before any subgraph call.

const ADMIN_TOKEN = { name: 'ops', token: 'security-cost-admin-token-0123456789' };
const MAX_COST = 1000;
/** The subgraph has 3 books, each with 2 reviews, whatever a client asks for. */
const BOOKS = 3;
const REVIEWS = 2;

// books(first: 100): 100 × (Book 10 + 50 reviews × Review 2) = 11,000
const EXPENSIVE = '{ books(first: 100) { title reviews { stars } } }';
// books(first: 5): 5 × (10 + 50 × 2) = 550 estimated; 3 × (10 + 2 × 2) = 42 actual
const AFFORDABLE = '{ books(first: 5) { title reviews { stars } } }';

let books: RecordingSubgraph;
let enforcing: RunningGateway;
let measuring: RunningGateway;
let production: RunningGateway;
const measureLogs: Record<string, unknown>[] = [];

beforeAll(async () => {
  books = await startRecordingSubgraph({
    name: 'books',
    sdl: `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])
      type Query {
        books(first: Int): [Book!]! @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)
      }
      type Book @key(fields: "id") @cost(weight: 10) {
        id: ID!
        title: String
        reviews: [Review!]! @listSize(assumedSize: 50)
      }
      type Review @cost(weight: 2) { stars: Int }
    `,
    resolvers: {
      Query: {
        books: () =>
          Array.from({ length: BOOKS }, (_, book) => ({
            id: String(book),
            title: `book ${book}`,
            reviews: Array.from({ length: REVIEWS }, (_, review) => ({ stars: review + 1 })),
          })),
      },
    },
  });
  const cost = { maxCost: MAX_COST };
  [enforcing, measuring, production] = await Promise.all([
    startTestGateway([books], { security: { cost: { ...cost, mode: 'enforce' } } }),
    startTestGateway(
      [books],
      { logging: { level: 'debug' }, security: { cost } },
      {
        logStream: {
          write: (line: string) => void measureLogs.push(JSON.parse(line) as Record<string, unknown>),
        },
      },
    ),
    startTestGateway([books], { stage: 'prod', registry: { tokens: [ADMIN_TOKEN] }, security: { cost } }),
  ]);
});

afterAll(async () => {
  await Promise.all([enforcing?.close(), measuring?.close(), production?.close()]);
  await books?.close();
});

interface Answer {
  data?: { books?: unknown[] };
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: { gatehouse?: { cost?: unknown; subgraphs?: unknown[] } };
}

async function send(gateway: RunningGateway, body: GraphQLRequestBody, headers: Record<string, string> = {}) {
  const response = await postGraphQL(gateway.graphqlUrl, body, headers);
  return { status: response.status, body: response.body as Answer };
}

describe('demand control in enforce mode', () => {
  it('refuses an operation estimated above maxCost before any subgraph call', async () => {
    const before = books.operations().length;
    const { status, body } = await send(enforcing, { query: EXPENSIVE });
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: `The operation's estimated cost 11000 is above the maximum cost ${MAX_COST} (security.cost.maxCost).`,
        extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 11000, max: MAX_COST } },
      },
    ]);
    expect(books.operations().length).toBe(before);
  });

  it('reads a slicing argument from the variables', async () => {
    const query = 'query Books($n: Int) { books(first: $n) { title reviews { stars } } }';
    const before = books.operations().length;
    expect((await send(enforcing, { query, variables: { n: 100 } })).status).toBe(400);
    expect(books.operations().length).toBe(before);
    const served = await send(enforcing, { query, variables: { n: 5 } });
    expect(served.status).toBe(200);
    expect(served.body.data?.books).toHaveLength(BOOKS);
  });

  it('serves an operation under maxCost, without extensions unless asked', async () => {
    const before = books.operations().length;
    const { status, body } = await send(enforcing, { query: AFFORDABLE });
    expect(status).toBe(200);
    expect(body.data?.books).toHaveLength(BOOKS);
    expect(body.extensions).toBeUndefined();
    expect(books.operations().length).toBe(before + 1);
  });

  it('shows the estimated and the actual cost (real list lengths) with `gatehouse-debug: cost` in dev', async () => {
    const { body } = await send(enforcing, { query: AFFORDABLE }, { 'gatehouse-debug': 'cost' });
    expect(body.extensions?.gatehouse?.cost).toEqual({
      estimated: 5 * (10 + 50 * 2),
      actual: BOOKS * (10 + REVIEWS * 2),
      max: MAX_COST,
      mode: 'enforce',
    });
  });

  it('answers `cost` and `subgraph-calls` together in one header', async () => {
    const { body } = await send(
      enforcing,
      { query: AFFORDABLE },
      { 'gatehouse-debug': 'subgraph-calls, cost' },
    );
    expect(body.extensions?.gatehouse?.cost).toMatchObject({ estimated: 550, actual: 42 });
    expect(body.extensions?.gatehouse?.subgraphs).toHaveLength(1);
  });
});

describe('demand control in measure mode (the default outside production stages)', () => {
  it('serves an operation above maxCost and logs that it would have been refused', async () => {
    const before = books.operations().length;
    const { status, body } = await send(measuring, { query: EXPENSIVE });
    expect(status).toBe(200);
    expect(body.data?.books).toHaveLength(BOOKS);
    expect(books.operations().length).toBe(before + 1);
    const warning = measureLogs.find((line) =>
      String(line.msg).startsWith('demand control (measure): would refuse'),
    );
    expect(warning).toMatchObject({ level: 40 /* warn */, cost: { estimated: 11000, max: MAX_COST } });
  });

  it('warns of nothing under maxCost, and logs the estimated and actual cost at debug level', async () => {
    const logged = measureLogs.length;
    expect((await send(measuring, { query: AFFORDABLE })).status).toBe(200);
    const lines = measureLogs.slice(logged).filter((line) => String(line.msg).startsWith('demand control'));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 20 /* debug */,
        msg: 'demand control: cost',
        cost: { estimated: 550, actual: 42, max: MAX_COST },
      }),
    ]);
  });
});

describe('demand control in a production stage', () => {
  it('enforces by default', async () => {
    const { status, body } = await send(production, { query: EXPENSIVE });
    expect(status).toBe(400);
    expect(body.errors?.map((error) => error.extensions)).toEqual([
      { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 11000, max: MAX_COST } },
    ]);
  });

  it('shows the cost only to a valid admin token', async () => {
    const anonymous = await send(production, { query: AFFORDABLE }, { 'gatehouse-debug': 'cost' });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.extensions).toBeUndefined();
    const wrong = await send(
      production,
      { query: AFFORDABLE },
      { 'gatehouse-debug': 'cost', 'gatehouse-admin-token': 'not-the-admin-token-0123' },
    );
    expect(wrong.body.extensions).toBeUndefined();
    const admin = await send(
      production,
      { query: AFFORDABLE },
      { 'gatehouse-debug': 'cost', 'gatehouse-admin-token': ADMIN_TOKEN.token },
    );
    expect(admin.body.extensions?.gatehouse?.cost).toEqual({
      estimated: 550,
      actual: 42,
      max: MAX_COST,
      mode: 'enforce',
    });
  });
});
