import { describe, expect, it } from 'vitest';
import { users } from '../../../subgraphs/accounts/data.js';
import { shippingEstimate, stock } from '../../../subgraphs/inventory/data.js';
import { products } from '../../../subgraphs/products/data.js';
import { reviews } from '../../../subgraphs/reviews/data.js';

describe('example data is consistent across services', () => {
  it('has unique ids', () => {
    for (const ids of [users.map((u) => u.id), products.map((p) => p.upc), reviews.map((r) => r.id)]) {
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('reviews point at existing users (with their real username) and products', () => {
    for (const review of reviews) {
      const author = users.find((user) => user.id === review.authorId);
      expect(author?.username, `review ${review.id}`).toBe(review.authorUsername);
      expect(products.some((product) => product.upc === review.productUpc)).toBe(true);
      expect(review.rating).toBeGreaterThanOrEqual(1);
      expect(review.rating).toBeLessThanOrEqual(5);
    }
  });

  it('inventory stocks exactly the products', () => {
    expect([...stock.keys()].sort()).toEqual(products.map((product) => product.upc).sort());
  });

  it('estimates shipping: free from $100, otherwise by weight', () => {
    expect(shippingEstimate(10_000, 50_000)).toBe(0);
    expect(shippingEstimate(9_999, 0)).toBe(499);
    expect(shippingEstimate(9_999, 500)).toBe(599);
    expect(shippingEstimate(9_999, 501)).toBe(699);
  });
});
