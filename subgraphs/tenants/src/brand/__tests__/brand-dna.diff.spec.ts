import { describe, expect, it } from 'vitest';
import { diffDocuments } from '../brand-dna.diff.ts';

describe('diffDocuments', () => {
  it('reports added, removed and changed keys at any depth', () => {
    expect(diffDocuments(
      { identity: { name: 'A', tagline: 'old', founded: 2012 }, mission: 'M', locale: 'fr' },
      { identity: { name: 'A', tagline: 'new', website: 'https://a.example' }, locale: 'fr', keywords: ['k'] },
    )).toEqual([
      { kind: 'changed', path: 'identity.tagline', before: 'old', after: 'new' },
      { kind: 'removed', path: 'identity.founded', before: 2012 },
      { kind: 'added', path: 'identity.website', after: 'https://a.example' },
      { kind: 'removed', path: 'mission', before: 'M' },
      { kind: 'added', path: 'keywords', after: ['k'] },
    ]);
  });

  it('compares plain lists by position', () => {
    expect(diffDocuments({ values: ['a', 'b', 'c'] }, { values: ['a', 'x'] })).toEqual([
      { kind: 'changed', path: 'values[1]', before: 'b', after: 'x' },
      { kind: 'removed', path: 'values[2]', before: 'c' },
    ]);
    expect(diffDocuments({ values: ['a'] }, { values: ['z', 'a'] })).toEqual([
      { kind: 'changed', path: 'values[0]', before: 'a', after: 'z' },
      { kind: 'added', path: 'values[1]', after: 'a' },
    ]);
  });

  it('matches named elements by name (or persona), whatever their position', () => {
    const before = { offer: { products: [{ name: 'Baguette', price_minor: 130 }, { name: 'Croissant', price_minor: 160 }] } };
    const after = { offer: { products: [{ name: 'Pain', price_minor: 780 }, { name: 'Croissant', price_minor: 170 }, { name: 'Baguette', price_minor: 130 }] } };
    expect(diffDocuments(before, after)).toEqual([
      { kind: 'changed', path: 'offer.products[name=Croissant].price_minor', before: 160, after: 170 },
      { kind: 'added', path: 'offer.products[name=Pain]', after: { name: 'Pain', price_minor: 780 } },
    ]);
    expect(diffDocuments(
      { audiences: [{ persona: 'Runners', needs: ['mobility'] }] },
      { audiences: [{ persona: 'Parents', needs: [] }, { persona: 'Runners', needs: ['mobility', 'strength'] }] },
    )).toEqual([
      { kind: 'added', path: 'audiences[persona=Runners].needs[1]', after: 'strength' },
      { kind: 'added', path: 'audiences[persona=Parents]', after: { persona: 'Parents', needs: [] } },
    ]);
  });

  it('falls back to positions when names are missing or repeated', () => {
    expect(diffDocuments({ list: [{ name: 'a' }, { name: 'a' }] }, { list: [{ name: 'a' }, { name: 'b' }] })).toEqual([
      { kind: 'changed', path: 'list[1].name', before: 'a', after: 'b' },
    ]);
    expect(diffDocuments({ list: [{ label: 'a' }] }, { list: [{ label: 'b' }] })).toEqual([
      { kind: 'changed', path: 'list[0].label', before: 'a', after: 'b' },
    ]);
  });

  it('reports a change of type as one change, and nothing for equal documents', () => {
    expect(diffDocuments({ tone: 'warm' }, { tone: { voice: ['warm'] } })).toEqual([{ kind: 'changed', path: 'tone', before: 'warm', after: { voice: ['warm'] } }]);
    expect(diffDocuments({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } })).toEqual([]);
    expect(diffDocuments('x', 'y')).toEqual([{ kind: 'changed', path: '(document)', before: 'x', after: 'y' }]);
  });
});
