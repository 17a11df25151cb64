// T8: Ensemble's own extraction heuristics on sample texts (French bakery,
// English gym, a transcript), the merge with questionnaire answers, and
// provenance on every field of every draft.
import { describe, expect, it } from 'vitest';
import { assertValidBrandDna } from '../../brand/brand-dna.schema.ts';
import { buildDraft, findAddress, findOffers, findProofPoints, type SourceDocument } from '../extraction.ts';
import { acceptedFieldOrigins, draftFieldPaths, snapshotProvenance, type DraftProvenance } from '../provenance.ts';
import { validateAnswers } from '../questionnaire.ts';
import { siteSignals } from '../site-signals.ts';
import { BAKERY_PDF, BAKERY_SITE, GYM_AUDIO, GYM_SITE } from './samples.ts';

function expectEveryFieldCited(document: Record<string, unknown>, provenance: DraftProvenance): void {
  const fields = draftFieldPaths(document);
  expect(fields.length).toBeGreaterThan(0);
  const uncited = fields.filter((path) => !provenance[path]);
  expect(uncited, 'fields without a source').toEqual([]);
  // Nothing is cited that is not in the draft.
  expect(Object.keys(provenance).filter((path) => !fields.includes(path))).toEqual([]);
  for (const origin of Object.values(provenance)) expect(origin.label).toMatch(/^(questionnaire|workspace language|pdf:\S.* page \d+|pdf:\S.*|url:https?:\/\/\S+|audio:\S.*)$/);
}

describe('extraction from a French bakery (site + brochure)', () => {
  const draft = buildDraft({ locale: 'fr', currency: 'EUR', answers: null, documents: [BAKERY_SITE, BAKERY_PDF] });
  const doc = draft.document as Record<string, any>;

  it('finds name, tagline, story, mission and values, each cited', () => {
    expect(doc.identity).toMatchObject({ name: 'Maison Lumière', tagline: 'Boulangerie artisanale au levain naturel, au cœur de Lyon.', website: 'https://maison-lumiere.example/' });
    expect(draft.provenance['identity.name']).toMatchObject({ source: 'url', label: 'url:https://maison-lumiere.example/' });
    expect(doc.identity.story).toMatch(/^Maison Lumière est née en 2012/);
    expect(draft.provenance['identity.story']?.url).toBe('https://maison-lumiere.example/a-propos');
    expect(doc.mission).toMatch(/^Notre mission est de redonner au pain/);
    expect(doc.values).toEqual(['Artisanat', 'Proximité', 'Saisonnalité']);
  });

  it('reads priced offers in euros, products and services, citing the PDF page', () => {
    expect(doc.offer.products).toEqual(expect.arrayContaining([
      { name: 'Pain de campagne au levain', price_minor: 420, currency: 'EUR' },
      { name: 'Croissant au beurre AOP', price_minor: 140, currency: 'EUR' },
      { name: 'Baguette tradition', price_minor: 120, currency: 'EUR' },
      { name: 'Plateau de mignardises', price_minor: 3200, currency: 'EUR' },
      { name: 'Buffet petit-déjeuner', price_minor: 1250, currency: 'EUR', unit: 'par personne' },
    ]));
    expect(doc.offer.services).toEqual([{ name: 'Atelier pain du samedi', price_minor: 4500, currency: 'EUR', unit: 'par personne' }]);
    const i = doc.offer.products.findIndex((p: { name: string }) => p.name === 'Plateau de mignardises');
    expect(draft.provenance[`offer.products.${i}`]).toMatchObject({ source: 'pdf', label: 'pdf:plaquette.pdf page 2', page: 2, excerpt: 'Plateau de mignardises 32,00 €' });
  });

  it('keeps sentences with numbers, ratings and awards as proof points', () => {
    expect(doc.proof_points).toEqual(expect.arrayContaining([
      'Élue meilleure baguette de Lyon en 2023 par le jury de la Chambre des métiers.',
      'Plus de 1200 clients fidèles chaque semaine.',
      'Note moyenne de 4,8/5 sur 320 avis Google.',
    ]));
    expect(doc.proof_points.some((p: string) => p.includes('€'))).toBe(false);
  });

  it('guesses vous, channels from social links and the newsletter, keywords and audiences', () => {
    expect(doc.tone.address).toBe('vous');
    expect(doc.channels).toEqual(['instagram', 'facebook', 'newsletter']);
    expect(draft.provenance['channels.0']).toMatchObject({ source: 'url', excerpt: 'https://www.instagram.com/maisonlumiere' });
    expect(doc.keywords).toContain('levain naturel');
    expect(doc.audiences).toEqual([{ persona: 'Familles du quartier' }]);
    expect(doc.locale).toBe('fr');
    expect(draft.provenance.locale).toMatchObject({ source: 'workspace' });
  });

  it('is a valid brand DNA, every field cited, and deterministic', () => {
    expect(draft.issues).toEqual([]);
    expect(() => assertValidBrandDna(draft.document)).not.toThrow();
    expectEveryFieldCited(draft.document, draft.provenance);
    expect(buildDraft({ locale: 'fr', currency: 'EUR', answers: null, documents: [BAKERY_SITE, BAKERY_PDF] })).toEqual(draft);
  });
});

describe('extraction from an English gym (site + voice note)', () => {
  const draft = buildDraft({ locale: 'en', currency: 'GBP', answers: null, documents: [GYM_SITE, GYM_AUDIO] });
  const doc = draft.document as Record<string, any>;

  it('takes the name from og:site_name and prices in pounds with their unit', () => {
    expect(doc.identity.name).toBe('Forge & Flow');
    expect(draft.provenance['identity.name']?.excerpt).toContain('og:site_name');
    expect(doc.offer.services).toEqual(expect.arrayContaining([
      { name: 'Unlimited membership', price_minor: 8900, currency: 'GBP', unit: 'per month' },
      { name: 'Drop-in class', price_minor: 1500, currency: 'GBP' },
      { name: 'Personal coaching session', price_minor: 4500, currency: 'GBP' },
    ]));
    expect(doc.proof_points).toEqual(['Rated 4.9 stars from 210 Google reviews.']);
    expect(doc.audiences).toEqual([{ persona: 'Busy parents' }]);
    expect(doc.tone.address).toBe('you');
    expect(doc.channels).toEqual(['instagram', 'linkedin', 'blog']);
  });

  it('lets the voice note speak in the vocabulary, cited to the recording', () => {
    const fromAudio = Object.entries(draft.provenance).filter(([, o]) => o.source === 'audio');
    expect(fromAudio.length).toBeGreaterThan(0);
    expect(fromAudio.every(([path]) => path.startsWith('vocabulary.use.') || path.startsWith('tone.'))).toBe(true);
    expect(doc.vocabulary.use).toContain('kettlebell');
    expect(fromAudio[0]![1].label).toBe('audio:voice-note.webm');
    expectEveryFieldCited(draft.document, draft.provenance);
  });
});

describe('answers win', () => {
  const answers = validateAnswers({
    name: 'Maison Lumière Croix-Rousse',
    tagline: 'Le pain de la nuit',
    values: ['Artisanat', 'Transmission'],
    offers: [{ name: 'Croissant au beurre AOP', price: '1,50', kind: 'PRODUCT' }, { name: 'Cours de viennoiserie', price: '60', kind: 'service', unit: 'par personne' }],
    tone: { address: 'tu', voice: ['complice'] },
    wordsToAvoid: ['industriel'],
    competitors: [{ name: 'Fournil du Parc', website: 'fournil-du-parc.example' }],
    channels: ['instagram', 'sms'],
  }, { locale: 'fr', currency: 'EUR' });
  const draft = buildDraft({ locale: 'fr', currency: 'EUR', answers, documents: [BAKERY_SITE, BAKERY_PDF] });
  const doc = draft.document as Record<string, any>;

  it('keeps answered scalars and puts answered list items first', () => {
    expect(doc.identity.name).toBe('Maison Lumière Croix-Rousse');
    expect(doc.identity.tagline).toBe('Le pain de la nuit');
    expect(draft.provenance['identity.name']).toEqual({ source: 'questionnaire', label: 'questionnaire' });
    expect(doc.identity.story).toMatch(/^Maison Lumière est née/);
    expect(draft.provenance['identity.story']?.source).toBe('url');
    expect(doc.values.slice(0, 2)).toEqual(['Artisanat', 'Transmission']);
    expect(doc.values).toEqual(['Artisanat', 'Transmission', 'Proximité', 'Saisonnalité']);
    expect(draft.provenance['values.2']?.source).toBe('url');
  });

  it('an answered offer is not overridden by the same product found on the site', () => {
    const croissants = doc.offer.products.filter((p: { name: string }) => p.name === 'Croissant au beurre AOP');
    expect(croissants).toEqual([{ name: 'Croissant au beurre AOP', price_minor: 150, currency: 'EUR' }]);
    expect(doc.offer.services[0]).toEqual({ name: 'Cours de viennoiserie', price_minor: 6000, currency: 'EUR', unit: 'par personne' });
    expect(draft.provenance['offer.services.0']?.source).toBe('questionnaire');
  });

  it('tu from the answers beats vous found in the texts; voice answered is not guessed', () => {
    expect(doc.tone).toEqual({ voice: ['complice'], address: 'tu' });
    expect(draft.provenance['tone.address']?.source).toBe('questionnaire');
    expect(doc.vocabulary.avoid).toEqual(['industriel']);
    expect(doc.competitors).toEqual([{ name: 'Fournil du Parc', website: 'https://fournil-du-parc.example/' }]);
    expect(doc.channels).toEqual(['instagram', 'sms', 'facebook', 'newsletter']);
    expect(draft.provenance.locale?.source).toBe('questionnaire');
    expectEveryFieldCited(draft.document, draft.provenance);
    expect(draft.issues).toEqual([]);
  });
});

describe('a draft with nothing to go on', () => {
  it('reports what blocks acceptance instead of inventing it', () => {
    const draft = buildDraft({ locale: 'fr', currency: 'EUR', answers: null, documents: [GYM_AUDIO] });
    expect((draft.document as any).identity).toBeUndefined();
    expect(draft.issues.map((i) => i.field)).toEqual(expect.arrayContaining(['identity', 'tone']));
    expectEveryFieldCited(draft.document, draft.provenance);
  });
});

describe('heuristics', () => {
  const doc = (text: string, kind: SourceDocument['kind'] = 'pdf'): SourceDocument => ({ sourceId: 's', kind, name: 'f.pdf', sections: [{ page: 1, text, headings: [] }] });
  const located = (text: string) => doc(text).sections.map((section) => ({ doc: doc(text), section }));

  it('reads prices in €, MAD, DH and $, with thousands and decimals as written', () => {
    const offers = findOffers(located([
      'Suite Yasmine : 1 800 MAD la nuit',
      'Hammam traditionnel 350 DH',
      'Dîner sur la terrasse — 450 dirhams par personne',
      'Gift card $25',
      'Sourdough loaf 1,200.50 €',
      'à partir de 12 €', // no name: skipped
    ].join('\n')), 'MAD').map((o) => o.value);
    expect(offers).toEqual([
      { name: 'Suite Yasmine', price_minor: 180000, currency: 'MAD', unit: 'la nuit', kind: 'service' },
      { name: 'Hammam traditionnel', price_minor: 35000, currency: 'MAD', kind: 'service' },
      { name: 'Dîner sur la terrasse', price_minor: 45000, currency: 'MAD', unit: 'par personne', kind: 'product' },
      { name: 'Gift card', price_minor: 2500, currency: 'USD', kind: 'product' },
      { name: 'Sourdough loaf', price_minor: 120050, currency: 'EUR', kind: 'product' },
    ]);
  });

  it('takes the previous line as the name of a price alone on its line', () => {
    const offers = findOffers(located('Pain aux figues\n6,80 €'), 'EUR');
    expect(offers.map((o) => o.value.name)).toEqual(['Pain aux figues']);
  });

  it('counts a rating, a percentage, a year and an award as proof; plain prose is not', () => {
    const proof = findProofPoints(located([
      'Noté 4,7 sur 5 par nos hôtes sur Booking.',
      '98 % de nos clients reviennent dans l’année.',
      'Fondée depuis 1998 dans la médina.',
      'Lauréat du prix Riad d’or 2022 à Marrakech.',
      'Nous aimons recevoir nos hôtes comme des amis.',
    ].join('\n'))).map((p) => p.value);
    expect(proof).toHaveLength(4);
    expect(proof).not.toContain('Nous aimons recevoir nos hôtes comme des amis.');
  });

  it('finds tu when the texts say tu more than vous', () => {
    const found = findAddress([doc('Viens tester ton premier cours, tu verras. Ta séance est offerte.')], 'fr');
    expect(found?.value).toBe('tu');
    expect(findAddress([doc('Bread every day.')], 'fr')).toBeNull();
  });
});

describe('site signals', () => {
  it('reads og:site_name and absolute links from HTML', () => {
    const signals = siteSignals(`<html><head><meta property="og:site_name" content="Dar Yasmine &amp; Spa"></head>
      <body><a href="/chambres">Rooms</a><a href='https://instagram.com/daryasmine'>IG</a><a href="mailto:x@y.z">m</a><a href="/chambres#top">again</a></body></html>`, 'https://dar-yasmine.example/');
    expect(signals).toEqual({ siteName: 'Dar Yasmine & Spa', links: ['https://dar-yasmine.example/chambres', 'https://instagram.com/daryasmine'] });
  });
});

describe('provenance on acceptance', () => {
  const draft = buildDraft({ locale: 'fr', currency: 'EUR', answers: null, documents: [BAKERY_SITE, BAKERY_PDF] });

  it('keeps the origin of kept fields, matches list items by value, marks changes as edits', () => {
    const accepted = structuredClone(draft.document) as Record<string, any>;
    accepted.identity.tagline = 'Le levain, la nuit, la main';
    accepted.values = ['Saisonnalité', 'Artisanat'];
    const origins = acceptedFieldOrigins(accepted, draft.document, draft.provenance, 'user-1');
    expect(origins['identity.name']).toMatchObject({ source: 'url', detail: 'url:https://maison-lumiere.example/' });
    expect(origins['identity.tagline']).toEqual({ source: 'edit', detail: 'onboarding review', by: 'user-1' });
    expect(origins['values.0']).toMatchObject({ source: 'url', detail: draft.provenance['values.2']!.label });
    expect(Object.keys(origins).sort()).toEqual(draftFieldPaths(accepted).sort());

    const perKey = snapshotProvenance(accepted, draft.document, draft.provenance, 2, 'user-1') as Record<string, any>;
    expect(Object.keys(perKey).sort()).toEqual(Object.keys(accepted).sort());
    expect(perKey.offer).toMatchObject({ source: 'onboarding', snapshot: 2 });
    expect(perKey.offer.detail).toContain('pdf:plaquette.pdf page 2');
    expect(perKey.mission).toMatchObject({ source: 'url', snapshot: 2 });
    expect(perKey.locale).toMatchObject({ source: 'workspace' });
  });
});
