// The brand page (brand-dna-view.ts) and the writer (packages/ai's
// brand-context.ts) read the same client-edited JSON. They shape it for
// different readers, so they stay two modules (the web bundle imports
// nothing from the server packages), but for every field both show they must
// find the same thing under the same keys: what the page shows is what the
// AI writes with. This spec reads both on the same documents.
import { describe, expect, it } from 'vitest';
import { brandContext } from '../../../../../packages/ai/src/brand-context.ts';
import { readBrandDna } from '../brand-dna-view.ts';

const DOCUMENTS: Array<[string, Record<string, unknown>]> = [
  ['onboarding shape', {
    identity: { name: 'Maison Lumière', tagline: 'Boulangerie de quartier', sector: 'boulangerie', website: 'https://lumiere.example' },
    mission: 'Du bon pain.',
    values: ['Fait maison', { name: 'Saison', description: 'Farines locales' }],
    offer: { products: [{ name: 'Baguette', price_minor: 130, currency: 'EUR' }], services: [{ name: 'Atelier', price: 65 }] },
    audiences: [{ persona: 'Voisins', pains: ['File'], goals: ['Rapidité'] }],
    tone: { adjectives: ['chaleureux'], address: 'tu' },
    vocabulary: { use: ['levain'], avoid: ['industriel'] },
    proof_points: [{ claim: '4,8/5 sur 300 avis', source: 'Google' }],
    competitors: [{ name: 'Fournil' }],
    keywords: 'levain Paris, pain bio',
    locale: 'fr',
  }],
  ['flat shape', {
    brandName: 'Studio Forme', slogan: 'Bouger mieux', offers: ['Cours collectif', 'Coaching'], personas: [{ name: 'Actifs' }],
    tutoiement: true, wordsToUse: 'énergie; souffle', wordsToAvoid: ['régime'], testimonials: ['Top'], competition: 'Salle A, Salle B', seo: { keywords: ['pilates'] },
  }],
  ['French tone block and both offer keys', {
    name: 'Atelier Bois', tone: { fr: { address: 'tu' }, traits: 'artisanal' }, offer: [{ name: 'Table' }], offers: [{ name: 'Chaise' }],
    audience: { name: 'Familles' }, proofs: 'Depuis 1987', vocabularyUse: ['chêne'],
  }],
  ['offers as a string, and listed twice', {
    name: 'Épicerie', offer: 'Paniers, Épicerie fine; Livraison', products: [{ name: 'Paniers' }, { name: 'Vrac' }],
  }],
  ['an offer block beside product and service lists', {
    name: 'Le Gîte', offer: { items: [{ name: 'Nuitée', price: { amount: 90, currency: 'EUR' } }] }, services: [{ name: 'Petit-déjeuner' }, { name: 'nuitée' }],
  }],
  ['formal register and products only', {
    company: { name: 'Cabinet Durand' }, tone: { register: 'formel, vouvoiement' }, products: [{ title: 'Bilan', amount: '120' }],
    customers: 'PME', vocabulary: { banned: ['pas cher'] }, proofPoints: ['Agréé'],
  }],
];

describe('the brand page and the writer read a brand DNA alike', () => {
  for (const [label, document] of DOCUMENTS) {
    it(label, () => {
      const page = readBrandDna(document);
      const writer = brandContext(document);
      // Without a name the writer says "notre équipe"; the page shows none.
      if (page.name) expect(page.name, 'name').toBe(writer.name);
      expect(page.tagline, 'tagline').toBe(writer.tagline);
      // The writer falls back to "vous" when nothing says; the page then says nothing.
      expect(page.tone.address ?? 'vous', 'address').toBe(writer.address);
      expect(page.offers.map((o) => o.name), 'offers').toEqual(writer.offers.map((o) => o.name));
      expect(page.audiences.map((a) => a.name), 'audiences').toEqual(writer.audiences.map((a) => a.name));
      expect(page.vocabularyUse, 'vocabulary to use').toEqual(writer.vocabularyUse);
      expect(page.vocabularyAvoid, 'vocabulary to avoid').toEqual(writer.vocabularyAvoid);
      expect(page.keywords, 'keywords').toEqual(writer.keywords);
      expect(page.competitors.map((c) => c.label), 'competitors').toEqual(writer.competitors);
      expect(page.proofPoints.map((p) => p.label), 'proof points').toEqual(writer.proofPoints.map((p) => p.claim));
      expect(page.values.map((v) => v.label), 'values').toEqual(writer.values);
    });
  }
});
