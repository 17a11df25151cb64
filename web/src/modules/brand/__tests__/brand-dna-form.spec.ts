import { describe, expect, it } from 'vitest';
import { getPath, linesToList, listOf, parseDocument, setPath, textOf } from '../brand-dna-form.ts';

const doc = { identity: { name: 'Maison', tagline: 'Levain' }, values: ['a', 'b'], locale: 'fr' };

describe('brand DNA form helpers', () => {
  it('reads fields by dotted path', () => {
    expect(getPath(doc, 'identity.tagline')).toBe('Levain');
    expect(textOf(doc, 'identity.founded')).toBe('');
    expect(listOf(doc, 'values')).toEqual(['a', 'b']);
    expect(listOf(doc, 'identity.name')).toEqual([]);
  });

  it('writes immutably and drops emptied fields and parents', () => {
    const next = setPath(doc, 'identity.tagline', 'Pain');
    expect(next).toEqual({ ...doc, identity: { name: 'Maison', tagline: 'Pain' } });
    expect(doc.identity.tagline).toBe('Levain');
    expect(setPath(doc, 'identity.tagline', '')).toEqual({ ...doc, identity: { name: 'Maison' } });
    expect(setPath(doc, 'values', [])).toEqual({ identity: doc.identity, locale: 'fr' });
    expect(setPath(doc, 'tone.address', 'vous')).toEqual({ ...doc, tone: { address: 'vous' } });
    expect(setPath({ tone: { address: 'vous' } }, 'tone.address', '')).toEqual({});
  });

  it('splits lines and parses JSON objects only', () => {
    expect(linesToList(' one \n\n two\n')).toEqual(['one', 'two']);
    expect(parseDocument('{"a":1}')).toEqual({ document: { a: 1 } });
    expect(parseDocument('[1]')).toEqual({ error: 'not-an-object' });
    expect('error' in parseDocument('{')).toBe(true);
  });
});
