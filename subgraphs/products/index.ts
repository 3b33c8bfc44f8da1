import { GraphQLError, parse } from 'graphql';
import {
  isEntryPoint,
  runStandalone,
  serveSubgraph,
  type ListenOptions,
  type RunningService,
  type SubgraphDefinition,
} from '../lib/serve-subgraph.js';
import { findProduct, products, type Product } from './data.js';

const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Query {
    "The best-selling products, most popular first."
    topProducts(first: Int = 5): [Product!]!
    product(upc: String!): Product
  }

  """
  An entity interface: the reviews subgraph adds fields to every implementation
  at once through its @interfaceObject Product.
  """
  interface Product @key(fields: "upc") {
    upc: String!
    name: String!
    "Price in US cents."
    price: Int!
    "Shipping weight in grams."
    weight: Int!
  }

  type Book implements Product @key(fields: "upc") {
    upc: String!
    name: String!
    price: Int!
    weight: Int!
    author: String!
    isbn: String!
    pages: Int!
  }

  type Furniture implements Product @key(fields: "upc") {
    upc: String!
    name: String!
    price: Int!
    weight: Int!
    material: String!
    assemblyRequired: Boolean!
  }
`);

const resolveProduct = ({ upc }: { upc: string }): Product | null => findProduct(upc) ?? null;

/** A reference typed as a concrete type only resolves to a product of that kind. */
const resolveKind =
  (kind: Product['kind']) =>
  ({ upc }: { upc: string }): Product | null => {
    const product = findProduct(upc);
    return product?.kind === kind ? product : null;
  };

export const productsSubgraph: SubgraphDefinition = {
  name: 'products',
  typeDefs,
  resolvers: {
    Query: {
      topProducts: (_: unknown, { first }: { first: number | null }) => {
        if (first === null) return products.slice(0, 5);
        if (first < 0) {
          throw new GraphQLError('`first` must not be negative', {
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        return products.slice(0, first);
      },
      product: (_: unknown, args: { upc: string }) => resolveProduct(args),
    },
    Product: {
      // References typed as the interface itself (`{ __typename: "Product", upc }`) come from
      // the reviews subgraph's @interfaceObject; __resolveType then picks the concrete type.
      __resolveReference: resolveProduct,
      __resolveType: (product: Product) => product.kind,
    },
    Book: { __resolveReference: resolveKind('Book') },
    Furniture: { __resolveReference: resolveKind('Furniture') },
  },
};

export function startProducts(options?: ListenOptions): Promise<RunningService> {
  return serveSubgraph(productsSubgraph, options);
}

if (isEntryPoint(import.meta.url)) void runStandalone(startProducts, 4002);
