import { formatWhen } from './format.js';

/** A point in time in the reader's locale, with the exact ISO time as a tooltip. */
export function When({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {formatWhen(iso)}
    </time>
  );
}
