import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startRecordingSubgraph, type RecordingSubgraph } from './recording-subgraph.js';

/**
 * What the traffic-control tests share: a graph of two subgraphs (books with demand-control costs,
 * authors to limit per subgraph), a clock the test moves, and a Redis key prefix per test.
 */

/** The books subgraph has 3 books, each with 2 reviews, whatever a client asks for. */
export const BOOKS = 3;
const REVIEWS = 2;
/**
 * books(first: 5): estimated 5 × (Book 10 + 50 reviews × Review 2) = 550; actually
 * 3 × (10 + 2 × 2) = 42. A budget charged with estimates would be spent after one request.
 */
export const COSTLY_QUERY = '{ books(first: 5) { title reviews { stars } } }';
export const COSTLY_ACTUAL = 42;
export const BOOKS_QUERY = '{ books(first: 1) { title } }';
export const BOTH_QUERY = '{ books(first: 1) { title } authors { name } }';

export async function startTrafficSubgraphs(): Promise<{
  books: RecordingSubgraph;
  authors: RecordingSubgraph;
}> {
  const [books, authors] = await Promise.all([
    startRecordingSubgraph({
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
    }),
    startRecordingSubgraph({
      name: 'authors',
      sdl: `
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
        type Query { authors: [Author!] }
        type Author { name: String }
      `,
      resolvers: { Query: { authors: () => [{ name: 'Ursula' }] } },
    }),
  ]);
  return { books, authors };
}

/** A clock tests move by hand: limits refill and periods turn only when they say so. */
export interface TestClock {
  now: number;
  read: () => number;
  advance(ms: number): void;
}

export function testClock(start: string): TestClock {
  const clock: TestClock = {
    now: Date.parse(start),
    read: () => clock.now,
    advance: (ms) => void (clock.now += ms),
  };
  return clock;
}

/** The two stores, as config overrides; Redis under a key prefix of the test's own. */
export const STORES = ['memory', 'redis'] as const;
export type StoreName = (typeof STORES)[number];

export function storeConfig(store: StoreName, prefix: string): Record<string, unknown> {
  return store === 'memory' ? {} : { redis: { url: 'redis://127.0.0.1:6379', keyPrefix: prefix } };
}

export function uniquePrefix(): string {
  return `t13:${randomUUID()}:`;
}

/** Deletes every key under `prefix` in the shared test Redis. */
export async function deleteKeys(prefix: string, url = 'redis://127.0.0.1:6379'): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
