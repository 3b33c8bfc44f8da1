import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningGateway, StartGatewayOptions } from '../../src/server/start.js';
import { exampleServices } from '../../subgraphs/index.js';
import type { RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { signHs256 } from './jwt.js';
import {
  startConnectorGateway,
  startRestService,
  type RecordedCall,
  type RestService,
} from './rest-services.js';
import type { SpanRecorder } from './spans.js';

const inventorySdl = readFileSync(join(import.meta.dirname, '../../schema/inventory.graphql'), 'utf8');
const ISSUER = 'https://idp.traces.test/';
const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters';

/** Signs in as a client of the traced graph's gateways (their identity plugin checks it). */
export const bearer = () => `Bearer ${signHs256(SECRET, {}, { issuer: ISSUER, audience: 'gatehouse' })}`;

/** Products with stock (REST), reviews and their authors: the three GraphQL subgraphs and the connector. */
export const TOP_REVIEWS = /* GraphQL */ `
  query TopReviews {
    topProducts(first: 2) {
      upc
      name
      inStock
      reviews {
        body
        author {
          username
          name
        }
      }
    }
  }
`;

export interface TracedGraph {
  /** Starts a gateway over the graph with tracing on; `tracing` is merged into `telemetry.tracing`. */
  startGateway(
    recorder: SpanRecorder,
    overrides?: Record<string, unknown>,
    tracing?: Record<string, unknown> | false,
    options?: Omit<StartGatewayOptions, 'config' | 'traceSpanProcessor'>,
  ): Promise<RunningGateway>;
  /** The REST service behind the connector, recording what it received. */
  readonly inventory: RestService;
  /** The operations the reviews subgraph received (not the gateway's `_service` look-ups). */
  reviewsOperations(): RecordedCall[];
  /** Bytes of each answer the reviews subgraph sent. */
  readonly reviewsAnswerBytes: number[];
  /** Forgets what the recording proxies saw. */
  clear(): void;
  close(): Promise<void>;
}

/**
 * The example graph (accounts, products, reviews over GraphQL; inventory over REST, by its connector
 * schema) on loopback, with recording proxies in front of the reviews subgraph and the inventory
 * REST service, so that a test sees the headers each received. Gateways check a JWT (`bearer()`),
 * so that requests go through identity.
 */
export async function startTracedGraph(): Promise<TracedGraph> {
  const running = new Map<string, RunningService>();
  for (const example of exampleServices) running.set(example.name, await example.start({ port: 0 }));
  const url = (name: string) => running.get(name)?.url ?? '';
  const reviewsAnswerBytes: number[] = [];
  const reviews = await startRestService((app) => {
    app.post('/graphql', async (request, reply) => {
      const response = await fetch(url('reviews'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request.body),
      });
      const text = await response.text();
      reviewsAnswerBytes.push(Buffer.byteLength(text));
      return reply.code(response.status).type('application/json').send(text);
    });
  });
  const inventory = await startRestService((app) => {
    app.get('/*', async (request, reply) => {
      const response = await fetch(`${url('inventory')}${request.raw.url ?? ''}`);
      return reply
        .code(response.status)
        .type('application/json')
        .send(await response.text());
    });
  });
  return {
    startGateway(recorder, overrides = {}, tracing = {}, options = {}) {
      return startConnectorGateway({
        graphql: [
          { name: 'accounts', url: url('accounts') },
          { name: 'products', url: url('products') },
          { name: 'reviews', url: `${reviews.url}/graphql` },
        ],
        rest: [{ name: 'inventory', sdl: inventorySdl, sources: { inventory: inventory.url } }],
        overrides: {
          auth: {
            jwt: {
              issuers: [{ issuer: ISSUER, audience: 'gatehouse', algorithms: ['HS256'], secret: SECRET }],
            },
          },
          ...overrides,
          ...(tracing === false ? {} : { telemetry: { tracing: { enabled: true, ...tracing } } }),
        },
        gateway: { ...options, traceSpanProcessor: recorder.processor },
      });
    },
    inventory,
    reviewsOperations: () => reviews.calls.filter((call) => !JSON.stringify(call.body).includes('_service')),
    reviewsAnswerBytes,
    clear() {
      reviews.calls.length = 0;
      inventory.calls.length = 0;
      reviewsAnswerBytes.length = 0;
    },
    async close() {
      await Promise.all([reviews.close(), inventory.close()]);
      await Promise.all([...running.values()].map((service) => service.close()));
    },
  };
}
