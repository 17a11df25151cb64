import { describe, expect, it } from 'vitest';
import { BAKERY_DNA, FITNESS_DNA, RIAD_DNA } from '@ensemble/db/seed/demo-brands';
import { isAppError } from '@ensemble/tenancy/errors';
import { BLOG_WORDS, CHANNELS, CHANNEL_LIMITS, estimateCredits, generateOffline, type OfflineInput } from '../offline-model.ts';
import { EN } from '../sentence-banks-en.ts';
import { gsm7Length, isGsm7, toGsm7, xLength } from '../text-safety.ts';

// A small English DNA whose every field the tests can check against.
const PLUMBER_DNA = {
  identity: { name: 'Northwind Plumbing', tagline: 'On time, every time', location: '3 Kirkgate, Leeds', website: 'northwind.example' },
  mission: 'Make emergency plumbing calm, fair and fast for every household in Leeds',
  values: ['Honesty', 'Punctuality'],
  offer: {
    services: [
      { name: 'Boiler service', price_minor: 8900, currency: 'GBP', description: 'Annual safety check and clean' },
      { name: 'Emergency call-out', price_minor: 12000, currency: 'GBP', unit: 'visit' },
    ],
  },
  audiences: [{ persona: 'Homeowners in Leeds', needs: ['A fixed price before any work starts'], objections: ['Plumbers who never show up'] }],
  tone: { voice: ['reassuring', 'plain-spoken'], address: 'you' },
  vocabulary: { use: ['fixed price', 'same-day'], avoid: ['guaranteed', 'unbeatable'] },
  proof_points: [{ claim: '97% of call-outs reached within two hours in 2024', source: 'Northwind dispatch log' }],
  keywords: ['plumber Leeds', 'boiler service Leeds'],
  locale: 'en',
};

const SEEDS = Array.from({ length: 60 }, (_, i) => `seed-${i}`);
const DNAS: Array<[string, object]> = [['bakery', BAKERY_DNA], ['fitness', FITNESS_DNA], ['riad', RIAD_DNA], ['plumber', PLUMBER_DNA]];

function gen(dna: object, channel: string, seed: string, locale?: string, brief: OfflineInput['brief'] = {}) {
  return generateOffline({ dna, brief, channel, locale: locale ?? (dna as { locale?: string }).locale ?? 'en', seed });
}

/** Lower-case, accent-free word tokens: an independent check of the avoid filter. */
function tokens(value: string): string[] {
  return value.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function containsPhrase(value: string, phrase: string): boolean {
  const hay = ` ${tokens(value).join(' ')} `;
  return hay.includes(` ${tokens(phrase).join(' ')} `);
}

function hashtagsOf(value: string): string[] {
  return [...value.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => m[1] as string);
}

describe('generateOffline', () => {
  it('is deterministic: the same inputs give the same output, for every channel', () => {
    for (const channel of CHANNELS) {
      for (const [, dna] of DNAS) {
        const a = gen(dna, channel, 'fixed-seed', undefined, { topic: 'spring offers', goal: 'bookings' });
        const b = gen(structuredClone(dna), channel, 'fixed-seed', undefined, { topic: 'spring offers', goal: 'bookings' });
        expect(b).toEqual(a);
      }
    }
  });

  it('varies with the seed', () => {
    for (const [, dna] of DNAS) {
      const blogs = SEEDS.slice(0, 12).map((seed) => gen(dna, 'BLOG', seed));
      expect(new Set(blogs.map((b) => b.body)).size).toBeGreaterThanOrEqual(11);
      expect(new Set(blogs.map((b) => b.title)).size).toBeGreaterThanOrEqual(3);
      const posts = SEEDS.slice(0, 12).map((seed) => gen(dna, 'LINKEDIN', seed).body);
      expect(new Set(posts).size).toBeGreaterThanOrEqual(10);
    }
  });

  it('keeps SMS to one GSM-7 message of at most 160 septets, with an opt-out', () => {
    const awkward = {
      ...PLUMBER_DNA,
      identity: { ...PLUMBER_DNA.identity, name: 'The “Very Long” Plumbing & Heating Company of West Yorkshire 🚿' },
      offer: { services: [{ name: 'Boiler service — “premium” annual check ✨ with a rather long name indeed', price_minor: 8900, currency: 'EUR' }] },
    };
    for (const [, dna] of [...DNAS, ['awkward', awkward] as [string, object]]) {
      for (const seed of SEEDS) {
        for (const brief of [{}, { topic: 'l’hiver arrive — « préparez-vous »', goal: 'devis' }]) {
          const { body } = gen(dna, 'SMS', seed, undefined, brief);
          expect(isGsm7(body), body).toBe(true);
          expect(gsm7Length(body), body).toBeLessThanOrEqual(CHANNEL_LIMITS.SMS);
          expect(body).toContain('STOP');
          expect(body).not.toMatch(/[“”‘’«»…—🚿✨]/u);
        }
      }
    }
  });

  it('keeps X posts within 280 characters, hashtags included', () => {
    const longTopic = { topic: 'a very long topic about small group strength training for desk-bound professionals who have never set foot in a gym before' };
    for (const [, dna] of DNAS) {
      for (const seed of SEEDS) {
        for (const brief of [{}, longTopic]) {
          const { body } = gen(dna, 'X', seed, undefined, brief);
          expect(xLength(body), body).toBeLessThanOrEqual(CHANNEL_LIMITS.X);
          expect([...body].length).toBeLessThanOrEqual(CHANNEL_LIMITS.X);
        }
      }
    }
  });

  it('respects the other platforms\' limits and uses hashtags where they belong', () => {
    for (const [, dna] of DNAS) {
      for (const seed of SEEDS.slice(0, 25)) {
        const linkedin = gen(dna, 'LINKEDIN', seed).body;
        const instagram = gen(dna, 'INSTAGRAM', seed).body;
        const google = gen(dna, 'GOOGLE_BUSINESS', seed).body;
        expect(linkedin.length).toBeLessThanOrEqual(CHANNEL_LIMITS.LINKEDIN);
        expect([...instagram].length).toBeLessThanOrEqual(CHANNEL_LIMITS.INSTAGRAM);
        expect(google.length).toBeLessThanOrEqual(CHANNEL_LIMITS.GOOGLE_BUSINESS);
        expect(hashtagsOf(linkedin).length).toBeGreaterThanOrEqual(1);
        expect(hashtagsOf(instagram).length).toBeGreaterThanOrEqual(3);
        expect(hashtagsOf(google)).toHaveLength(0);
      }
    }
  });

  it('writes blog articles of 400–800 words with ## headings, a question heading, a sourced proof point and a call to action', () => {
    const ctaPhrases = Object.entries(EN).filter(([k]) => k.startsWith('cta.') && k !== 'cta.close' && k !== 'cta.website').flatMap(([, v]) => v);
    for (const [name, dna] of DNAS) {
      for (const seed of SEEDS.slice(0, 30)) {
        const { title, body } = gen(dna, 'BLOG', seed, undefined, { keyphrase: name === 'plumber' ? 'boiler service in Leeds' : undefined });
        const words = body.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
        expect(words, `${name}/${seed}`).toBeGreaterThanOrEqual(BLOG_WORDS.min);
        expect(words, `${name}/${seed}`).toBeLessThanOrEqual(BLOG_WORDS.max);
        expect(title.length).toBeGreaterThan(5);
        expect(body).not.toMatch(/^# /m);
        const headings = body.match(/^## .+$/gm) ?? [];
        expect(headings.length).toBeGreaterThanOrEqual(4);
        expect(headings.some((h) => h.trim().endsWith('?'))).toBe(true);
        expect(body).toMatch(/^> — Source ?: .+$/m);
        const lastSection = body.slice(body.lastIndexOf('\n## '));
        if (name === 'plumber') {
          expect(ctaPhrases.some((p) => lastSection.toLowerCase().includes(p.toLowerCase())), lastSection).toBe(true);
          // The intro answers early: the keyphrase is in the first paragraph.
          expect(body.split('\n\n')[0]!.toLowerCase()).toContain('boiler service in leeds');
        } else {
          expect(lastSection.split('\n').filter((l) => l.trim()).length).toBeGreaterThanOrEqual(2);
        }
      }
    }
  });

  it('is grounded in the DNA: the brand name, an offer with its price and a proof point appear in the blog', () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const { body } = gen(PLUMBER_DNA, 'BLOG', seed);
      expect(body).toContain('Northwind Plumbing');
      expect(body).toMatch(/Boiler service|Emergency call-out/);
      expect(body).toMatch(/£89|£120 \/ visit/);
      expect(body).toContain('97% of call-outs reached within two hours in 2024');
      expect(body).toContain('Northwind dispatch log');
      const bakery = gen(BAKERY_DNA, 'BLOG', seed).body;
      expect(bakery).toContain('Maison Lumière');
      expect(BAKERY_DNA.offer.products.concat(BAKERY_DNA.offer.services).some((o) => bakery.includes(o.name))).toBe(true);
    }
  });

  it('follows the brief: the requested offer and topic are used', () => {
    const { title, body } = gen(BAKERY_DNA, 'LANDING_PAGE', 'x', 'fr', { offer: 'atelier pain au levain', topic: 'le levain naturel' });
    expect(body).toContain('Atelier pain au levain');
    expect(body).toMatch(/65\s€ \/ personne/u);
    expect(`${title}\n${body}`.toLowerCase()).toContain('levain naturel');
  });

  it('never emits a word from the avoid list, whatever the seed, channel or language', () => {
    // Avoided words that the sentence banks and the DNA itself use a lot.
    const enAvoid = ['clear', 'simple', 'price', 'quality', 'best', 'honest', 'start', 'plumbing', 'fixed price', 'Leeds'];
    const frAvoid = ['clair', 'simple', 'prix', 'qualité', 'meilleur', 'pas cher', 'levain', 'vous avez', 'quartier'];
    const enDna = { ...PLUMBER_DNA, values: ['Best quality', 'Honesty'], vocabulary: { use: ['fixed price', 'clear quotes'], avoid: enAvoid } };
    const frDna = { ...BAKERY_DNA, vocabulary: { use: ['levain', 'pas cher'], avoid: frAvoid } };
    for (const [dna, avoid, locale] of [[enDna, enAvoid, 'en'], [frDna, frAvoid, 'fr']] as const) {
      for (const channel of CHANNELS) {
        for (const seed of SEEDS.slice(0, 20)) {
          const out = gen(dna, channel, seed, locale, { topic: locale === 'fr' ? 'le pain pas cher' : 'clear prices', goal: 'leads' });
          const all = `${out.title}\n${out.body}`;
          for (const term of avoid) {
            expect(containsPhrase(all, term), `${channel}/${seed}: "${term}" in\n${all}`).toBe(false);
            const glued = tokens(term).join('');
            for (const tag of hashtagsOf(all)) expect(tokens(tag).join('')).not.toContain(glued);
          }
          expect(out.body.trim().length).toBeGreaterThan(20);
        }
      }
    }
  });

  it('writes French in French, with vous or tu as the DNA says', () => {
    const french = /\b(le|la|les|de|des|et|pour|nous|est)\b/gu;
    for (const seed of SEEDS.slice(0, 15)) {
      for (const channel of ['BLOG', 'EMAIL', 'LINKEDIN', 'NEWSLETTER', 'LANDING_PAGE']) {
        const vous = gen(BAKERY_DNA, channel, seed, 'fr');
        const text = `${vous.title}\n${vous.body}`;
        expect((text.match(french) ?? []).length, text).toBeGreaterThanOrEqual(channel === 'LINKEDIN' || channel === 'EMAIL' ? 4 : 12);
        const t = tokens(text);
        expect(t.filter((w) => ['the', 'and', 'your', 'with'].includes(w)).length).toBeLessThanOrEqual(1);
        expect(t).not.toContain('tu');
        expect(t).not.toContain('tes');

        const tuDna = { ...BAKERY_DNA, tone: { ...BAKERY_DNA.tone, address: 'tu' as const } };
        const tu = gen(tuDna, channel, seed, 'fr');
        const tuTokens = tokens(`${tu.title}\n${tu.body}`);
        expect(tuTokens).not.toContain('vous');
        expect(tuTokens).not.toContain('votre');
        expect(tuTokens).not.toContain('vos');
      }
      // Address shows up in a text long enough to need it.
      const blogVous = tokens(gen(BAKERY_DNA, 'BLOG', seed, 'fr').body);
      expect(blogVous.some((w) => ['vous', 'votre', 'vos'].includes(w))).toBe(true);
      const blogTu = tokens(gen({ ...BAKERY_DNA, tone: { address: 'tutoiement' } }, 'BLOG', seed, 'fr').body);
      expect(blogTu.some((w) => ['tu', 'ton', 'ta', 'tes', 'toi', 'te'].includes(w))).toBe(true);
    }
  });

  it('writes English when asked, even for a French DNA, and the locale falls back to the DNA', () => {
    const en = gen(BAKERY_DNA, 'BLOG', 's', 'en');
    expect(tokens(en.body).filter((w) => w === 'the').length).toBeGreaterThan(5);
    const fallback = generateOffline({ dna: BAKERY_DNA, brief: {}, channel: 'EMAIL', locale: '', seed: 's' });
    expect(tokens(`${fallback.title} ${fallback.body}`).filter((w) => ['le', 'la', 'les', 'de', 'des', 'et', 'vous', 'nous', 'pour'].includes(w)).length).toBeGreaterThanOrEqual(4);
  });

  it('tolerates missing and oddly shaped DNA fields', () => {
    const odd = [
      {},
      { identity: 'Solo Studio' },
      { name: 'Acme', offer: 'Consulting, Training', audiences: 'Founders', values: 'Care; Speed', proofPoints: ['Trusted by 40 teams'], vocabulary: { avoid: 'cheap, best' } },
      { identity: { name: 'Nul' }, offer: { products: [null, 3, { price: 'on request' }, { name: 'Box', price: '12.5' }] }, audiences: [null, { segment: 'SMEs' }], tone: null, keywords: 42 },
    ];
    for (const dna of odd) {
      for (const channel of CHANNELS) {
        for (const locale of ['en', 'fr']) {
          const out = gen(dna, channel, 'odd', locale);
          const all = `${out.title}\n${out.body}`;
          expect(out.body.length).toBeGreaterThan(20);
          expect(all).not.toMatch(/undefined|null|NaN|\[object|\{\w+\}|\[\[|\]\]/);
        }
      }
    }
    expect(gen(odd[3]!, 'BLOG', 'odd', 'en').body).toContain('€12.50');
  });

  it('is honest about being offline and estimates tokens as characters / 4', () => {
    const out = gen(PLUMBER_DNA, 'NEWSLETTER', 'meta');
    expect(out.meta.model).toBe('offline-writer');
    expect(out.meta.offline).toBe(true);
    expect(out.meta.outputTokens).toBe(Math.ceil((out.title + out.body).length / 4));
    expect(out.meta.inputTokens).toBeGreaterThan(JSON.stringify(PLUMBER_DNA).length / 4);
  });

  it('refuses an unknown channel with BAD_USER_INPUT', () => {
    try {
      gen(PLUMBER_DNA, 'FAX', 's');
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.code).toBe('BAD_USER_INPUT');
    }
    expect(gen(PLUMBER_DNA, 'twitter', 's').title).toMatch(/^X: /);
  });
});

describe('estimateCredits', () => {
  it('charges whole credits per million tokens, at least one, output priced as the rate says', () => {
    expect(estimateCredits({ inputTokens: 0, outputTokens: 0 })).toBe(1);
    expect(estimateCredits({ inputTokens: 1_000_000, outputTokens: 0 })).toBe(60);
    expect(estimateCredits({ inputTokens: 0, outputTokens: 1_000_000 })).toBe(300);
    expect(estimateCredits({ inputTokens: 1_000_000, outputTokens: 100_001 })).toBe(91);
    const premium = { inputPerMtok: 300, outputPerMtok: 1500, batchDiscountPct: 50 };
    expect(estimateCredits({ inputTokens: 200_000, outputTokens: 200_000 }, premium)).toBe(360);
    expect(estimateCredits({ inputTokens: 200_000, outputTokens: 200_000 }, premium, { batch: true })).toBe(180);
    const blog = gen(PLUMBER_DNA, 'BLOG', 's').meta;
    expect(Number.isInteger(estimateCredits(blog))).toBe(true);
    expect(estimateCredits({ inputTokens: blog.inputTokens * 1000, outputTokens: blog.outputTokens * 1000 }))
      .toBeGreaterThan(estimateCredits({ inputTokens: blog.inputTokens, outputTokens: blog.outputTokens }));
    expect(() => estimateCredits({ inputTokens: -1, outputTokens: 0 })).toThrow(/non-negative/);
  });
});

describe('GSM-7', () => {
  it('replaces typographic characters and drops emoji', () => {
    const out = toGsm7('“Hello” — it’s 5 € … ça coûte 12 € 🙂 à l’œil');
    expect(isGsm7(out)).toBe(true);
    expect(out).toBe('"Hello" - it\'s 5 €... ca coute 12 € à l\'oeil');
    expect(gsm7Length('€')).toBe(2);
  });
});
