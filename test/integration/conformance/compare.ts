/**
 * The order of `errors` is not defined (errors of parallel fetches come in the order the fetches
 * end), so both sides of a comparison list them in one canonical order.
 */
export function withSortedErrors(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { errors?: unknown }).errors))
    return body;
  const keyed = (body as { errors: unknown[] }).errors.map((error) => ({ key: canonicalJson(error), error }));
  keyed.sort((a, b) => compare(a.key, b.key));
  return { ...body, errors: keyed.map(({ error }) => error) };
}

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => compare(a, b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Nothing a client sees may name an internal address or carry a stack trace. */
export const INTERNAL_DETAIL = /127\.0\.0\.1|localhost|https?:\/\/|stacktrace|\bat .+\.[cm]?[jt]s:\d+/;
