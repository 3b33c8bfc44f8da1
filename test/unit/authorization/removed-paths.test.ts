import { describe, expect, it } from 'vitest';
import {
  applyRemovals,
  unauthorizedErrors,
  type PathSegment,
  type RemovedField,
} from '../../../src/gateway/authorization/index.js';

const field = (key: string, nonNull = false): PathSegment => ({ kind: 'field', key, nonNull });
const list = (nonNull = false): PathSegment => ({ kind: 'list', nonNull });
const type = (marker: string): PathSegment => ({ kind: 'type', typeName: 'Business', marker });

describe('putting nulls at removed paths', () => {
  it('sets null at a removed field, in every item of a list', () => {
    const data = { users: [{ name: 'a' }, { name: 'b' }, null] };
    expect(applyRemovals(data, [{ path: [field('users'), list(), field('email')] }])).toEqual({
      users: [{ name: 'a', email: null }, { name: 'b', email: null }, null],
    });
  });

  it('propagates null past non-null positions to the nearest nullable parent', () => {
    const removed: RemovedField[] = [{ path: [field('users'), list(true), field('ssn', true)] }];
    // users: [User!] → the list becomes null.
    expect(applyRemovals({ users: [{ id: '1' }] }, removed)).toEqual({ users: null });
    // users: [User] → each item becomes null.
    const nullableItems: RemovedField[] = [{ path: [field('users'), list(false), field('ssn', true)] }];
    expect(applyRemovals({ users: [{ id: '1' }, { id: '2' }] }, nullableItems)).toEqual({
      users: [null, null],
    });
    // users: [User!]! at the root → data becomes null.
    const allNonNull: RemovedField[] = [{ path: [field('users', true), list(true), field('ssn', true)] }];
    expect(applyRemovals({ users: [{ id: '1' }], other: 1 }, allNonNull)).toBeNull();
  });

  it('applies removals under a type condition only to the objects that carry its marker, then drops the marker', () => {
    const data = {
      accounts: [{ id: '1', m0: 'Business' }, { id: '2' }],
    };
    const result = applyRemovals(data, [{ path: [field('accounts'), list(), type('m0'), field('balance')] }]);
    expect(result).toEqual({ accounts: [{ id: '1', balance: null }, { id: '2' }] });
  });

  it('keeps a value that is present (the key was selected again elsewhere) and applies what was removed beneath it', () => {
    const data = { me: { name: 'Ada' } };
    const removed: RemovedField[] = [
      { path: [field('me')], beneath: [{ path: [field('me'), field('email')] }] },
    ];
    expect(applyRemovals(data, removed)).toEqual({ me: { name: 'Ada', email: null } });
    expect(applyRemovals({}, removed)).toEqual({ me: null });
  });

  it('leaves absent and null data alone', () => {
    expect(applyRemovals(null, [{ path: [field('me')] }])).toBeNull();
    expect(applyRemovals(undefined, [{ path: [field('me')] }])).toBeUndefined();
    expect(applyRemovals({ me: null }, [{ path: [field('me'), field('email')] }])).toEqual({ me: null });
  });
});

describe('the errors for removed fields', () => {
  it('are one per path, shaped as Apollo Router shapes them', () => {
    const removed: RemovedField[] = [
      { path: [field('me')] },
      { path: [field('search'), list(), type('m0'), field('id')] },
      { path: [field('search'), list(), type('m1'), field('id')] },
    ];
    expect(unauthorizedErrors(removed)).toEqual([
      {
        message: 'Unauthorized field or type',
        path: ['me'],
        extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
      },
      {
        message: 'Unauthorized field or type',
        path: ['search', '@', 'id'],
        extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
      },
    ]);
  });
});
