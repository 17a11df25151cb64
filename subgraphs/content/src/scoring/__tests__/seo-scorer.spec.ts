import { describe, expect, it } from 'vitest';
import { isAppError } from '@ensemble/tenancy/errors';
import { buildJsonLd, createIncrementalScorer, scoreContent, type ScoreInput, type ScoreResult } from '../seo-scorer.ts';
import { countSyllables, parseBlocks } from '../seo-text-analysis.ts';
import { smsLength, xWeightedLength } from '../seo-channel-limits.ts';
import { BAD_EN, GOOD_EN, GOOD_EN_BODY, GOOD_FR, GOOD_FR_BODY, NOW, withExtraParagraph } from './seo-samples.ts';

const score = (input: ScoreInput): ScoreResult => scoreContent(input, { now: NOW });
const check = (r: ScoreResult, id: string) => {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`check ${id} missing; have ${r.checks.map((x) => x.id).join(', ')}`);
  return c;
};
const status = (input: ScoreInput, id: string): string => check(score(input), id).status;
const post = (body: string, extra: Partial<ScoreInput> = {}): ScoreInput => ({ channel: 'LINKEDIN', title: 'Post', body, locale: 'en', ...extra });

function expectBadInput(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(isAppError(e)).toBe(true);
    expect((e as { code: string }).code).toBe('BAD_USER_INPUT');
    return;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('sample posts', () => {
  it('rates the good English post GOOD on every check', () => {
    const r = score(GOOD_EN);
    expect(r.checks.filter((c) => c.status !== 'GOOD').map((c) => `${c.id}: ${c.explanation}`)).toEqual([]);
    expect(r.total).toBe(100);
    expect(check(r, 'reading-ease').label).toBe('Flesch reading ease');
    expect(check(r, 'keyword-stuffing').score).toBe(0);
  });

  it('rates the good French post GOOD on every check, with Kandel–Moles', () => {
    const r = score(GOOD_FR);
    expect(r.checks.filter((c) => c.status !== 'GOOD').map((c) => `${c.id}: ${c.explanation}`)).toEqual([]);
    expect(check(r, 'reading-ease').label).toBe('Kandel–Moles reading ease');
    expect(r.metrics.keyphraseOccurrences).toBe(5);
  });

  it('flags the bad post with explanations and suggestions', () => {
    const r = score(BAD_EN);
    expect(r.total).toBeLessThan(30);
    for (const id of ['keyphrase-title', 'keyphrase-intro', 'h1', 'text-length', 'passive-voice', 'sentence-length', 'answer-first', 'citations', 'reading-ease']) {
      expect(check(r, id).status, id).toBe('PROBLEM');
    }
    for (const c of r.checks) {
      if (c.status !== 'GOOD') expect(c.suggestion, c.id).toBeTruthy();
      else expect(c.suggestion).toBeNull();
      expect(c.explanation.length).toBeGreaterThan(10);
    }
    expect(check(r, 'h1').explanation).toContain('2 "# " (H1) headings');
    expect(check(r, 'text-length').explanation).toContain('91 words');
  });

  it('penalises keyword stuffing: lower total than the same text without it', () => {
    const stuffed = score(withExtraParagraph(true));
    const clean = score(withExtraParagraph(false));
    const penalty = check(stuffed, 'keyword-stuffing');
    expect(penalty.status).toBe('PROBLEM');
    expect(penalty.score).toBeLessThan(0);
    expect(penalty.maxScore).toBe(0);
    expect(check(clean, 'keyword-stuffing').status).toBe('GOOD');
    expect(stuffed.total).toBeLessThan(clean.total);
    // the penalty itself, not only the density check, lowers the total
    const noPenalty = scoreContent(withExtraParagraph(true), { now: NOW, weights: { stuffingPenalty: { oneSignal: 0, bothSignals: 0 } } });
    expect(stuffed.total).toBe(noPenalty.total + penalty.score);
    expect(stuffed.explanation).toContain('keyword-stuffing penalty');
  });

  it('penalises the keyphrase in more than half of the sentences even at moderate density', () => {
    const sentences = Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? `Step ${i} takes a few minutes of careful work with the whole team and a cup of coffee.` : `Our content calendar helps with step ${i} of the work.`));
    const r = score(post(sentences.join(' '), { keyphrase: 'content calendar' }));
    expect(check(r, 'keyword-stuffing').status).toBe('PROBLEM');
    expect(check(r, 'keyword-stuffing').explanation).toContain('more than half of the sentences');
  });
});

describe('checks flip between GOOD and PROBLEM', () => {
  it('keyphrase removed from the title', () => {
    expect(status(GOOD_EN, 'keyphrase-title')).toBe('GOOD');
    const r = score({ ...GOOD_EN, title: 'How to plan a month of posts for your team' });
    expect(check(r, 'keyphrase-title').status).toBe('PROBLEM');
    expect(r.total).toBeLessThan(score(GOOD_EN).total);
    expect(status({ ...GOOD_EN, title: 'Calendar ideas: how to plan a month of posts' }, 'keyphrase-title')).toBe('IMPROVE');
  });

  it('two H1 headings; the title is the H1 when the body has none', () => {
    expect(check(score(GOOD_EN), 'h1').explanation).toContain('title is rendered');
    expect(status({ ...GOOD_EN, body: `# Content calendar guide\n\n${GOOD_EN_BODY}` }, 'h1')).toBe('GOOD');
    expect(status({ ...GOOD_EN, body: `# Content calendar guide\n\n# Plan a month\n\n${GOOD_EN_BODY}` }, 'h1')).toBe('PROBLEM');
  });

  it('skipped heading level', () => {
    const body = GOOD_EN_BODY.replace('## How often should you review it?', '#### How often should you review it?');
    const c = check(score({ ...GOOD_EN, body }), 'heading-structure');
    expect(c.status).toBe('PROBLEM');
    expect(c.explanation).toContain('H2 → H4');
  });

  it('a 40-word sentence', () => {
    const short = 'We plan posts every Monday. The team reviews the plan together. Then everyone writes.';
    const long = 'We plan posts every Monday. The team reviews the plan together, checks every date against the sales calendar, moves the posts that lost their timing, adds the news of the week, assigns an owner to each idea and writes the first drafts before lunch on the same day. Then everyone writes.';
    expect(status(post(short), 'sentence-length')).toBe('GOOD');
    const r = score(post(long));
    expect(check(r, 'sentence-length').status).toBe('PROBLEM');
    expect(check(r, 'sentence-length').explanation).toContain('the longest has 43');
    // in a long text a single 40-word sentence is still flagged
    const body = GOOD_EN_BODY.replace('Keep it short.', 'Keep it short, because a calendar that lists every single detail of every post, every channel, every deadline, every approval step and every single reviewer quickly becomes a document nobody opens, nobody updates and nobody trusts when a busy week arrives.');
    expect(status({ ...GOOD_EN, body }, 'sentence-length')).toBe('IMPROVE');
  });

  it('passive sentences in English', () => {
    const active = 'Our team writes the report. We publish it every Monday. Readers share it with friends. The designer checks every chart. Clients read it on the train.';
    const passive = 'The report is written by our team. It is published every Monday. It is often shared with friends. Every chart was checked by the designer. Clients read it on the train.';
    expect(status(post(active), 'passive-voice')).toBe('GOOD');
    const r = score(post(passive));
    expect(check(r, 'passive-voice').status).toBe('PROBLEM');
    expect(r.metrics.passiveShare).toBe(80);
  });

  it('passive sentences in French (être + participe passé), not être-conjugated verbs nor pronominals', () => {
    const fr = (body: string): ScoreInput => post(body, { locale: 'fr' });
    const active = "L'équipe rédige le rapport. Nous le publions chaque lundi. Les lecteurs le partagent. La graphiste vérifie chaque tableau. Les clients le lisent dans le train.";
    const passive = "Le rapport est rédigé par l'équipe. Il est publié chaque lundi. Il a été partagé par les lecteurs. Chaque tableau est vérifié par la graphiste. Les clients le lisent dans le train.";
    const etreActive = 'Elle est allée au marché. Ils se sont parlé hier. Nous sommes arrivés tôt. Le chat dort. Il fait beau.';
    expect(status(fr(active), 'passive-voice')).toBe('GOOD');
    expect(score(fr(passive)).metrics.passiveShare).toBe(80);
    expect(status(fr(passive), 'passive-voice')).toBe('PROBLEM');
    expect(score(fr(etreActive)).metrics.passiveShare).toBe(0);
    expect(score(fr('Les articles sont écrits par Marie. Le site est mis à jour chaque semaine.')).metrics.passiveShare).toBe(100);
  });

  it('answer first, definitions, question headings, sourced statistics, quotations and freshness', () => {
    const body = GOOD_EN_BODY.replace('A content calendar is a shared schedule that lists', 'Teams keep a shared schedule that lists');
    const r = score({ ...GOOD_EN, body });
    expect(check(r, 'answer-first').status).toBe('PROBLEM');
    expect(check(r, 'answer-first').suggestion).toContain('Content calendar is');

    const noQuestions = GOOD_EN_BODY.replace(/^## (.*)\?$/gm, '## Section: $1');
    expect(status({ ...GOOD_EN, body: noQuestions }, 'question-headings')).toBe('PROBLEM');

    const unsourced = GOOD_EN_BODY.replace('According to the [Content Marketing Institute](https://contentmarketinginstitute.com/research/) 2025 survey, 64 %', 'In 2025, 64 %');
    expect(status({ ...GOOD_EN, body: unsourced }, 'statistics-sources')).toBe('IMPROVE');
    expect(status({ ...GOOD_EN, body: unsourced.replace('64 %', 'most') }, 'statistics-sources')).toBe('PROBLEM');

    const unattributed = GOOD_EN_BODY.replace(' says Marie Tremblay, founder of a bakery in Quebec City.', ' It was a bakery in Quebec City.');
    expect(unattributed).not.toBe(GOOD_EN_BODY);
    expect(status({ ...GOOD_EN, body: unattributed }, 'quotations')).toBe('IMPROVE');
    const dash = GOOD_EN_BODY.replace('"We stopped guessing and started answering real questions," says Marie Tremblay, founder of a bakery in Quebec City.', '> We stopped guessing and started answering real questions.\n> — Marie Tremblay, baker');
    expect(status({ ...GOOD_EN, body: dash }, 'quotations')).toBe('GOOD');

    expect(status({ ...GOOD_EN, body: GOOD_EN_BODY.replaceAll('2025 ', '') }, 'freshness')).toBe('IMPROVE');
    expect(check(scoreContent(GOOD_EN, { now: new Date('2031-01-01') }), 'freshness').explanation).toContain('6 years ago');
  });

  it('attributes French quotations, also with an inverted speech verb', () => {
    const fr = (body: string) => check(score({ ...GOOD_FR, body: `${GOOD_FR_BODY.split('\n\n')[0]}\n\n${body}` }), 'quotations').status;
    expect(fr('« Le contenu utile gagne toujours », dit-il. Il sourit.')).toBe('GOOD');
    expect(fr('« Le contenu utile gagne toujours », explique-t-elle.')).toBe('GOOD');
    expect(fr('« Le contenu utile gagne toujours ». Il sourit.')).toBe('IMPROVE');
  });

  it('links: internal vs outbound depends on the site host', () => {
    const body = 'Read [our guide](https://example.com/guide) and the [study](https://stats.example.org/report).';
    const withHost = score({ ...GOOD_EN, body, siteHost: 'www.example.com' });
    expect(check(withHost, 'internal-links').status).toBe('GOOD');
    const noHost = score({ ...GOOD_EN, body, siteHost: null });
    expect(check(noHost, 'internal-links').status).toBe('PROBLEM');
    expect(check(noHost, 'citations').explanation).toContain('2 outbound links');
  });

  it('meta description and title lengths', () => {
    expect(status({ ...GOOD_EN, metaDescription: 'Too short.' }, 'meta-description-length')).toBe('IMPROVE');
    expect(status({ ...GOOD_EN, metaDescription: null }, 'meta-description-length')).toBe('PROBLEM');
    expect(status({ ...GOOD_EN, title: `Content calendar: ${'very '.repeat(12)}long` }, 'title-length')).toBe('PROBLEM');
  });

  it('image alt text and keyphrase in an alt', () => {
    const noAlt = GOOD_EN_BODY.replace('![Content calendar for March on a whiteboard]', '![]');
    expect(status({ ...GOOD_EN, body: noAlt }, 'image-alt')).toBe('PROBLEM');
    const otherAlt = GOOD_EN_BODY.replace('![Content calendar for March on a whiteboard]', '![A whiteboard in March]');
    expect(status({ ...GOOD_EN, body: otherAlt }, 'image-alt')).toBe('IMPROVE');
  });
});

describe('readability formulas and syllables', () => {
  // Reference values computed from the published formulas with dictionary syllable counts.
  it.each([
    ['The cat sat on the mat.', 116.1],
    ['The quick brown fox jumps over the lazy dog.', 94.3],
    ['This is a test. It has two sentences.', 97.0],
  ])('Flesch reading ease of "%s" ≈ %d', (body, expected) => {
    expect(score(post(body)).metrics.readingEase).toBeCloseTo(expected, 0);
  });

  it.each([
    ['Le chat dort sur le lit.', 140.7],
    ['Le petit garçon joue dans le jardin avec son chien.', 112.6],
  ])('Kandel–Moles reading ease of "%s" ≈ %d', (body, expected) => {
    expect(score(post(body, { locale: 'fr' })).metrics.readingEase).toBeCloseTo(expected, 0);
  });

  it('counts English syllables', () => {
    const words: Record<string, number> = {
      cat: 1, the: 1, table: 2, make: 1, jumped: 1, wanted: 2, boxes: 2, makes: 1, beautiful: 3, university: 5,
      readability: 5, syllable: 3, simple: 2, little: 2, being: 2, playing: 2, social: 2, usual: 3, quality: 3,
      radio: 3, nation: 2, question: 2, people: 2, water: 2, family: 3, value: 2, true: 1, language: 2, places: 2,
      titles: 2, published: 2, likely: 2, management: 3, useful: 2, media: 3, various: 3, strategy: 3, created: 3,
      area: 3, business: 2, information: 4, education: 4, whole: 1, free: 1,
    };
    const got = Object.fromEntries(Object.keys(words).map((w) => [w, countSyllables(w, 'en')]));
    expect(got).toEqual(words);
  });

  it('counts French syllables (spoken: mute final e, mute verb -ent)', () => {
    const words: Record<string, number> = {
      chat: 1, maison: 2, ordinateur: 4, lisibilité: 5, année: 2, table: 1, parlent: 1, souvent: 2, oiseau: 2,
      "aujourd'hui": 3, réussir: 3, aéroport: 4, poème: 2, Noël: 2, français: 2, statistique: 3, guerre: 1,
      remarqué: 3, poésie: 3, pitié: 2, créé: 2, 'peut-être': 2, moment: 2, client: 2, stratégie: 3, mangent: 1,
      toujours: 2, beaucoup: 2, chien: 1,
    };
    const got = Object.fromEntries(Object.keys(words).map((w) => [w, countSyllables(w, 'fr')]));
    expect(got).toEqual(words);
  });

  it('tokenises French elisions: l’équipe is one word and matches the keyphrase "équipe"', () => {
    const r = score(post("L'équipe d’Anne a publié aujourd'hui. Notre équipe est prête.", { locale: 'fr', keyphrase: 'équipes' }));
    expect(r.metrics.words).toBe(9);
    expect(check(r, 'keyphrase-intro').status).toBe('GOOD');
  });
});

describe('channel limits', () => {
  const sms = (body: string) => score({ channel: 'SMS', title: '', body, locale: 'fr' });

  it('SMS: 160 GSM-7 characters or 70 UCS-2', () => {
    expect(smsLength('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsLength('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsLength('€'.repeat(81)).segments).toBe(2);
    expect(smsLength(`ç${'a'.repeat(69)}`)).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1, nonGsmChar: 'ç' });
    expect(smsLength(`ç${'a'.repeat(70)}`).segments).toBe(2);

    expect(check(sms('a'.repeat(160)), 'text-length').status).toBe('GOOD');
    expect(check(sms('a'.repeat(161)), 'text-length').status).toBe('IMPROVE');
    // Ç is in the GSM-7 alphabet, ç is not
    expect(check(sms(`Ça${'a'.repeat(158)}`), 'text-length').status).toBe('GOOD');
    expect(check(sms(`ça${'a'.repeat(68)}`), 'text-length').status).toBe('GOOD');
    const ucs = check(sms(`ça${'a'.repeat(69)}`), 'text-length');
    expect(ucs.status).toBe('IMPROVE');
    expect(ucs.explanation).toContain('UCS-2');
    expect(ucs.suggestion).toContain('"ç"');
    expect(check(sms('a'.repeat(1000)), 'text-length').status).toBe('PROBLEM');
    // only the length check applies to an SMS
    expect(sms('Votre rendez-vous est confirmé pour demain 10 h.').checks.map((c) => c.id)).toEqual(['text-length']);
  });

  it('X: 280 weighted characters, links count 23', () => {
    const x = (body: string) => check(score({ channel: 'X', title: '', body, locale: 'en' }), 'text-length').status;
    expect(x('a'.repeat(280))).toBe('GOOD');
    expect(x('a'.repeat(281))).toBe('PROBLEM');
    expect(xWeightedLength(`${'a'.repeat(256)} https://example.com/a/very/long/path/that/is/shortened`)).toBe(280);
    expect(xWeightedLength('😀')).toBe(2);
  });

  it('LinkedIn 3000 characters, Instagram hashtags, and web-only checks are omitted elsewhere', () => {
    const li = (n: number) => check(score(post('a'.repeat(n))), 'text-length').status;
    expect(li(3000)).toBe('GOOD');
    expect(li(3001)).toBe('PROBLEM');
    const tags = Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' ');
    expect(check(score({ channel: 'INSTAGRAM', title: '', body: `New menu! ${tags}`, locale: 'en' }), 'hashtags').status).toBe('PROBLEM');
    const ids = score({ ...GOOD_EN, channel: 'X', body: 'Our content calendar template is out: https://example.com/t' }).checks.map((c) => c.id);
    for (const id of ['keyphrase-slug', 'keyphrase-meta', 'h1', 'meta-description-length', 'image-alt', 'question-headings']) expect(ids).not.toContain(id);
    expect(ids).toContain('keyphrase-intro');
  });

  it('blog length thresholds', () => {
    expect(check(score(BAD_EN), 'text-length').status).toBe('PROBLEM');
    expect(check(score(GOOD_EN), 'text-length').explanation).toContain('331 words');
  });
});

describe('incremental scorer', () => {
  function mulberry32(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('returns exactly what a cold scoreContent returns, over random edits', () => {
    const rng = mulberry32(0x5e05c0de);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
    const snippets = [' content', ' calendar', ' the', ' was written', ' 2024', ' 42 %', ' according to', ' "these are quoted words," says Ann.', '?', '. ', '\n\n', '\n\n## What is it?\n\n', '\n\n# Title\n\n', ' [link](https://a.org/x)', ' ![alt text](x.png)', ' est', ' été publié', " l'équipe", ' « citation en français »', ' Dr. Smith', '\n\n- item one\n- item two\n\n', '\n\n> quoted block — Ann\n\n', ' [broken](', ' ![', ']'];
    const scorer = createIncrementalScorer({ maxEntries: 40 });
    let input: ScoreInput = { ...GOOD_EN };
    for (let step = 0; step < 250; step++) {
      const op = rng();
      const body = input.body;
      if (op < 0.45) {
        const at = Math.floor(rng() * (body.length + 1));
        input = { ...input, body: body.slice(0, at) + pick(snippets) + body.slice(at) };
      } else if (op < 0.7) {
        const at = Math.floor(rng() * body.length);
        input = { ...input, body: body.slice(0, at) + body.slice(at + 1 + Math.floor(rng() * 20)) };
      } else if (op < 0.8) {
        const parts = body.split('\n\n');
        const i = Math.floor(rng() * parts.length);
        const j = Math.floor(rng() * parts.length);
        [parts[i], parts[j]] = [parts[j] as string, parts[i] as string];
        input = { ...input, body: parts.join('\n\n') };
      } else if (op < 0.87) {
        input = { ...input, keyphrase: pick(['content calendar', 'calendar', null, 'équipe', 'the plan']) };
      } else if (op < 0.92) {
        input = { ...input, locale: pick(['en', 'fr', 'en-CA', 'fr-FR']) };
      } else if (op < 0.97) {
        input = { ...input, channel: pick(['BLOG', 'LANDING_PAGE', 'NEWSLETTER', 'LINKEDIN', 'X', 'SMS', 'EMAIL']) };
      } else {
        input = { ...input, siteHost: pick(['example.com', null, 'a.org']), title: pick([GOOD_EN.title, 'Plan', 'What is a content calendar?']) };
      }
      expect(scorer.score(input, { now: NOW }), `step ${step}`).toEqual(scoreContent(input, { now: NOW }));
    }
    expect(scorer.stats.cacheHits).toBeGreaterThan(scorer.stats.blocksAnalysed);
    expect(scorer.stats.cacheSize).toBeLessThanOrEqual(40);
  });

  it('re-analyses only the paragraphs that changed', () => {
    const scorer = createIncrementalScorer();
    const blocks = parseBlocks(GOOD_EN_BODY).length;
    scorer.score(GOOD_EN, { now: NOW });
    expect(scorer.stats).toEqual({ blocksAnalysed: blocks, cacheHits: 0, cacheSize: blocks });

    const parts = GOOD_EN_BODY.split('\n\n');
    expect(parts.length).toBe(blocks);
    parts[4] = `${parts[4]} One more sentence.`;
    const edited = { ...GOOD_EN, body: parts.join('\n\n') };
    const r = scorer.score(edited, { now: NOW });
    expect(scorer.stats.blocksAnalysed).toBe(blocks + 1);
    expect(scorer.stats.cacheHits).toBe(blocks - 1);
    expect(r).toEqual(scoreContent(edited, { now: NOW }));

    // title, meta and slug edits re-analyse no block
    scorer.score({ ...edited, title: 'Content calendar basics for a small team' }, { now: NOW });
    expect(scorer.stats.blocksAnalysed).toBe(blocks + 1);

    // a new keyphrase changes every block's analysis
    scorer.score({ ...edited, keyphrase: 'editorial plan' }, { now: NOW });
    expect(scorer.stats.blocksAnalysed).toBe(2 * blocks + 1);
  });

  it('keeps at most maxEntries analyses (least recently used evicted)', () => {
    const scorer = createIncrementalScorer({ maxEntries: 3 });
    scorer.score(GOOD_EN, { now: NOW });
    expect(scorer.stats.cacheSize).toBe(3);
    const before = scorer.stats.blocksAnalysed;
    scorer.score(GOOD_EN, { now: NOW });
    expect(scorer.stats.blocksAnalysed).toBeGreaterThan(before);
    expect(() => createIncrementalScorer({ maxEntries: 0 })).toThrow();
  });
});

describe('total and weights', () => {
  it('combines the groups with the weights table and explains it', () => {
    const r = score(BAD_EN);
    expect(r.explanation).toMatch(/^Total \d+ = \(SEO \d+ × 45 \+ readability \d+ × 20 \+ GEO \d+ × 35\) \/ 100\.$/);
    const seoOnly = scoreContent(BAD_EN, { now: NOW, weights: { groups: { readability: 0, geo: 0 } } });
    expect(seoOnly.total).toBe(seoOnly.seo);
    const heavierTitle = scoreContent(BAD_EN, { now: NOW, weights: { checks: { 'keyphrase-title': 50 } } });
    expect(check(heavierTitle, 'keyphrase-title').maxScore).toBe(50);
    expect(heavierTitle.seo).toBeLessThan(r.seo);
    expectBadInput(() => scoreContent(BAD_EN, { weights: { checks: { h1: -1 } } }));
  });
});

describe('hostile input', () => {
  it('stays linear on unbalanced Markdown, long runs and huge words', () => {
    const bodies = [
      '[a]('.repeat(60_000),
      '!['.repeat(100_000),
      `etc.${' '.repeat(200_000)}x`,
      `## a${' #'.repeat(100_000)}`,
      '.)'.repeat(100_000),
      'a'.repeat(300_000),
      '"'.repeat(200_000),
      `${'word '.repeat(40_000)}`,
    ];
    for (const body of bodies) {
      const t = performance.now();
      const r = scoreContent({ channel: 'BLOG', title: 'T', body, keyphrase: 'a word', locale: 'en' }, { now: NOW });
      expect(r.total).toBeGreaterThanOrEqual(0);
      buildJsonLd({ channel: 'BLOG', title: 'T', body, locale: 'en' }, { url: 'https://e.com/', datePublished: '2025-01-01', authorName: 'A', publisherName: 'P' });
      expect(performance.now() - t, body.slice(0, 10)).toBeLessThan(3000);
    }
  });
});

describe('input validation', () => {
  it('rejects an unknown channel or an unsupported locale with BAD_USER_INPUT', () => {
    expectBadInput(() => scoreContent({ ...GOOD_EN, channel: 'TIKTOK' }));
    expectBadInput(() => scoreContent({ ...GOOD_EN, locale: 'de' }));
    expectBadInput(() => scoreContent({ ...GOOD_EN, body: 'x'.repeat(500_001) }));
    expect(scoreContent({ ...GOOD_EN, locale: null }, { now: NOW }).total).toBe(100);
  });
});

describe('JSON-LD', () => {
  const meta = { url: 'https://example.com/blog/content-calendar', datePublished: '2025-05-30T12:00:00Z', authorName: 'Ann Lee', publisherName: 'Example Inc.' };

  it('builds an Article and an FAQPage from question headings with answers', () => {
    const ld = buildJsonLd(GOOD_EN, meta) as { '@context': string; '@graph': Array<Record<string, any>> };
    expect(ld['@context']).toBe('https://schema.org');
    const [article, faq] = ld['@graph'];
    expect(article).toMatchObject({
      '@type': 'Article',
      headline: GOOD_EN.title,
      description: GOOD_EN.metaDescription,
      inLanguage: 'en',
      url: meta.url,
      mainEntityOfPage: { '@type': 'WebPage', '@id': meta.url },
      datePublished: '2025-05-30T12:00:00.000Z',
      author: { '@type': 'Person', name: 'Ann Lee' },
      publisher: { '@type': 'Organization', name: 'Example Inc.' },
      image: 'https://example.com/images/content-calendar-march.jpg',
      keywords: 'content calendar',
      wordCount: 331,
    });
    expect(faq?.['@type']).toBe('FAQPage');
    expect(faq?.mainEntity).toHaveLength(4);
    expect(faq?.mainEntity[0]).toEqual({
      '@type': 'Question',
      name: 'What should a content calendar include?',
      acceptedAnswer: { '@type': 'Answer', text: expect.stringMatching(/^Keep it short\. Each row needs a date/) },
    });
    expect(JSON.parse(JSON.stringify(ld))).toEqual(ld);
  });

  it('has no FAQPage without question headings, and validates its metadata', () => {
    const ld = buildJsonLd({ ...GOOD_EN, body: 'Just a paragraph.\n\n## Section\n\nMore text.' }, meta) as { '@graph': unknown[] };
    expect(ld['@graph']).toHaveLength(1);
    expectBadInput(() => buildJsonLd(GOOD_EN, { ...meta, url: 'ftp://example.com/x' }));
    expectBadInput(() => buildJsonLd(GOOD_EN, { ...meta, datePublished: 'not a date' }));
    expectBadInput(() => buildJsonLd(GOOD_EN, { ...meta, authorName: ' ' }));
  });
});
