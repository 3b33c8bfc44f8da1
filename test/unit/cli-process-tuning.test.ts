import { describe, expect, it } from 'vitest';
import { internSupergraphNames } from '../../src/cli/process-tuning.js';

describe('internSupergraphNames', () => {
  it('takes any text, GraphQL or not, without throwing', () => {
    expect(() => internSupergraphNames('type Query { users: [User] } type User { id: ID! }')).not.toThrow();
    expect(() => internSupergraphNames('type Query { "unterminated')).not.toThrow();
    expect(() => internSupergraphNames('')).not.toThrow();
  });
});
