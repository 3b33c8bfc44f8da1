/** How many hex digits of a supergraph hash the page shows, as git does for commits. */
const HASH_PREFIX_LENGTH = 12;

export function hashPrefix(hash: string): string {
  return hash.slice(0, HASH_PREFIX_LENGTH);
}

/** A date in the reader's locale and time zone; the ISO text goes in the element's title. */
export function formatWhen(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
