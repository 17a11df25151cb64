import { describe, expect, it } from 'vitest';
import { mergeCascade } from '../cascade.ts';

const platform = {
  source: 'platform',
  document: {
    tone: { formality: 'neutral', person: 'we', emoji: false },
    rules: ['no medical claims'],
    length: { blog: 900, sms: 160 },
    signature: 'The team',
  },
};
const distributor = {
  source: 'distributor:agency',
  document: { tone: { formality: 'vous' }, length: { blog: 1200 } },
};
const client = {
  source: 'client',
  document: { tone: { emoji: true }, rules: ['mention the free trial'], name: 'Boulangerie Soleil' },
};

describe('mergeCascade', () => {
  it('overrides only the keys a level defines and inherits the rest', () => {
    const merged = mergeCascade([platform, distributor, client]);
    expect(merged.document).toEqual({
      tone: { formality: 'vous', person: 'we', emoji: true },
      rules: ['mention the free trial'],
      length: { blog: 1200, sms: 160 },
      signature: 'The team',
      name: 'Boulangerie Soleil',
    });
    expect(merged.keys).toEqual(['length', 'name', 'rules', 'signature', 'tone']);
  });

  it('records per key which level set it', () => {
    const merged = mergeCascade([platform, distributor, client]);
    expect(merged.provenance).toEqual({
      'tone.formality': 'distributor:agency',
      'tone.person': 'platform',
      'tone.emoji': 'client',
      rules: 'client',
      'length.blog': 'distributor:agency',
      'length.sms': 'platform',
      signature: 'platform',
      name: 'client',
    });
    expect(merged.topLevel).toEqual({
      tone: 'client',
      rules: 'client',
      length: 'distributor:agency',
      signature: 'platform',
      name: 'client',
    });
  });

  it('replaces arrays and scalars whole, and an object replacing a scalar drops the old provenance', () => {
    const merged = mergeCascade([
      { source: 'a', document: { x: 'flat', list: [1, 2, 3], deep: { k: { j: 1 } } } },
      { source: 'b', document: { x: { nested: true }, list: [9], deep: 'gone' } },
    ]);
    expect(merged.document).toEqual({ x: { nested: true }, list: [9], deep: 'gone' });
    expect(merged.provenance).toEqual({ 'x.nested': 'b', list: 'b', deep: 'b' });
  });

  it('treats an explicit null as an override and an empty object as nothing defined', () => {
    const merged = mergeCascade([
      { source: 'a', document: { signature: 'Hi', tone: { person: 'we' } } },
      { source: 'b', document: { signature: null, tone: {} } },
    ]);
    expect(merged.document).toEqual({ signature: null, tone: { person: 'we' } });
    expect(merged.provenance).toEqual({ signature: 'b', 'tone.person': 'a' });
    expect(merged.topLevel).toEqual({ signature: 'b', tone: 'a' });
  });

  it('never mutates its inputs nor lets a layer reach Object.prototype', () => {
    const layer = JSON.parse('{"tone":{"person":"I"},"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const before = structuredClone(platform.document);
    const merged = mergeCascade([platform, { source: 'evil', document: layer }]);
    expect(platform.document).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged.document)).not.toContain('__proto__');
    (merged.document.tone as Record<string, unknown>).person = 'changed';
    expect(platform.document.tone.person).toBe('we');
  });

  it('gives an empty document for no layers and refuses a non-object layer', () => {
    expect(mergeCascade([])).toEqual({ document: {}, provenance: {}, topLevel: {}, keys: [] });
    expect(() => mergeCascade([{ source: 'bad', document: [] as unknown as Record<string, unknown> }])).toThrow(/not an object/);
  });
});
