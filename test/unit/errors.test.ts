import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  apolloServerCodes,
  errorBody,
  errorCatalogue,
  gatehouseError,
  httpStatusOf,
  type ErrorCode,
} from '../../src/errors.js';

const codes = Object.keys(errorCatalogue) as ErrorCode[];
/**
 * Sent inside a 200: Apollo's APQ protocol (clients read it as "send the full query"), and the note
 * that replaces errors beyond `security.limits.maxErrors` in a response that is otherwise served.
 */
const sentWith200: readonly ErrorCode[] = [
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'TOO_MANY_ERRORS',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the error catalogue', () => {
  it.each(codes)('%s has an HTTP status and a sentence for a message', (code) => {
    const { status, message } = errorCatalogue[code];
    expect(code).toMatch(/^[A-Z][A-Z_]+$/);
    if (sentWith200.includes(code)) expect(status).toBe(200);
    else expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
    expect(message.length).toBeGreaterThan(10);
    expect(httpStatusOf(code)).toBe(status);
    expect(errorBody(code)).toEqual({ errors: [{ message, extensions: { code } }] });
    expect(gatehouseError(code).extensions.code).toBe(code);
  });

  it('has unique messages', () => {
    const messages = codes.map((code) => errorCatalogue[code].message);
    expect(new Set(messages).size).toBe(messages.length);
  });

  it('lists only codes the source uses, and the README documents each', () => {
    const source = sourceFiles('src')
      .filter((file) => !file.endsWith('errors.ts'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const readme = readFileSync('README.md', 'utf8');
    for (const code of codes) {
      if (!apolloServerCodes.includes(code))
        expect(source, `${code} is never emitted`).toContain(`'${code}'`);
      expect(readme, `${code} is not in the README`).toContain(`\`${code}\``);
    }
  });
});
