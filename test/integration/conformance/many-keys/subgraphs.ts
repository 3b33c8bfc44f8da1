import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

/*
 * One entity, Item, with three keys spread over four subgraphs:
 *   inventory  @key(fields: "id")                              knows only the id
 *   registry   @key(fields: "id") @key(fields: "sku vendor")   knows every key field
 *   pricing    @key(fields: "compositeId { one two }")         reachable only through registry
 *   reviews    @key(fields: "sku vendor") @key(fields: "id", resolvable: false)
 * From inventory, pricing and reviews are two hops away: inventory -> registry -> pricing/reviews.
 * Every __resolveReference throws when its key fields are missing, so a wrong plan is an error.
 */

interface CompositeId {
  one: string;
  two: number;
}
interface RegistryItem {
  id: string;
  sku: string;
  vendor: string;
  name: string;
  compositeId: CompositeId;
  accessoryIds: string[];
}

// i1 and i2 share a sku (vendor tells them apart); i1 and i3 share compositeId.two (one tells them apart).
const registryItems: RegistryItem[] = [
  {
    id: 'i1',
    sku: 'BOLT-M4',
    vendor: 'acme',
    name: 'M4 bolt',
    compositeId: { one: 'HW', two: 4 },
    accessoryIds: ['i3', 'i4'],
  },
  {
    id: 'i2',
    sku: 'BOLT-M4',
    vendor: 'globex',
    name: 'M4 bolt, zinc',
    compositeId: { one: 'HW', two: 5 },
    accessoryIds: ['i3'],
  },
  {
    id: 'i3',
    sku: 'NUT-M4',
    vendor: 'acme',
    name: 'M4 nut',
    compositeId: { one: 'NT', two: 4 },
    accessoryIds: [],
  },
  {
    id: 'i4',
    sku: 'WASHER-M4',
    vendor: 'acme',
    name: 'M4 washer',
    compositeId: { one: 'WS', two: 4 },
    accessoryIds: [],
  },
  // i5 is stocked by inventory but unknown to the registry (discontinued).
];

/** Stock by item id; i5 exists only here. */
const stock: Record<string, number> = { i1: 120, i2: 0, i3: 45, i4: 300, i5: 8 };
const warehouses: Record<string, string[]> = { north: ['i1', 'i2', 'i3'], south: ['i4', 'i5'] };

/** USD cents by `one-two`; the washer (WS-4) has no price. */
const pricesUsd: Record<string, number> = { 'HW-4': 30, 'HW-5': 20, 'NT-4': 10 };

/** Review stars by `sku/vendor`, with the item id reviews also stores; the nut has none. */
const reviewed = [
  { id: 'i1', sku: 'BOLT-M4', vendor: 'acme', stars: [5, 4] },
  { id: 'i2', sku: 'BOLT-M4', vendor: 'globex', stars: [2] },
  { id: 'i3', sku: 'NUT-M4', vendor: 'acme', stars: [] as number[] },
  { id: 'i4', sku: 'WASHER-M4', vendor: 'acme', stars: [3] },
];

type Representation = Record<string, unknown>;

function fail(subgraph: string, representation: Representation, expected: string): never {
  throw new Error(`${subgraph} needs ${expected} to resolve an Item, got ${JSON.stringify(representation)}`);
}

/** inventory: the root fields; knows an Item by its id only. */
export const inventory: SubgraphDefinition = {
  name: 'inventory',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      item(id: ID!): Item
      warehouse(code: String!): Warehouse
    }
    type Mutation {
      "Holds items without changing the stock (so every run sees the same data)."
      reserve(itemId: ID!, quantity: Int!): Reservation
    }
    type Warehouse {
      code: String!
      items: [Item!]!
    }
    type Reservation {
      quantity: Int!
      remaining: Int!
      item: Item!
    }
    type Item @key(fields: "id") {
      id: ID!
      stock: Int!
    }
  `),
  resolvers: {
    Query: {
      item: (_: unknown, { id }: { id: string }) => (id in stock ? { id } : null),
      warehouse: (_: unknown, { code }: { code: string }) =>
        warehouses[code] ? { code, items: warehouses[code].map((id) => ({ id })) } : null,
    },
    Mutation: {
      reserve: (_: unknown, { itemId, quantity }: { itemId: string; quantity: number }) => {
        const inStock = stock[itemId];
        return inStock === undefined
          ? null
          : { quantity, remaining: inStock - quantity, item: { id: itemId } };
      },
    },
    Item: {
      __resolveReference: (representation: Representation) => {
        if (typeof representation.id !== 'string') fail('inventory', representation, 'id');
        return representation.id in stock ? { id: representation.id } : null;
      },
      stock: ({ id }: { id: string }) => stock[id],
    },
  },
};

/** registry: resolves an Item by id or by sku + vendor, and knows its compositeId. */
export const registry: SubgraphDefinition = {
  name: 'registry',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@shareable"])
    type Query {
      itemBySku(sku: String!, vendor: String!): Item
    }
    type Item @key(fields: "id") @key(fields: "sku vendor") {
      id: ID!
      sku: String!
      vendor: String!
      name: String
      compositeId: CompositeId! @shareable
      accessories: [Item!]!
    }
    type CompositeId @shareable {
      one: String!
      two: Int!
    }
  `),
  resolvers: {
    Query: {
      itemBySku: (_: unknown, { sku, vendor }: { sku: string; vendor: string }) =>
        registryItems.find((item) => item.sku === sku && item.vendor === vendor) ?? null,
    },
    Item: {
      __resolveReference: (representation: Representation) => {
        const { id, sku, vendor } = representation;
        if (typeof id === 'string') return registryItems.find((item) => item.id === id) ?? null;
        if (typeof sku !== 'string' || typeof vendor !== 'string') {
          fail('registry', representation, 'id, or sku and vendor');
        }
        return registryItems.find((item) => item.sku === sku && item.vendor === vendor) ?? null;
      },
      accessories: (item: RegistryItem) =>
        item.accessoryIds.map((id) => registryItems.find((candidate) => candidate.id === id)),
    },
  },
};

/** pricing: keyed only by the nested compound compositeId { one two }. */
export const pricing: SubgraphDefinition = {
  name: 'pricing',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@shareable"])
    type Item @key(fields: "compositeId { one two }") {
      compositeId: CompositeId!
      "In cents; null when the item has no price."
      price(currency: String! = "USD"): Int
    }
    type CompositeId @shareable {
      one: String!
      two: Int!
    }
  `),
  resolvers: {
    Item: {
      __resolveReference: (representation: Representation) => {
        const compositeId = representation.compositeId as Partial<CompositeId> | undefined;
        if (typeof compositeId?.one !== 'string' || typeof compositeId.two !== 'number') {
          fail('pricing', representation, 'compositeId { one two }');
        }
        const usd = pricesUsd[`${compositeId.one}-${compositeId.two}`];
        return usd === undefined ? null : { compositeId, usd };
      },
      price: ({ usd }: { usd: number }, { currency }: { currency: string }) => {
        if (currency === 'USD') return usd;
        if (currency === 'EUR') return Math.round(usd * 0.9);
        throw new Error(`Unknown currency ${currency}`);
      },
    },
  },
};

/** reviews: resolvable by sku + vendor only; its id key is resolvable: false. */
export const reviews: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      "Reviewed items, best average first."
      topRated: [Item!]!
    }
    type Item @key(fields: "sku vendor") @key(fields: "id", resolvable: false) {
      id: ID!
      sku: String!
      vendor: String!
      "Average stars; null without reviews."
      rating: Float
      reviewCount: Int!
    }
  `),
  resolvers: {
    Query: {
      topRated: () =>
        reviewed
          .filter((item) => item.stars.length > 0)
          .map((item) => ({ ...item, average: average(item.stars) }))
          .sort((a, b) => b.average - a.average),
    },
    Item: {
      __resolveReference: (representation: Representation) => {
        const { sku, vendor } = representation;
        if (typeof sku !== 'string' || typeof vendor !== 'string') {
          fail('reviews', representation, 'sku and vendor');
        }
        return reviewed.find((item) => item.sku === sku && item.vendor === vendor) ?? null;
      },
      rating: ({ stars }: { stars: number[] }) => (stars.length ? average(stars) : null),
      reviewCount: ({ stars }: { stars: number[] }) => stars.length,
    },
  },
};

const average = (stars: number[]) => stars.reduce((sum, star) => sum + star, 0) / stars.length;
