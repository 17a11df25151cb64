import { describe, expect, it } from 'vitest';
import { slugify } from '../slug.ts';

describe('slugify', () => {
  it('folds accents and punctuation into the slug shape the content subgraph accepts', () => {
    const slug = slugify('Pain au levain : l’atelier du fournil — édition 2026 !');
    expect(slug).toBe('pain-au-levain-latelier-du-fournil-edition-2026');
    expect(slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(slugify('   ')).toBe('');
  });
});
