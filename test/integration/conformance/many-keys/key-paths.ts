import type { ConformanceCase } from '../types.js';

/** Which key path the plan takes, and that it reaches every subgraph it needs to. */
export const keyPathCases: ConformanceCase[] = [
  {
    name: 'a field from every subgraph in one query',
    query: '{ item(id: "i1") { id stock name sku vendor compositeId { one two } price rating } }',
    expected: {
      data: {
        item: {
          id: 'i1',
          stock: 120,
          name: 'M4 bolt',
          sku: 'BOLT-M4',
          vendor: 'acme',
          compositeId: { one: 'HW', two: 4 },
          price: 30,
          rating: 4.5,
        },
      },
    },
    subgraphRequests: { inventory: 1, registry: 1, pricing: 1, reviews: 1 },
  },
  {
    // inventory knows only the id and pricing only compositeId: registry must be fetched in between.
    name: 'two hops: a pricing field from the id-only root goes inventory -> registry -> pricing',
    query: '{ item(id: "i2") { price } }',
    expected: { data: { item: { price: 20 } } },
    subgraphRequests: { inventory: 1, registry: 1, pricing: 1 },
  },
  {
    // The representation needs compositeId { one two } although the client asks for `two` only;
    // i3 shares `two` with i1, so a representation without `one` could not tell them apart.
    name: 'the nested key object is selected by the client too, only in part',
    query: '{ item(id: "i3") { compositeId { two } price } }',
    expected: { data: { item: { compositeId: { two: 4 }, price: 10 } } },
    subgraphRequests: { inventory: 1, registry: 1, pricing: 1 },
  },
  {
    // The client skips compositeId, yet pricing still needs it in the representation.
    name: 'a key field the client skips is still fetched for the next hop, and left out',
    query: /* GraphQL */ `
      query ($hide: Boolean = true) {
        item(id: "i1") {
          compositeId @skip(if: $hide) {
            one
            two
          }
          price
        }
      }
    `,
    expected: { data: { item: { price: 30 } } },
    subgraphRequests: { inventory: 1, registry: 1, pricing: 1 },
  },
  {
    // reviews declares @key(fields: "id", resolvable: false): from inventory's id the plan must
    // fetch sku and vendor from registry first (reviews throws on an id-only representation).
    name: 'a resolvable: false key is not used to enter that subgraph',
    query: '{ item(id: "i2") { rating reviewCount } }',
    expected: { data: { item: { rating: 2, reviewCount: 1 } } },
    subgraphRequests: { inventory: 1, registry: 1, reviews: 1 },
  },
  {
    name: 'a root field found by the compound key reaches the id, nested-key and sku keyed subgraphs',
    query: '{ itemBySku(sku: "BOLT-M4", vendor: "globex") { id stock price rating } }',
    expected: { data: { itemBySku: { id: 'i2', stock: 0, price: 20, rating: 2 } } },
    subgraphRequests: { registry: 1, inventory: 1, pricing: 1, reviews: 1 },
  },
  {
    // reviews cannot be entered by id, but it can hand its id on: stock comes from inventory by it.
    name: 'from the subgraph with the resolvable: false key, its id still leads into inventory',
    query: '{ topRated { id sku vendor rating stock price } }',
    expected: {
      data: {
        topRated: [
          { id: 'i1', sku: 'BOLT-M4', vendor: 'acme', rating: 4.5, stock: 120, price: 30 },
          { id: 'i4', sku: 'WASHER-M4', vendor: 'acme', rating: 3, stock: 300, price: null },
          { id: 'i2', sku: 'BOLT-M4', vendor: 'globex', rating: 2, stock: 0, price: 20 },
        ],
      },
    },
    subgraphRequests: { reviews: 1, inventory: 1, registry: 1, pricing: 1 },
  },
  {
    name: 'a list of entities: one batched request per hop',
    query: '{ warehouse(code: "north") { code items { id name price rating } } }',
    expected: {
      data: {
        warehouse: {
          code: 'north',
          items: [
            { id: 'i1', name: 'M4 bolt', price: 30, rating: 4.5 },
            { id: 'i2', name: 'M4 bolt, zinc', price: 20, rating: 2 },
            { id: 'i3', name: 'M4 nut', price: 10, rating: null },
          ],
        },
      },
    },
    subgraphRequests: { inventory: 1, registry: 1, pricing: 1, reviews: 1 },
  },
  {
    // pricing answers null for i4 (no price); registry answers null for i5, so i5 has no sku,
    // vendor or compositeId and neither pricing nor reviews can be asked about it.
    name: 'entities unknown to one subgraph: its fields, and those of the hops behind it, are null',
    query: '{ warehouse(code: "south") { items { id stock name price rating } } }',
    expected: {
      data: {
        warehouse: {
          items: [
            { id: 'i4', stock: 300, name: 'M4 washer', price: null, rating: 3 },
            { id: 'i5', stock: 8, name: null, price: null, rating: null },
          ],
        },
      },
    },
    subgraphRequests: { inventory: 1, registry: 1, pricing: 1, reviews: 1 },
  },
  {
    name: 'a root field answering null: no entity fetch follows',
    query: '{ item(id: "i404") { id name price rating } }',
    expected: { data: { item: null } },
    subgraphRequests: { inventory: 1 },
  },
];
