import { describe, expect, it } from 'vitest';
import { canServe, move, removeAt, sameChain, skipReason } from '../route-chain.ts';

describe('route chain editing', () => {
  it('moves a model up and down, never out of the list', () => {
    expect(move(['a', 'b', 'c'], 1, -1)).toEqual(['b', 'a', 'c']);
    expect(move(['a', 'b', 'c'], 1, 1)).toEqual(['a', 'c', 'b']);
    expect(move(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(move(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
    expect(removeAt(['a', 'b', 'c'], 1)).toEqual(['a', 'c']);
    expect(sameChain(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameChain(['a', 'b'], ['b', 'a'])).toBe(false);
  });

  it('knows which models serve a task and which would be skipped', () => {
    expect(canServe({ capabilities: ['text', 'batch'] }, 'GENERATION')).toBe(true);
    expect(canServe({ capabilities: ['speech_to_text'] }, 'GENERATION')).toBe(false);
    expect(canServe({ capabilities: ['text'] }, 'BATCH')).toBe(false);
    const provider = { id: 'p', name: 'P', kind: 'OPENAI' as const, active: true, hasKey: true };
    expect(skipReason({ active: true, provider })).toBeNull();
    expect(skipReason({ active: false, provider })).toBe('inactive');
    expect(skipReason({ active: true, provider: { ...provider, hasKey: false } })).toBe('noKey');
    expect(skipReason({ active: true, provider: { ...provider, kind: 'OFFLINE', hasKey: false } })).toBeNull();
    expect(skipReason({ active: true, provider: { ...provider, active: false } })).toBe('providerInactive');
  });
});
