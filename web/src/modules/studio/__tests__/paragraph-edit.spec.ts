import { describe, expect, it } from 'vitest';
import { onlyBodyChanged, paragraphEdit } from '../paragraph-edit.ts';
import type { DraftInput } from '../studio.graphql.ts';

/** What the content service does with an edit. */
function apply(body: string, edit: ReturnType<typeof paragraphEdit>): string {
  const paragraphs = body.split('\n\n');
  paragraphs.splice(edit.at, edit.remove, ...edit.insert);
  return paragraphs.join('\n\n');
}

describe('paragraphEdit', () => {
  const body = 'One.\n\n## Two\n\nThree and more.\n\nFour.';

  it('sends only the paragraph typed into', () => {
    const after = body.replace('Three and more.', 'Three and more words.');
    expect(paragraphEdit(body, after)).toEqual({ at: 2, remove: 1, insert: ['Three and more words.'] });
    expect(apply(body, paragraphEdit(body, after))).toBe(after);
  });

  it('rebuilds the new body exactly, whatever changed', () => {
    const cases = [
      body, '', 'One.', `${body}\n\nFive.`, `Zero.\n\n${body}`, body.replace('\n\n## Two', ''), 'Entirely new.\n\nText.',
      body.replace('Four.', 'Four.\n\n'), `${body}\n`, 'One.\n\n\n\nTwo.', body.replace('One.', 'One.\n\nOne and a half.'),
    ];
    for (const before of cases) {
      for (const after of cases) expect(apply(before, paragraphEdit(before, after))).toBe(after);
    }
  });

  it('is empty when nothing changed', () => {
    expect(paragraphEdit(body, body)).toEqual({ at: 4, remove: 0, insert: [] });
  });
});

describe('onlyBodyChanged', () => {
  const draft: DraftInput = { channel: 'BLOG', title: 'T', body: 'B', keyphrase: 'k', slug: null, metaDescription: undefined, locale: 'en' };
  it('tells a body edit from a change of any other field', () => {
    expect(onlyBodyChanged(draft, { ...draft, body: 'B2', metaDescription: null })).toBe(true);
    for (const change of [{ title: 'T2' }, { keyphrase: 'k2' }, { slug: 's' }, { metaDescription: 'm' }, { locale: 'fr' }, { channel: 'LINKEDIN' as const }]) {
      expect(onlyBodyChanged(draft, { ...draft, ...change })).toBe(false);
    }
  });
});
