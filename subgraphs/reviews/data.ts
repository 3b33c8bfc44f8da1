export interface Review {
  id: string;
  authorId: string;
  /**
   * Denormalised copy of the author's username (owned by accounts), stored with the review so
   * the subgraph can `@provides(fields: "username")` on `Review.author` without a round trip.
   */
  authorUsername: string;
  productUpc: string;
  body: string;
  /** 1 to 5 stars. */
  rating: number;
}

export const reviews: readonly Review[] = [
  {
    id: '1',
    authorId: '1',
    authorUsername: 'mokafor',
    productUpc: '1',
    body: 'The clearest explanation of replication and partitioning I have read.',
    rating: 5,
  },
  {
    id: '2',
    authorId: '2',
    authorUsername: 'jlindqvist',
    productUpc: '1',
    body: 'Dense but worth it. Chapter 9 alone justifies the price.',
    rating: 4,
  },
  {
    id: '3',
    authorId: '3',
    authorUsername: 'priyar',
    productUpc: '2',
    body: 'Sturdy and handsome; assembly took about an hour.',
    rating: 4,
  },
  {
    id: '4',
    authorId: '1',
    authorUsername: 'mokafor',
    productUpc: '3',
    body: 'Still the best book on the craft of programming.',
    rating: 5,
  },
  {
    id: '5',
    authorId: '4',
    authorUsername: 'dfernandez',
    productUpc: '4',
    body: 'Good lumbar support, but the armrests wobble.',
    rating: 3,
  },
  {
    id: '6',
    authorId: '6',
    authorUsername: 'kwatanabe',
    productUpc: '5',
    body: 'A classic. Do the exercises.',
    rating: 5,
  },
  {
    id: '7',
    authorId: '5',
    authorUsername: 'hschmidt',
    productUpc: '6',
    body: 'One shelf arrived cracked; support sent a replacement quickly.',
    rating: 2,
  },
  {
    id: '8',
    authorId: '5',
    authorUsername: 'hschmidt',
    productUpc: '3',
    body: 'Practical advice that has aged remarkably well.',
    rating: 4,
  },
];

export function findReview(id: string): Review | undefined {
  return reviews.find((review) => review.id === id);
}

export function reviewsByAuthor(authorId: string): Review[] {
  return reviews.filter((review) => review.authorId === authorId);
}

export function reviewsOfProduct(upc: string): Review[] {
  return reviews.filter((review) => review.productUpc === upc);
}
