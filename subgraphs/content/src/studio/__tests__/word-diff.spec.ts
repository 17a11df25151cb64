import { describe, expect, it } from 'vitest';
import { diffStats, tokenize, wordDiff, type DiffPart } from '../word-diff.ts';

const side = (parts: DiffPart[], drop: 'INSERT' | 'DELETE') => parts.filter((p) => p.kind !== drop).map((p) => p.text).join('');

describe('word diff', () => {
  it('marks a replaced word and an added paragraph, and both sides read back exactly', () => {
    const before = 'The quick brown fox.\n\nJumps over the lazy dog.';
    const after = 'The quick red fox.\n\nJumps over the lazy dog.\n\nA new ending.';
    const parts = wordDiff(before, after);
    expect(parts).toEqual([
      { kind: 'EQUAL', text: 'The quick ' },
      { kind: 'DELETE', text: 'brown' },
      { kind: 'INSERT', text: 'red' },
      { kind: 'EQUAL', text: ' fox.\n\nJumps over the lazy dog.' },
      { kind: 'INSERT', text: '\n\nA new ending.' },
    ]);
    expect(diffStats(parts)).toEqual({ insertedWords: 4, deletedWords: 1 });
  });

  it('identical texts are one equal run', () => {
    expect(wordDiff('Même texte, accentué.', 'Même texte, accentué.')).toEqual([{ kind: 'EQUAL', text: 'Même texte, accentué.' }]);
    expect(tokenize('Aujourd’hui, 42 % !')).toEqual(['Aujourd’hui', ',', ' ', '42', ' ', '%', ' ', '!']);
  });

  it('gives both texts back over random edits', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const vocabulary = ['pain', 'levain', 'four', ' ', ' ', '\n\n', '.', ',', 'é'];
    const text = () => Array.from({ length: Math.floor(rnd() * 80) }, () => vocabulary[Math.floor(rnd() * vocabulary.length)]).join('');
    for (let i = 0; i < 300; i++) {
      const [a, b] = [text(), text()];
      const parts = wordDiff(a, b);
      expect(side(parts, 'INSERT')).toBe(a);
      expect(side(parts, 'DELETE')).toBe(b);
      for (let j = 1; j < parts.length; j++) expect(parts[j]!.kind === 'EQUAL' && parts[j - 1]!.kind === 'EQUAL').toBe(false);
    }
  });

  it('stays fast on long, wholly different texts', () => {
    const a = Array.from({ length: 10_000 }, (_, i) => `w${(i * 7919) % 1000}`).join(' ');
    const b = Array.from({ length: 10_000 }, (_, i) => `v${(i * 31) % 1000}`).join(' ');
    const started = performance.now();
    const parts = wordDiff(a, b);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(side(parts, 'INSERT')).toBe(a);
    expect(side(parts, 'DELETE')).toBe(b);
  });
});
