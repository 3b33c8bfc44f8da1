// The items of the connector benchmark, shared by the backend (which serves them) and the harness (which
// checks every response against them). Ids are strings, as the GraphQL `ID` keys are.

export const ITEM_COUNT = 50;

/** The name comes from the GraphQL subgraph; stock and price from the REST service. */
export const items = Array.from({ length: ITEM_COUNT }, (_, index) => {
  const n = index + 1;
  return {
    id: String(n),
    name: `Item ${n}`,
    stock: (n * 37) % 101,
    price: Math.round(((n * 7919) % 10_000) + 99) / 100,
    // Fields the REST service returns and the connector selections leave out, as real APIs do.
    currency: 'EUR',
    warehouse: `WH-${(n % 4) + 1}`,
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
});

export const QUERY = `query ConnectorBench { items(first: ${ITEM_COUNT}) { id name stock price } }`;

/** The exact body the gateway must answer to QUERY. */
export const EXPECTED_BODY = JSON.stringify({
  data: { items: items.map(({ id, name, stock, price }) => ({ id, name, stock, price })) },
});
