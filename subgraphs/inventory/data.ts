export interface StockLevel {
  upc: string;
  quantity: number;
  /** Code of the warehouse the item ships from. */
  warehouse: string;
}

/** Keyed by the same UPCs as the products subgraph. */
export const stock: ReadonlyMap<string, StockLevel> = new Map(
  [
    { upc: '1', quantity: 42, warehouse: 'SEA-1' },
    { upc: '2', quantity: 3, warehouse: 'RNO-2' },
    { upc: '3', quantity: 0, warehouse: 'SEA-1' },
    { upc: '4', quantity: 17, warehouse: 'RNO-2' },
    { upc: '5', quantity: 8, warehouse: 'SEA-1' },
    { upc: '6', quantity: 0, warehouse: 'RNO-2' },
  ].map((level) => [level.upc, level]),
);

/** Orders at or above this price (in cents) ship free. */
export const FREE_SHIPPING_THRESHOLD = 10_000;
const BASE_RATE = 499;
const RATE_PER_HALF_KILO = 100;

/** Shipping estimate in cents: free from $100, otherwise $4.99 plus $1.00 per started 500 g. */
export function shippingEstimate(price: number, weight: number): number {
  if (price >= FREE_SHIPPING_THRESHOLD) return 0;
  return BASE_RATE + RATE_PER_HALF_KILO * Math.ceil(weight / 500);
}
