import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

interface User {
  id: string;
  name: string;
  favoriteUpc: string | null;
}
interface Product {
  upc: string;
  sku: string;
  name: string;
  designerId: string;
  colors: string[];
}
interface OrderLine {
  quantity: number;
  sku: string;
  variantId: string | null;
}
interface Order {
  id: string;
  number: string;
  buyerId: string;
  lines: OrderLine[];
}

const users: User[] = [
  { id: '1', name: 'Ada', favoriteUpc: 'upc-1' },
  { id: '2', name: 'Grace', favoriteUpc: 'upc-3' },
  { id: '3', name: 'Linus', favoriteUpc: null },
];
const products: Product[] = [
  { upc: 'upc-1', sku: 'SKU-LAMP', name: 'Arc Lamp', designerId: '1', colors: ['black', 'brass'] },
  { upc: 'upc-2', sku: 'SKU-DESK', name: 'Oak Desk', designerId: '2', colors: ['oak'] },
  { upc: 'upc-3', sku: 'SKU-CHAIR', name: 'Wire Chair', designerId: '3', colors: ['chrome', 'white'] },
];
const orders: Order[] = [
  {
    id: 'o-1',
    number: 'A-1001',
    buyerId: '1',
    lines: [
      { quantity: 2, sku: 'SKU-LAMP', variantId: '2' },
      { quantity: 1, sku: 'SKU-CHAIR', variantId: '1' },
    ],
  },
  { id: 'o-2', number: 'A-1002', buyerId: '2', lines: [{ quantity: 1, sku: 'SKU-DESK', variantId: '1' }] },
  // A product the catalog does not know (any more).
  { id: 'o-3', number: 'A-1003', buyerId: '3', lines: [{ quantity: 4, sku: 'SKU-GONE', variantId: null }] },
];

const variantsOf = (product: Product) =>
  product.colors.map((color, index) => ({ id: String(index + 1), sku: product.sku, color }));

/** accounts: owns User; points at a Product by its upc key only. */
export const accounts: SubgraphDefinition = {
  name: 'accounts',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      user(id: ID!): User
      users: [User!]!
    }
    type User @key(fields: "id") {
      id: ID!
      name: String!
      favoriteProduct: Product
    }
    type Product @key(fields: "upc", resolvable: false) {
      upc: String!
    }
  `),
  resolvers: {
    Query: {
      user: (_: unknown, { id }: { id: string }) => users.find((user) => user.id === id) ?? null,
      users: () => users,
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => users.find((user) => user.id === id) ?? null,
      favoriteProduct: (user: User) => (user.favoriteUpc ? { upc: user.favoriteUpc } : null),
    },
  },
};

/** orders: adds User.orders; points at Product by its sku key and at Variant by its compound key. */
export const ordersSubgraph: SubgraphDefinition = {
  name: 'orders',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      order(id: ID!): Order
    }
    type User @key(fields: "id") {
      id: ID!
      orders: [Order!]!
    }
    type Order @key(fields: "id") {
      id: ID!
      number: String!
      buyer: User!
      lines: [OrderLine!]!
    }
    type OrderLine {
      quantity: Int!
      product: Product
      variant: Variant
    }
    type Product @key(fields: "sku") {
      sku: String!
      orderCount: Int!
    }
    type Variant @key(fields: "id sku") {
      id: ID!
      sku: String!
      unitsSold: Int!
    }
  `),
  resolvers: {
    Query: { order: (_: unknown, { id }: { id: string }) => orders.find((order) => order.id === id) ?? null },
    User: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      orders: ({ id }: { id: string }) => orders.filter((order) => order.buyerId === id),
    },
    Order: {
      __resolveReference: ({ id }: { id: string }) => orders.find((order) => order.id === id) ?? null,
      buyer: (order: Order) => ({ id: order.buyerId }),
    },
    OrderLine: {
      product: (line: OrderLine) => ({ sku: line.sku }),
      variant: (line: OrderLine) => (line.variantId ? { id: line.variantId, sku: line.sku } : null),
    },
    Product: {
      __resolveReference: ({ sku }: { sku: string }) => ({ sku }),
      orderCount: ({ sku }: { sku: string }) =>
        orders.filter((order) => order.lines.some((line) => line.sku === sku)).length,
    },
    Variant: {
      __resolveReference: ({ id, sku }: { id: string; sku: string }) => ({ id, sku }),
      unitsSold: ({ id, sku }: { id: string; sku: string }) =>
        orders
          .flatMap((order) => order.lines)
          .filter((line) => line.sku === sku && line.variantId === id)
          .reduce((sum, line) => sum + line.quantity, 0),
    },
  },
};

/** catalog: owns Product (two keys) and Variant (compound key); points back at User. */
export const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      products: [Product!]!
      product(upc: String!): Product
    }
    type Product @key(fields: "upc") @key(fields: "sku") {
      upc: String!
      sku: String!
      name: String!
      designer: User
      variants: [Variant!]!
    }
    type Variant @key(fields: "id sku") {
      id: ID!
      sku: String!
      color: String!
      product: Product!
    }
    type User @key(fields: "id", resolvable: false) {
      id: ID!
    }
  `),
  resolvers: {
    Query: {
      products: () => products,
      product: (_: unknown, { upc }: { upc: string }) =>
        products.find((product) => product.upc === upc) ?? null,
    },
    Product: {
      __resolveReference: (reference: { upc?: string; sku?: string }) =>
        products.find((product) =>
          reference.upc === undefined ? product.sku === reference.sku : product.upc === reference.upc,
        ) ?? null,
      designer: (product: Product) => ({ id: product.designerId }),
      variants: variantsOf,
    },
    Variant: {
      __resolveReference: ({ id, sku }: { id: string; sku: string }) => {
        const product = products.find((candidate) => candidate.sku === sku);
        return product ? (variantsOf(product).find((variant) => variant.id === id) ?? null) : null;
      },
      product: ({ sku }: { sku: string }) => products.find((product) => product.sku === sku),
    },
  },
};
