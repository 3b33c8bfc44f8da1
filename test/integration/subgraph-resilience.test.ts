import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import type { RunningGateway } from '../../src/server/start.js';
import { startFlakySubgraph, type FlakySubgraph } from '../helpers/flaky-subgraph.js';
import { postGraphQL, readResponse, startTestGateway } from '../helpers/gateway.js';

/*
 * Retries and circuit breakers through HTTP, on both executors: "accounts" is healthy, "reviews" and
 * "ratings" fail on cue (a dropped connection, a 503, a 500), and each test counts what they saw.
 */

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])';
let added = 0;

let accounts: RunningService;
let reviews: FlakySubgraph;
let ratings: FlakySubgraph;

beforeAll(async () => {
  accounts = await serveSubgraph(accountsSubgraph);
  reviews = await startFlakySubgraph({
    name: 'reviews',
    sdl: `${FEDERATION}
      type Query { topReviewCount: Int }
      type Mutation { addReview(body: String!): Int! }
      type User @key(fields: "id") { id: ID! reviewCount: Int }`,
    resolvers: {
      Query: { topReviewCount: () => 42 },
      Mutation: { addReview: () => ++added },
      User: { __resolveReference: ({ id }: { id: string }) => ({ id, reviewCount: 7 }) },
    },
  });
  ratings = await startFlakySubgraph({
    name: 'ratings',
    sdl: `${FEDERATION}
      type User @key(fields: "id") { id: ID! rating: Int }`,
    resolvers: { User: { __resolveReference: ({ id }: { id: string }) => ({ id, rating: 5 }) } },
  });
});

afterAll(async () => {
  await reviews?.close();
  await ratings?.close();
  await accounts?.close();
});

beforeEach(() => {
  reviews.reset();
  ratings.reset();
});

function startGateway(engine: 'gatehouse' | 'apollo', transport: Record<string, unknown>) {
  return startTestGateway(
    [
      { name: 'accounts', url: accounts.url },
      { name: 'reviews', url: reviews.url },
      { name: 'ratings', url: ratings.url },
    ],
    { execution: { engine }, transport },
  );
}

const meWithReviews = '{ me { id username reviewCount } }';

function reviewsError(message: RegExp) {
  return {
    message: expect.stringMatching(message),
    extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'reviews' },
  };
}

describe.each(['gatehouse', 'apollo'] as const)('on the %s executor', (engine) => {
  describe('retries', () => {
    let gateway: RunningGateway;

    beforeAll(async () => {
      gateway = await startGateway(engine, {
        retries: { budgetPerRequest: 3, all: { enabled: true, maxRetries: 2, minDelayMs: 1, maxDelayMs: 5 } },
      });
    });

    afterAll(async () => {
      await gateway?.close();
    });

    it('retries a query whose connection was dropped: the client gets all the data', async () => {
      reviews.script = ['drop'];
      const response = await postGraphQL(gateway.graphqlUrl, { query: meWithReviews });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        data: { me: { id: '1', username: expect.any(String), reviewCount: 7 } },
      });
      expect(reviews.operations).toBe(2);
    });

    it('retries a query answered 503', async () => {
      reviews.script = [503];
      const response = await postGraphQL(gateway.graphqlUrl, { query: meWithReviews });
      expect(response.body).toEqual({
        data: { me: { id: '1', username: expect.any(String), reviewCount: 7 } },
      });
      expect(reviews.operations).toBe(2);
    });

    it('does not retry a query answered 500', async () => {
      reviews.script = [500];
      const response = await postGraphQL(gateway.graphqlUrl, { query: meWithReviews });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        data: { me: { id: '1', reviewCount: null } },
        errors: [reviewsError(/HTTP 500/)],
      });
      expect(reviews.operations).toBe(1);
    });

    it('never retries a mutation: the dropped connection is reported', async () => {
      reviews.script = ['drop'];
      const before = added;
      const response = await postGraphQL(gateway.graphqlUrl, {
        query: 'mutation { addReview(body: "great") }',
      });
      expect(response.body).toMatchObject({ errors: [reviewsError(/"reviews" could not be reached/)] });
      expect(reviews.operations).toBe(1);
      expect(added).toBe(before);
    });

    it('gives up after maxRetries', async () => {
      reviews.otherwise = 503;
      const response = await postGraphQL(gateway.graphqlUrl, { query: meWithReviews });
      expect(response.body).toMatchObject({ errors: [reviewsError(/HTTP 503/)] });
      expect(reviews.operations).toBe(3);
    });

    it('spends at most budgetPerRequest retries on all the subgraph calls of one request', async () => {
      reviews.otherwise = 503;
      ratings.otherwise = 503;
      const response = await postGraphQL(gateway.graphqlUrl, { query: '{ me { id reviewCount rating } }' });
      expect(response.body).toMatchObject({ data: { me: { id: '1', reviewCount: null, rating: null } } });
      // Two calls, 2 retries each allowed, 3 for the request: 2 + 3 tries, not 2 + 4.
      expect(reviews.operations + ratings.operations).toBe(5);
      // The next request has a budget of its own.
      reviews.reset();
      reviews.otherwise = 503;
      await postGraphQL(gateway.graphqlUrl, { query: meWithReviews });
      expect(reviews.operations).toBe(3);
    });
  });

  describe('the circuit breaker', () => {
    const RESET_MS = 500;
    let gateway: RunningGateway;

    beforeAll(async () => {
      gateway = await startGateway(engine, {
        circuitBreaker: {
          all: { enabled: true, failureThreshold: 3, resetTimeoutMs: RESET_MS },
          subgraphs: { accounts: { enabled: false } },
        },
      });
    });

    afterAll(async () => {
      await gateway?.close();
    });

    async function breakers(): Promise<unknown> {
      const ready = await readResponse(await fetch(`${gateway.url}/ready`));
      expect(ready.status).toBe(200);
      return (ready.body as { detail: Record<string, unknown> }).detail['circuit-breaker'];
    }

    it('opens after 3 failures, fails fast while open, half-opens after resetTimeoutMs and closes on success', async () => {
      expect(await breakers()).toEqual({
        subgraphs: {
          reviews: { state: 'closed', consecutiveFailures: 0 },
          ratings: { state: 'closed', consecutiveFailures: 0 },
        },
      });

      // 500 is not retried, but it counts for the breaker.
      reviews.otherwise = 500;
      for (let i = 0; i < 3; i++) {
        const failed = await postGraphQL(gateway.graphqlUrl, { query: '{ topReviewCount }' });
        expect(failed.body).toMatchObject({ errors: [reviewsError(/HTTP 500/)] });
      }
      expect(reviews.operations).toBe(3);
      expect(await breakers()).toMatchObject({
        subgraphs: { reviews: { state: 'open' }, ratings: { state: 'closed' } },
      });

      // Open: the subgraph is not called, and the request answers at once.
      const started = performance.now();
      const fast = await postGraphQL(gateway.graphqlUrl, { query: '{ topReviewCount }' });
      expect(performance.now() - started).toBeLessThan(50);
      expect(fast.status).toBe(502);
      expect(fast.body).toMatchObject({ errors: [reviewsError(/circuit breaker is open/)] });
      // The rest of a response is still served.
      const partial = await postGraphQL(gateway.graphqlUrl, { query: meWithReviews });
      expect(partial.status).toBe(200);
      expect(partial.body).toMatchObject({
        data: { me: { id: '1', username: expect.any(String), reviewCount: null } },
        errors: [reviewsError(/circuit breaker is open/)],
      });
      expect(reviews.operations).toBe(3);

      // After resetTimeoutMs, one trial call goes through; it succeeds and closes the breaker.
      await sleep(RESET_MS + 50);
      expect(await breakers()).toMatchObject({ subgraphs: { reviews: { state: 'half-open' } } });
      reviews.otherwise = 'answer';
      const recovered = await postGraphQL(gateway.graphqlUrl, { query: meWithReviews });
      expect(recovered.body).toEqual({
        data: { me: { id: '1', username: expect.any(String), reviewCount: 7 } },
      });
      expect(reviews.operations).toBe(4);
      expect(await breakers()).toMatchObject({
        subgraphs: { reviews: { state: 'closed', consecutiveFailures: 0 } },
      });
    });

    it('opens again when the trial call fails', async () => {
      reviews.otherwise = 'drop';
      for (let i = 0; i < 3; i++) await postGraphQL(gateway.graphqlUrl, { query: '{ topReviewCount }' });
      expect(await breakers()).toMatchObject({ subgraphs: { reviews: { state: 'open' } } });
      await sleep(RESET_MS + 50);
      const trial = await postGraphQL(gateway.graphqlUrl, { query: '{ topReviewCount }' });
      expect(trial.body).toMatchObject({ errors: [reviewsError(/could not be reached/)] });
      expect(reviews.operations).toBe(4);
      expect(await breakers()).toMatchObject({ subgraphs: { reviews: { state: 'open' } } });
      await postGraphQL(gateway.graphqlUrl, { query: '{ topReviewCount }' });
      expect(reviews.operations).toBe(4);
    });
  });

  it('with retries and the breaker both on: retries stop once the breaker opens', async () => {
    const gateway = await startGateway(engine, {
      retries: { budgetPerRequest: 10, all: { enabled: true, maxRetries: 5, minDelayMs: 1, maxDelayMs: 2 } },
      circuitBreaker: { all: { enabled: true, failureThreshold: 2, resetTimeoutMs: 60_000 } },
    });
    try {
      reviews.otherwise = 503;
      const response = await postGraphQL(gateway.graphqlUrl, { query: '{ topReviewCount }' });
      // Two tries open the breaker; the next retry fails at once and is not retried.
      expect(response.body).toMatchObject({ errors: [reviewsError(/circuit breaker is open/)] });
      expect(reviews.operations).toBe(2);
    } finally {
      await gateway.close();
    }
  });
});
