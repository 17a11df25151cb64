import { describe, expect, it } from 'vitest';
import { subscribedOwner, trackSubscription } from '../scoring.service.ts';

function events(): AsyncIterableIterator<number> & { returned: boolean } {
  const it = {
    returned: false,
    async next() {
      return { value: 1, done: false } as const;
    },
    async return() {
      it.returned = true;
      return { value: undefined, done: true } as const;
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

describe('keystroke fast path', () => {
  const A = '00000000-0000-7000-8000-00000000000a';
  const B = '00000000-0000-7000-8000-00000000000b';
  const item = '00000000-0000-7000-8000-0000000000f1';

  it('knows the owner only for the tenant whose subscription is open, and forgets it when the last one closes', async () => {
    expect(subscribedOwner(A, item)).toBeNull();
    const first = events();
    const one = trackSubscription(A, item, A, first);
    const two = trackSubscription(A, item, A, events());
    expect(subscribedOwner(A, item)).toBe(A);
    // Another tenant's keystrokes on the same item still go to the database.
    expect(subscribedOwner(B, item)).toBeNull();
    expect((await one.next()).value).toBe(1);
    await one.return!();
    expect(first.returned).toBe(true);
    expect(subscribedOwner(A, item)).toBe(A);
    await two.return!();
    await two.return!();
    expect(subscribedOwner(A, item)).toBeNull();
  });

  it('a distributor subscribed to its client item is keyed by the distributor, the owner stays the client', async () => {
    const sub = trackSubscription(B, item, A, events());
    expect(subscribedOwner(B, item)).toBe(A);
    expect(subscribedOwner(A, item)).toBeNull();
    await sub.return!();
    expect(subscribedOwner(B, item)).toBeNull();
  });
});
