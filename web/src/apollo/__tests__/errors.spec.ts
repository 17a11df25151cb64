import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { describeError } from '../errors.ts';

describe('describeError', () => {
  it('reads the stable code, and the message and field only for bad input', () => {
    const error = new CombinedGraphQLErrors({ errors: [{ message: 'Slug may use lowercase letters', extensions: { code: 'BAD_USER_INPUT', field: 'slug' } }] });
    expect(describeError(error)).toEqual({ code: 'BAD_USER_INPUT', detail: 'Slug may use lowercase letters', field: 'slug' });
    const forbidden = new CombinedGraphQLErrors({ errors: [{ message: 'secret internals', extensions: { code: 'FORBIDDEN' } }] });
    expect(describeError(forbidden)).toEqual({ code: 'FORBIDDEN', detail: null });
  });
  it('maps gateway and socket failures', () => {
    expect(describeError(new CombinedGraphQLErrors({ errors: [{ message: 'x', extensions: { code: 'SUBGRAPH_TIMEOUT' } }] })).code).toBe('UNAVAILABLE');
    expect(describeError(new Error('Socket closed with event 4401 Unauthenticated')).code).toBe('UNAUTHENTICATED');
    expect(describeError([{ message: 'gone', extensions: { code: 'NOT_FOUND' } }]).code).toBe('NOT_FOUND');
    expect(describeError(new TypeError('Failed to fetch')).code).toBe('NETWORK');
    expect(describeError('???').code).toBe('UNKNOWN');
  });
});
