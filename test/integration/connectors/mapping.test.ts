import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../src/server/start.js';
import { postGraphQL } from '../../helpers/gateway.js';
import {
  connectorSchemaHeader,
  startConnectorGateway,
  startRestService,
  type GraphQLBody,
  type RestService,
} from '../../helpers/rest-services.js';

// One REST response reshaped with every construct of the selection language, end to end.
const ORDER = {
  order_id: 'o-1',
  'Customer Name': 'Ada Lovelace',
  status_code: 2,
  address: { city: 'Zürich', zip: '8001', lines: ['Bahnhofstrasse 1', null, 'c/o Babbage'] },
  items: [
    { sku: 'pen', qty: 2, price: { cents: 150 } },
    { sku: 'ink', qty: 1, price: { cents: 900 } },
    { sku: 'pad', qty: 5, price: { cents: 300 } },
  ],
  tags: ['new', 'gift', 'express', 'vip'],
  attributes: { color: 'red', size: 'L' },
  meta: { source: 'web', score: 0.5 },
};

const sdl = `${connectorSchemaHeader(['shop'])}

type Address { city: String zip: String lines: [String] }
type Item { sku: String quantity: Int unitCents: Int }
type Attribute { key: String value: String }

type Order {
  id: ID!
  requestedId: ID
  customerName: String
  city: String
  shipping: Address
  items: [Item]
  kind: String
  version: Int
  firstTag: String
  lastTag: String
  skus: [String]
  status: String
  addressLine: String
  topTags: [String]
  itemCount: Int
  attributes: [Attribute]
  metaJson: String
  missing: String
}

type Query {
  order(id: ID!): Order
    @connect(
      source: "shop"
      http: { GET: "/orders/{$args.id}" }
      selection: """
      id: order_id
      requestedId: $args.id
      customerName: "Customer Name"
      city: $.address.city
      shipping: address { city zip lines }
      items { sku quantity: qty unitCents: price.cents }
      kind: $("order")
      version: $(1)
      firstTag: tags->first
      lastTag: tags->last
      skus: items->map(@.sku)
      status: status_code->match([1, "PLACED"], [2, "SHIPPED"], [@, "UNKNOWN"])
      addressLine: address.lines->joinNotNull(", ")
      topTags: tags->slice(1, 3)
      itemCount: items->size
      attributes: attributes->entries { key value }
      metaJson: meta->jsonStringify
      missing: no_such_field
      """
    )
  orders: [Order]
    @connect(
      source: "shop"
      http: { GET: "/orders" }
      selection: """
      $.results {
        id: order_id
        status: status_code->match([1, "PLACED"], [2, "SHIPPED"], [@, "UNKNOWN"])
        itemCount: items->size
      }
      """
    )
  tagCount: Int @connect(source: "shop", http: { GET: "/orders/o-1" }, selection: "$.tags->size")
}
`;

let shop: RestService;
let gateway: RunningGateway;

beforeAll(async () => {
  shop = await startRestService((app) => {
    app.get<{ Params: { id: string } }>('/orders/:id', async (request) => ({
      ...ORDER,
      order_id: request.params.id,
    }));
    app.get('/orders', async () => ({
      results: [
        { ...ORDER, order_id: 'o-1', status_code: 1, items: [] },
        { ...ORDER, order_id: 'o-2' },
        { ...ORDER, order_id: 'o-3', status_code: 9 },
      ],
      total: 3,
    }));
  });
  gateway = await startConnectorGateway({ rest: [{ name: 'shop', sdl, sources: { shop: shop.url } }] });
});

afterAll(async () => {
  await gateway?.close();
  await shop?.close();
});

beforeEach(() => {
  shop.calls.length = 0;
});

async function query(text: string): Promise<GraphQLBody> {
  return (await postGraphQL(gateway.graphqlUrl, { query: text })).body as GraphQLBody;
}

describe('the selection language, end to end', () => {
  it('maps every construct of one response', async () => {
    const body = await query(`{
      order(id: "o-1") {
        id requestedId customerName city
        shipping { city zip lines }
        items { sku quantity unitCents }
        kind version firstTag lastTag skus status addressLine topTags itemCount
        attributes { key value }
        metaJson missing
      }
    }`);
    expect(body).toEqual({
      data: {
        order: {
          id: 'o-1',
          requestedId: 'o-1',
          customerName: 'Ada Lovelace',
          city: 'Zürich',
          shipping: { city: 'Zürich', zip: '8001', lines: ['Bahnhofstrasse 1', null, 'c/o Babbage'] },
          items: [
            { sku: 'pen', quantity: 2, unitCents: 150 },
            { sku: 'ink', quantity: 1, unitCents: 900 },
            { sku: 'pad', quantity: 5, unitCents: 300 },
          ],
          kind: 'order',
          version: 1,
          firstTag: 'new',
          lastTag: 'vip',
          skus: ['pen', 'ink', 'pad'],
          status: 'SHIPPED',
          addressLine: 'Bahnhofstrasse 1, c/o Babbage',
          topTags: ['gift', 'express'],
          itemCount: 3,
          attributes: [
            { key: 'color', value: 'red' },
            { key: 'size', value: 'L' },
          ],
          metaJson: '{"source":"web","score":0.5}',
          missing: null,
        },
      },
    });
    expect(shop.calls.map((call) => call.url)).toEqual(['/orders/o-1']);
  });

  it('a client asking for a few fields gets just those, from the same mapping', async () => {
    expect(await query('{ order(id: "o-9") { id status shipping { zip } } }')).toEqual({
      data: { order: { id: 'o-9', status: 'SHIPPED', shipping: { zip: '8001' } } },
    });
  });

  it('a root selection over an array maps each element; ->match falls through to its default', async () => {
    expect(await query('{ orders { id status itemCount } }')).toEqual({
      data: {
        orders: [
          { id: 'o-1', status: 'PLACED', itemCount: 0 },
          { id: 'o-2', status: 'SHIPPED', itemCount: 3 },
          { id: 'o-3', status: 'UNKNOWN', itemCount: 3 },
        ],
      },
    });
  });

  it('a selection that is a single path with a method maps to a scalar field', async () => {
    expect(await query('{ tagCount }')).toEqual({ data: { tagCount: 4 } });
  });
});
