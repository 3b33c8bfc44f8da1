import { parse } from 'graphql';
import {
  isEntryPoint,
  runStandalone,
  serveSubgraph,
  type ListenOptions,
  type RunningService,
  type SubgraphDefinition,
} from '../lib/serve-subgraph.js';
import { findReview, reviewsByAuthor, reviewsOfProduct, type Review } from './data.js';

const typeDefs = parse(/* GraphQL */ `
  extend schema
    @link(
      url: "https://specs.apollo.dev/federation/v2.6"
      import: ["@key", "@external", "@provides", "@requires", "@interfaceObject"]
    )

  type Review @key(fields: "id") {
    id: ID!
    body: String!
    "1 to 5 stars."
    rating: Int!
    author: User! @provides(fields: "username")
    product: Product!
  }

  type User @key(fields: "id") {
    id: ID!
    # Owned by accounts; this subgraph only resolves it where it is @provided (Review.author).
    username: String! @external
    reviews: [Review!]!
  }

  # Adds review fields to every implementation of the products subgraph's Product interface.
  type Product @key(fields: "upc") @interfaceObject {
    upc: String!
    name: String! @external
    reviews: [Review!]!
    reviewCount: Int!
    "Mean rating rounded to one decimal, or null without reviews."
    averageRating: Float
    "A one-line summary such as 'Oak Writing Desk: 4.0/5 from 1 review'."
    ratingLabel: String! @requires(fields: "name")
  }
`);

interface ProductReference {
  upc: string;
  name?: string;
}

function averageRating(upc: string): number | null {
  const ratings = reviewsOfProduct(upc).map((review) => review.rating);
  if (ratings.length === 0) return null;
  return Math.round((ratings.reduce((sum, rating) => sum + rating, 0) / ratings.length) * 10) / 10;
}

export const reviewsSubgraph: SubgraphDefinition = {
  name: 'reviews',
  typeDefs,
  resolvers: {
    Review: {
      __resolveReference: ({ id }: { id: string }) => findReview(id) ?? null,
      author: (review: Review) => ({
        __typename: 'User',
        id: review.authorId,
        username: review.authorUsername,
      }),
      product: (review: Review) => ({ __typename: 'Product', upc: review.productUpc }),
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      reviews: ({ id }: { id: string }) => reviewsByAuthor(id),
    },
    Product: {
      // Representations carry `name` when the gateway resolves the @requires field.
      __resolveReference: (reference: ProductReference) => reference,
      reviews: ({ upc }: ProductReference) => reviewsOfProduct(upc),
      reviewCount: ({ upc }: ProductReference) => reviewsOfProduct(upc).length,
      averageRating: ({ upc }: ProductReference) => averageRating(upc),
      ratingLabel: ({ upc, name }: ProductReference) => {
        const count = reviewsOfProduct(upc).length;
        const average = averageRating(upc);
        const label = name ?? `Product ${upc}`;
        if (average === null) return `${label}: no reviews yet`;
        return `${label}: ${average.toFixed(1)}/5 from ${count} review${count === 1 ? '' : 's'}`;
      },
    },
  },
};

export function startReviews(options?: ListenOptions): Promise<RunningService> {
  return serveSubgraph(reviewsSubgraph, options);
}

if (isEntryPoint(import.meta.url)) void runStandalone(startReviews, 4003);
