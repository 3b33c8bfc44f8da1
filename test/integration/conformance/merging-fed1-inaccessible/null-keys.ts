import type { ConformanceCase } from '../types.js';

/** The reviews subgraph's own non-null error when a reference it returns has a null key field. */
const nullKeyError = (field: string, path: (string | number)[]) => ({
  message: `Cannot return null for non-nullable field ${field}.`,
  path,
  extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'reviews' },
});

export const nullKeyCases: ConformanceCase[] = [
  {
    name: 'a reference whose key is null: the entity is null with the error, no entity fetch',
    // r3's product reference is { upc: null }; upc is ID! in reviews, so the nullable product is null.
    query: '{ review(id: "r3") { body product { upc name } } }',
    expected: {
      data: { review: { body: 'Product withdrawn', product: null } },
      errors: [nullKeyError('Product.upc', ['review', 'product', 'upc'])],
    },
    subgraphRequests: { reviews: 1 },
  },
  {
    name: 'a [Product] list with a null key: that item is null, the others are fetched in one batch',
    query: '{ featured { upc name } }',
    expected: {
      data: { featured: [{ upc: 'p1', name: 'Kettle' }, null, { upc: 'p3', name: 'Kiln' }] },
      errors: [nullKeyError('Product.upc', ['featured', 1, 'upc'])],
    },
    subgraphRequests: { reviews: 1, catalog: 1 },
  },
  {
    name: 'a [Product!] list with a null key: the whole list is null, sibling fields are kept',
    query: '{ bundle { upc } product(upc: "p1") { name } }',
    expected: {
      data: { bundle: null, product: { name: 'Kettle' } },
      errors: [nullKeyError('Product.upc', ['bundle', 1, 'upc'])],
    },
    subgraphRequests: { reviews: 1, catalog: 1 },
  },
  {
    name: 'a non-null reference whose key is null: the null reaches the nullable parent',
    // Review.listing is Listing!; r3's listing has sku null.
    query: '{ review(id: "r3") { id listing { sku price } } }',
    expected: {
      data: { review: null },
      errors: [nullKeyError('Listing.sku', ['review', 'listing', 'sku'])],
    },
    subgraphRequests: { reviews: 1 },
  },
  {
    name: 'a compound key with a null part is a valid key: the entity resolves',
    // r1's listing is { sku: p1, market: null } (the global listing), r4's is { sku: p1, market: EU }.
    query: /* GraphQL */ `
      {
        first: review(id: "r1") {
          ...ListingPrice
        }
        fourth: review(id: "r4") {
          ...ListingPrice
        }
      }
      fragment ListingPrice on Review {
        listing {
          sku
          market
          price
        }
      }
    `,
    expected: {
      data: {
        first: { listing: { sku: 'p1', market: null, price: 40 } },
        fourth: { listing: { sku: 'p1', market: 'EU', price: 45 } },
      },
    },
  },
  {
    name: 'null keys below an entity fetch: error path rewritten, entities with and without errors',
    // Per product, reviews answers cheapestListing: p1 the global listing, p2 a reference whose sku
    // is null (an error, the listing null), p3 no listing (null, no error).
    query: '{ products { name cheapestListing { price } } }',
    expected: {
      data: {
        products: [
          { name: 'Kettle', cheapestListing: { price: 40 } },
          { name: 'Toaster', cheapestListing: null },
          { name: 'Kiln', cheapestListing: null },
        ],
      },
      errors: [nullKeyError('Listing.sku', ['products', 1, 'cheapestListing', 'sku'])],
    },
    subgraphRequests: { catalog: 2, reviews: 1 },
  },
];
