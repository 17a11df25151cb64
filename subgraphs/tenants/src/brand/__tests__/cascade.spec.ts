import { describe, expect, it } from 'vitest';
import { cascadeSyntaxErrors, mergeCascade } from '../cascade.ts';

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
    expect(mergeCascade([])).toEqual({ document: {}, provenance: {}, layerOf: {}, topLevel: {}, keys: [] });
    expect(() => mergeCascade([{ source: 'bad', document: [] as unknown as Record<string, unknown> }])).toThrow(/not an object/);
  });

  it('indexes each leaf by the layer that set it, so callers recover level, tenant and version', () => {
    const merged = mergeCascade([platform, distributor, client]);
    expect(merged.layerOf).toMatchObject({ 'tone.formality': 1, 'tone.person': 0, 'tone.emoji': 2, rules: 2, 'length.sms': 0 });
    expect(Object.keys(merged.layerOf).sort()).toEqual(Object.keys(merged.provenance).sort());
  });

  it('appends to and removes from an inherited array with $append and $remove', () => {
    const merged = mergeCascade([
      { source: 'platform', document: { avoid: ['jargon', 'pressure', 'claims'], tags: 'not an array' } },
      { source: 'distributor', document: { avoid: { $append: ['competitor names'] } } },
      { source: 'client', document: { avoid: { $remove: ['pressure', 'absent'], $append: ['slang'] }, tags: { $append: ['#paris'] }, fresh: { $remove: ['x'] } } },
    ]);
    expect(merged.document).toEqual({ avoid: ['jargon', 'claims', 'competitor names', 'slang'], tags: ['#paris'], fresh: [] });
    expect(merged.provenance).toEqual({ avoid: 'client', tags: 'client', fresh: 'client' });
  });

  it('removes an inherited key with $unset, and a later level may set it again', () => {
    const merged = mergeCascade([
      { source: 'a', document: { signature: 'The team', tone: { person: 'we', emoji: false }, gone: 1 } },
      { source: 'b', document: { signature: { $unset: true }, tone: { emoji: { $unset: true } }, missing: { $unset: true } } },
      { source: 'c', document: { gone: { $unset: true } } },
      { source: 'd', document: { gone: 2 } },
    ]);
    expect(merged.document).toEqual({ tone: { person: 'we' }, gone: 2 });
    expect(merged.provenance).toEqual({ 'tone.person': 'a', gone: 'd' });
    expect(merged.keys).toEqual(['gone', 'tone']);
  });

  it('gives an object emptied by $unset the provenance of the level that emptied it', () => {
    const merged = mergeCascade([
      { source: 'a', document: { tone: { person: 'we' } } },
      { source: 'b', document: { tone: { person: { $unset: true } } } },
    ]);
    expect(merged.document).toEqual({ tone: {} });
    expect(merged.provenance).toEqual({ tone: 'b' });
  });

  it('resolves operators inside an object that replaces a scalar', () => {
    const merged = mergeCascade([
      { source: 'a', document: { style: 'plain' } },
      { source: 'b', document: { style: { emoji: { $append: ['🥐'] }, old: { $unset: true }, size: 3 } } },
    ]);
    expect(merged.document).toEqual({ style: { emoji: ['🥐'], size: 3 } });
    expect(merged.provenance).toEqual({ 'style.emoji': 'b', 'style.size': 'b' });
  });

  it('refuses malformed operators at merge time', () => {
    expect(() => mergeCascade([{ source: 'x', document: { a: { $push: [1] } } }])).toThrow(/invalid operator \$push/);
    expect(() => mergeCascade([{ source: 'x', document: { a: { $unset: false } } }])).toThrow(/\$unset must be true/);
    expect(() => mergeCascade([{ source: 'x', document: { a: { $append: 'x' } } }])).toThrow(/take arrays/);
  });

  it('reports every syntax error of a layer with its path', () => {
    expect(cascadeSyntaxErrors({ a: { b: { $append: [1] } }, c: { $unset: true }, d: [{ e: 1 }] })).toEqual([]);
    expect(cascadeSyntaxErrors([])).toEqual([{ path: '', message: 'must be a JSON object' }]);
    expect(cascadeSyntaxErrors({ $unset: true })).toEqual([{ path: '', message: 'the document itself cannot be an operator' }]);
    expect(cascadeSyntaxErrors({
      a: { $push: [1] },
      b: { $unset: 'yes' },
      c: { $unset: true, $append: [1] },
      d: { $append: 'x' },
      e: { $append: [1], other: 2 },
      f: [{ g: { $remove: [1] } }],
      h: { i: { $append: [{ $unset: true }] } },
    })).toEqual([
      { path: 'a.$push', message: 'unknown operator $push (allowed: $unset, $append, $remove)' },
      { path: 'b.$unset', message: '$unset must be true' },
      { path: 'c', message: '$unset cannot be combined with another operator' },
      { path: 'd.$append', message: '$append takes an array' },
      { path: 'e', message: 'an operator object cannot hold other keys' },
      { path: 'f.0.g', message: 'operators cannot appear inside an array' },
      { path: 'h.i.$append.0', message: 'operators cannot appear inside an array' },
    ]);
  });
});
