import { z } from 'zod';

// Values can come from ${env:…}, which always yields a string, so numbers and booleans accept
// their string spelling too.
export const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value),
    z
      .number({ error: 'expected an integer' })
      .int('expected an integer')
      .min(min, `expected an integer of at least ${min}`)
      .max(max, `expected an integer of at most ${max}`),
  );
export const boolean = () =>
  z.preprocess(
    (value) => (value === 'true' ? true : value === 'false' ? false : value),
    z.boolean({ error: 'expected true or false' }),
  );
