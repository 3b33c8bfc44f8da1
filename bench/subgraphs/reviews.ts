import { parse } from 'graphql';
import { reviews as allReviews, type BenchReview } from './data.js';
import type { BenchSubgraphDefinition } from './definition.js';

interface ReviewsUser {
  id: string;
  username: string;
}

const reviewsById = new Map(allReviews.map((review) => [review.id, review]));
const reviewsByUpc = new Map<string, BenchReview[]>();
for (const review of allReviews) {
  const list = reviewsByUpc.get(review.upc);
  if (list) list.push(review);
  else reviewsByUpc.set(review.upc, [review]);
}

// Quirks of the published service, which expected.json depends on:
// - every review's author is user 1, `urigo`;
// - any User entity resolved here has username "user";
// - every user's reviews are reviews 1 and 2.
const AUTHOR: ReviewsUser = { id: '1', username: 'urigo' };
const USER_REVIEWS: readonly BenchReview[] = allReviews.filter(
  (review) => review.id === '1' || review.id === '2',
);
const NO_REVIEWS: readonly BenchReview[] = [];

/** reviews: the reviews, and `reviews` on User and Product. Federation 1 SDL. */
export const reviews: BenchSubgraphDefinition = {
  name: 'reviews',
  typeDefs: parse(`
    type Review @key(fields: "id") {
      id: ID!
      body: String
      product: Product
      author: User @provides(fields: "username")
    }

    extend type User @key(fields: "id") {
      id: ID! @external
      username: String @external
      reviews: [Review]
    }

    extend type Product @key(fields: "upc") {
      upc: String! @external
      reviews: [Review]
    }
  `),
  resolvers: {
    Review: {
      __resolveReference: (reference: { id: string }): BenchReview | null =>
        reviewsById.get(reference.id) ?? null,
      product: (review: BenchReview): { upc: string } => ({ upc: review.upc }),
      author: (): ReviewsUser => AUTHOR,
    },
    User: {
      __resolveReference: (reference: { id: string }): ReviewsUser => ({
        id: reference.id,
        username: 'user',
      }),
      reviews: (): readonly BenchReview[] => USER_REVIEWS,
    },
    Product: {
      __resolveReference: (reference: { upc: string }): { upc: string } => ({ upc: reference.upc }),
      reviews: (product: { upc: string }): readonly BenchReview[] =>
        reviewsByUpc.get(product.upc) ?? NO_REVIEWS,
    },
  },
};
