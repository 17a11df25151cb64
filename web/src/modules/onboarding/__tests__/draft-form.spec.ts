import { describe, expect, it } from 'vitest';
import { addItem, badgeOf, formatMinor, parseMinor, removeItem, reviewState, setField, setItem } from '../draft-form.ts';
import { answersInput, formFromAnswers, keptOffers, emptyOffer } from '../answers-form.ts';
import type { FieldOrigin } from '../onboarding.graphql.ts';

const origin = (path: string, source: FieldOrigin['source'], label: string): FieldOrigin => ({ path, source, label, sourceId: null, page: null, url: null, excerpt: null });

const draft = {
  identity: { name: 'Maison Lumière', tagline: 'Le pain de nos nuits' },
  values: ['Artisanat', 'Proximité', 'Saisonnalité'],
  locale: 'fr',
};
const fields = [
  origin('identity.name', 'URL', 'url:https://maison-lumiere.example/'),
  origin('identity.tagline', 'QUESTIONNAIRE', 'questionnaire'),
  origin('values.0', 'URL', 'url:https://maison-lumiere.example/'),
  origin('values.1', 'PDF', 'pdf:plaquette.pdf page 2'),
  origin('values.2', 'QUESTIONNAIRE', 'questionnaire'),
  origin('locale', 'WORKSPACE', 'workspace language'),
];

describe('review state', () => {
  it('shows each field’s origin, and "edited" once changed — not when changed back', () => {
    let state = reviewState(draft, fields);
    expect(badgeOf(state, 'identity.name')).toMatchObject({ source: 'URL' });
    state = setField(state, 'identity.name', 'Maison Lumière Lyon', draft);
    expect(badgeOf(state, 'identity.name')).toBe('edited');
    state = setField(state, 'identity.name', 'Maison Lumière', draft);
    expect(badgeOf(state, 'identity.name')).toMatchObject({ source: 'URL' });
  });

  it('keeps every badge on its own value when an item is removed, and marks changed and added items', () => {
    let state = removeItem(reviewState(draft, fields), 'values', 0);
    expect(state.document.values).toEqual(['Proximité', 'Saisonnalité']);
    expect(badgeOf(state, 'values.0')).toMatchObject({ source: 'PDF', label: 'pdf:plaquette.pdf page 2' });
    expect(badgeOf(state, 'values.1')).toMatchObject({ source: 'QUESTIONNAIRE' });
    expect(badgeOf(state, 'values.2')).toBeNull();
    state = setItem(state, 'values', 1, 'Saison');
    expect(badgeOf(state, 'values.1')).toBe('edited');
    state = addItem(state, 'values', 'Transmission');
    expect(badgeOf(state, 'values.2')).toBe('edited');
    state = removeItem(state, 'values', 0);
    expect(state.document.values).toEqual(['Saison', 'Transmission']);
    expect(badgeOf(state, 'values.0')).toBe('edited');
    expect(badgeOf(state, 'values.1')).toBe('edited');
    // Emptying a list removes it from the document.
    state = removeItem(removeItem(state, 'values', 0), 'values', 0);
    expect('values' in state.document).toBe(false);
    // The proposal itself is untouched.
    expect(draft.values).toEqual(['Artisanat', 'Proximité', 'Saisonnalité']);
  });

  it('reads and writes prices in minor units', () => {
    expect(formatMinor(1250, 'EUR')).toBe('12.50');
    expect(formatMinor(500, 'JPY')).toBe('500');
    expect(parseMinor('12,5', 'EUR')).toBe(1250);
    expect(parseMinor('1 800', 'MAD')).toBe(180000);
    expect(parseMinor('douze', 'EUR')).toBeNull();
  });
});

describe('questionnaire form', () => {
  it('drops blank rows and blank texts, and sends lines as lists', () => {
    const form = formFromAnswers(null, { locale: 'fr', currency: 'EUR' });
    const filled = {
      ...form,
      name: '  Maison Lumière ',
      offers: [emptyOffer('EUR'), { ...emptyOffer('EUR'), name: 'Croissant', price: '1,40' }],
      proofPoints: 'Élue meilleure baguette 2023\n\n  Plus de 1200 clients  ',
      address: 'VOUS' as const,
    };
    expect(keptOffers(filled).map((o) => o.name)).toEqual(['Croissant']);
    expect(answersInput(filled)).toMatchObject({
      name: 'Maison Lumière',
      tagline: null,
      offers: [{ kind: 'PRODUCT', name: 'Croissant', price: '1,40', currency: 'EUR', unit: null }],
      proofPoints: ['Élue meilleure baguette 2023', 'Plus de 1200 clients'],
      tone: { address: 'VOUS', voice: [], do: [], dont: [] },
      locale: 'fr',
    });
  });
});
