// The built-in offline model: the product's default writer, with no external
// account. It is not a language model: it assembles channel-shaped text from
// French and English sentence banks, filled with the client's own brand DNA
// (name, offers, prices, audiences, values, proof points, vocabulary) and the
// brief. A seeded generator picks the templates, so the same inputs always
// give the same text and another seed gives another text. It says so in its
// metadata (offline: true).
import { badInput } from '@ensemble/tenancy/errors';
import { brandContext, languageOf, text, type Address, type BrandAudience, type BrandContext, type BrandOffer, type BrandProof, type Language } from './brand-context.ts';
import { createRng, type Rng } from './prng.ts';
import { EN, type BankKey } from './sentence-banks-en.ts';
import { FR } from './sentence-banks-fr.ts';
import { avoidMatcher, fold, gsm7Length, toGsm7, wordCount, xLength, type AvoidMatcher } from './text-safety.ts';

export const OFFLINE_MODEL_CODE = 'offline-writer';

/** The GraphQL Channel enum's values. */
export const CHANNELS = ['BLOG', 'LANDING_PAGE', 'LINKEDIN', 'FACEBOOK', 'INSTAGRAM', 'X', 'GOOGLE_BUSINESS', 'NEWSLETTER', 'EMAIL', 'SMS'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Hard limits set by the platforms themselves (characters; SMS in GSM-7 septets, X in weighted characters). */
export const CHANNEL_LIMITS = {
  SMS: 160,
  X: 280,
  LINKEDIN: 3000,
  INSTAGRAM: 2200,
  GOOGLE_BUSINESS: 1500,
  FACEBOOK: 63206,
} as const;

/** Blog articles are written to this many words. */
export const BLOG_WORDS = { min: 400, max: 800 } as const;

export interface OfflineBrief {
  goal?: string | null;
  offer?: string | null;
  topic?: string | null;
  keyphrase?: string | null;
}

export interface OfflineInput {
  dna: object;
  brief: OfflineBrief;
  channel: string;
  locale: 'en' | 'fr' | string;
  seed: string;
}

export interface OfflineMeta {
  model: 'offline-writer';
  offline: true;
  inputTokens: number;
  outputTokens: number;
}

export interface OfflineGeneration {
  title: string;
  body: string;
  meta: OfflineMeta;
}

/** Rough token count used across providers for estimates: one token per four characters. */
export function estimateTokens(value: string): number {
  return Math.max(1, Math.ceil(value.length / 4));
}

/** Credits per million tokens, the unit of billing.credit_rate rows ('mtok_input' / 'mtok_output'). */
export interface CreditRate {
  inputPerMtok: number;
  outputPerMtok: number;
  /** W8: the night batch's discount, in percent */
  batchDiscountPct?: number;
  /** speech to text: credits per started minute of audio */
  perAudioMinute?: number;
}

/**
 * The offline writer's own rate when the caller passes none: the standard
 * tier's generation rate of the seeded catalogue. Callers that know the
 * routed model pass its billing.credit_rate rows instead.
 */
export const OFFLINE_CREDIT_RATE: CreditRate = { inputPerMtok: 60, outputPerMtok: 300 };

/** Credits an AI call costs: whole credits, rounded up, at least 1. */
export function estimateCredits(usage: { inputTokens: number; outputTokens: number }, rate: CreditRate = OFFLINE_CREDIT_RATE, options: { batch?: boolean } = {}): number {
  const input = Math.ceil(usage.inputTokens);
  const output = Math.ceil(usage.outputTokens);
  if (!Number.isFinite(input) || !Number.isFinite(output) || input < 0 || output < 0) throw badInput('token counts must be non-negative numbers');
  const full = (input * rate.inputPerMtok + output * rate.outputPerMtok) / 1_000_000;
  const discounted = options.batch ? full * (1 - (rate.batchDiscountPct ?? 0) / 100) : full;
  return Math.max(1, Math.ceil(discounted));
}

export function parseChannel(channel: string): Channel {
  const key = channel.trim().toUpperCase().replace(/[\s-]+/g, '_');
  const aliases: Record<string, Channel> = { TWITTER: 'X', GOOGLE_BUSINESS_PROFILE: 'GOOGLE_BUSINESS', GBP: 'GOOGLE_BUSINESS', LANDING: 'LANDING_PAGE', E_MAIL: 'EMAIL' };
  const found = (CHANNELS as readonly string[]).includes(key) ? (key as Channel) : aliases[key];
  if (!found) throw badInput(`unknown channel "${channel}"; expected one of ${CHANNELS.join(', ')}`, 'channel');
  return found;
}

// ---------------------------------------------------------------------------
// Rendering

const VOWEL_START = /^[aeiouàâäéèêëîïôöùûüœæ]/i;

/** French contractions at a slot boundary: de + le → du, à + les → aux, de + voyelle → d'. */
function frenchJoin(before: string, value: string): [string, string] {
  const m = /(^|[\s(«"])(de|à|que|le|la|je|ne|se|lorsque|puisque)\s+$/i.exec(before);
  if (!m) return [before, value];
  const word = m[2] as string;
  const lower = word.toLowerCase();
  const head = before.slice(0, m.index + (m[1] as string).length);
  const article = /^(le|les)\s+/i.exec(value);
  if (article && (lower === 'de' || lower === 'à')) {
    const plural = (article[1] as string).toLowerCase() === 'les';
    const merged = lower === 'de' ? (plural ? 'des' : 'du') : plural ? 'aux' : 'au';
    const cased = word[0] === word[0]?.toUpperCase() ? merged[0]!.toUpperCase() + merged.slice(1) : merged;
    return [`${head}${cased} `, value.slice(article[0].length)];
  }
  if (lower !== 'à' && VOWEL_START.test(value)) return [`${head}${word.slice(0, -1)}'`, value];
  return [before, value];
}

function capitalise(value: string): string {
  const i = value.search(/[\p{L}\p{N}]/u);
  if (i < 0) return value;
  return value.slice(0, i) + value.charAt(i).toUpperCase() + value.slice(i + 1);
}

/**
 * Lower-cases the leading capital of a common noun phrase ("Small business
 * owners", "Artisans") for use inside a sentence; leaves acronyms ("SEO") and
 * what looks like a proper name ("Sophie", "Lyon") alone.
 */
function midSentence(value: string): string {
  const [first = '', second] = value.split(/\s+/);
  const ordinary = /^\p{Lu}[\p{Ll}'’-]*$/u.test(first);
  const commonPhrase = ordinary && (second ? /^[\p{Ll}\d]/u.test(second) : /\p{Ll}[sx]$/u.test(first));
  return commonPhrase ? value.charAt(0).toLowerCase() + value.slice(1) : value;
}

const FR_DETERMINER = /^(le|la|les|un|une|des|du|mon|ma|mes|ton|ta|tes|son|sa|ses|notre|nos|votre|vos|leur|leurs|ce|cet|cette|ces)\s+|^l['’]\s*/i;

/** French noun phrase without its article ("le pain au levain" → "pain au levain"): the templates place it where a bare noun reads well. */
/** Lower-cases a leading capital of a list item that is never a proper name (values, tone words, pains, goals). */
function lowerItem(value: string): string {
  // "Friendly staff" → "friendly staff", "A calm place" → "a calm place"; not "I …" nor "SEO …".
  return /^(?!I\s)\p{Lu}(\p{Ll}|\s)/u.test(value) ? value.charAt(0).toLowerCase() + value.slice(1) : value;
}

function bareFr(value: string): string {
  const stripped = value.replace(FR_DETERMINER, '');
  return stripped.trim() ? stripped : value;
}

/** French audience with the plural article a segment name needs mid-sentence ("Familles du quartier" → "les familles du quartier"). */
function audienceFr(value: string): string {
  if (FR_DETERMINER.test(value)) return midSentence(value);
  const first = value.split(/\s+/)[0] ?? '';
  return /[sx]$/i.test(first) && !/^\p{Lu}{2,}/u.test(first) ? `les ${midSentence(value)}` : value;
}

function endSentence(value: string): string {
  const trimmed = value.trim();
  return /[.!?…:»"')]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function endHeading(value: string): string {
  return value.trim().replace(/[.:;,]+$/, '');
}

interface Writer {
  lang: Language;
  address: Address;
  rng: Rng;
  avoid: AvoidMatcher;
  has(slot: string): boolean;
  slot(slot: string): string | undefined;
  /** one sentence from a bank, on brand and free of avoided words; '' when no template fits */
  say(key: BankKey, kind?: 'sentence' | 'heading' | 'phrase'): string;
  /** several distinct sentences from one bank */
  sayMany(key: BankKey, count: number): string[];
  /** the text in the DNA's voice: address resolved, avoided words removed */
  clean(value: string): string;
}

function createWriter(lang: Language, address: Address, rng: Rng, avoid: AvoidMatcher, fixed: Record<string, string | undefined>, rotating: Record<string, string[]>): Writer {
  const banks = lang === 'fr' ? FR : EN;
  const used = new Set<string>();
  const cursors = new Map<string, number>();

  const resolveAddress = (template: string): string =>
    template.replace(/\[\[([^|\]]*)\|([^\]]*)\]\]/g, (_m, vous: string, tu: string) => (address === 'tu' ? tu : vous));

  const has = (name: string): boolean => Boolean(fixed[name]) || (rotating[name]?.length ?? 0) > 0;

  const take = (name: string): string | undefined => {
    if (fixed[name]) return fixed[name];
    const list = rotating[name];
    if (!list || list.length === 0) return undefined;
    const i = cursors.get(name) ?? 0;
    cursors.set(name, i + 1);
    return list[i % list.length];
  };

  const render = (template: string): string => {
    let out = '';
    let last = 0;
    const re = /\{(\w+)\}/g;
    for (let m = re.exec(template); m; m = re.exec(template)) {
      out += template.slice(last, m.index);
      let value = take(m[1] as string) ?? '';
      if (lang === 'fr') [out, value] = frenchJoin(out, value);
      // A slot that opens a sentence ("… ? {cta}.") starts with a capital.
      if (/(^|[.!?]\s+)$/.test(out)) value = capitalise(value);
      out += value;
      last = m.index + m[0].length;
    }
    return out + template.slice(last);
  };

  const finish = (value: string, kind: 'sentence' | 'heading' | 'phrase'): string => {
    const shaped = kind === 'sentence' ? endSentence(capitalise(value)) : kind === 'heading' ? endHeading(capitalise(value)) : value.trim();
    return shaped.replace(/\s{2,}/g, ' ');
  };

  const say = (key: BankKey, kind: 'sentence' | 'heading' | 'phrase' = 'sentence'): string => {
    const templates = (banks[key] as readonly string[]).map(resolveAddress);
    const eligible = templates.filter((t) => [...t.matchAll(/\{(\w+)\}/g)].every((m) => has(m[1] as string)));
    if (eligible.length === 0) return '';
    const fresh = eligible.filter((t) => !used.has(`${key}\u0000${t}`));
    const ordered = [...rng.shuffle(fresh.length > 0 ? fresh : eligible)];
    let fallback = '';
    for (const template of ordered) {
      const snapshot = new Map(cursors);
      const candidate = finish(render(template), kind);
      if (!avoid.test(candidate)) {
        used.add(`${key}\u0000${template}`);
        return candidate;
      }
      // A rejected candidate must not consume rotating slot values.
      cursors.clear();
      for (const [k, v] of snapshot) cursors.set(k, v);
      if (!fallback) fallback = candidate;
    }
    // Every template collides with the avoid list: keep the first, minus the words.
    return finish(avoid.strip(fallback), kind);
  };

  return {
    lang,
    address,
    rng,
    avoid,
    has,
    slot: take,
    say,
    sayMany(key, count) {
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const s = say(key);
        if (s && !out.includes(s)) out.push(s);
      }
      return out;
    },
    clean(value: string) {
      const resolved = resolveAddress(value);
      return avoid.test(resolved) ? avoid.strip(resolved) : resolved;
    },
  };
}

// ---------------------------------------------------------------------------
// Facts picked from the DNA and the brief

interface Facts {
  ctx: BrandContext;
  offer?: BrandOffer;
  offers: BrandOffer[];
  proofs: BrandProof[];
  hashtagSources: string[];
}

const GOAL_PATTERNS: Array<[RegExp, BankKey]> = [
  [/quote|devis|lead|prospect/, 'cta.quote'],
  [/book|reserv|rendez|appointment|rdv|table|slot|creneau/, 'cta.book'],
  [/sale|sell|vente|vendre|achat|buy|order|commande|revenue|chiffre/, 'cta.buy'],
  [/traffic|trafic|visit|site|seo|blog|read/, 'cta.visit'],
  [/awareness|notoriete|visibil|follow|abonn|communaut|community|brand/, 'cta.follow'],
  [/sign|newsletter|inscri|subscri|register/, 'cta.signup'],
];

function ctaKey(goal: string | undefined): BankKey {
  const g = fold(goal ?? '');
  for (const [pattern, key] of GOAL_PATTERNS) if (pattern.test(g)) return key;
  return 'cta.contact';
}

function pickOffer(offers: BrandOffer[], wanted: string | undefined, rng: Rng): BrandOffer | undefined {
  if (wanted) {
    const w = fold(wanted);
    const match = offers.find((o) => fold(o.name) === w) ?? offers.find((o) => fold(o.name).includes(w) || w.includes(fold(o.name)));
    return match ?? { name: wanted };
  }
  return offers.length > 0 ? rng.pick(offers) : undefined;
}

function cleanList(values: string[], avoid: AvoidMatcher): string[] {
  const kept = values.filter((v) => !avoid.test(v));
  if (kept.length > 0) return kept;
  return values.map((v) => avoid.strip(v)).filter((v) => /[\p{L}\p{N}]/u.test(v));
}

function cleanText(value: string | undefined, avoid: AvoidMatcher): string | undefined {
  if (!value) return undefined;
  const out = avoid.test(value) ? avoid.strip(value) : value;
  return /[\p{L}\p{N}]/u.test(out) ? out : undefined;
}

function audienceFirst(audiences: BrandAudience[], primary: BrandAudience | undefined, items: (a: BrandAudience) => string[], rng: Rng): string[] {
  const own = primary ? rng.shuffle(items(primary)) : [];
  return [...own, ...rng.shuffle(audiences.filter((a) => a !== primary).flatMap(items))];
}

function buildWriter(input: OfflineInput, lang: Language, rng: Rng): { w: Writer; facts: Facts } {
  const ctx = brandContext(input.dna);
  const avoid = avoidMatcher(ctx.vocabularyAvoid);
  const brief = input.brief ?? {};
  const offers = ctx.offers
    .map((o) => ({ ...o, name: cleanText(o.name, avoid) ?? '', description: cleanText(o.description, avoid) }))
    .filter((o) => o.name)
    .map((o) => (o.description ? o : { name: o.name, ...(o.price ? { price: o.price } : {}) }));
  const offer = pickOffer(offers, cleanText(text(brief.offer, 12), avoid), rng);
  const topic = cleanText(text(brief.topic, 14), avoid)
    ?? cleanText(text(brief.keyphrase, 10), avoid)
    ?? (offer ? offer.name : undefined)
    ?? cleanList(ctx.keywords, avoid)[0]
    ?? cleanText(ctx.sector, avoid)
    ?? ctx.name;
  const keyphrase = cleanText(text(brief.keyphrase, 10), avoid) ?? topic;
  const audiences = ctx.audiences.filter((a) => !avoid.test(a.name));
  const primaryAudience = audiences.length > 0 ? rng.pick(audiences) : undefined;
  // Proof points with a named source first; one with none is the brand's own statement, cited as such.
  const keptProofs = ctx.proofPoints.filter((p) => !avoid.test(p.claim) && !avoid.test(p.source ?? ''));
  const proofs = [
    ...rng.shuffle(keptProofs.filter((p) => p.source)),
    ...rng.shuffle(keptProofs.filter((p) => !p.source)).map((p) => ({ claim: p.claim, source: ctx.name })),
  ];
  const values = rng.shuffle(cleanList(ctx.values, avoid)).map(lowerItem);
  const tones = rng.shuffle(cleanList(ctx.toneWords, avoid)).map(lowerItem);
  const goal = cleanText(text(brief.goal, 20), avoid);
  const fixed: Record<string, string | undefined> = {
    brand: ctx.name,
    topic: lang === 'fr' ? midSentence(bareFr(topic)) : midSentence(topic),
    kp: lang === 'fr' ? midSentence(bareFr(keyphrase)) : midSentence(keyphrase),
    offer: offer?.name,
    price: offer?.price,
    offerDesc: offer?.description,
    audience: primaryAudience ? (lang === 'fr' ? audienceFr(primaryAudience.name) : midSentence(primaryAudience.name)) : undefined,
    city: cleanText(ctx.city, avoid),
    website: cleanText(ctx.website, avoid),
    mission: ctx.mission ? cleanText(lowerItem(ctx.mission), avoid) : undefined,
    tagline: cleanText(ctx.tagline, avoid),
    sector: cleanText(ctx.sector, avoid),
    goal,
  };
  const rotating: Record<string, string[]> = {
    value: values,
    value2: values.length > 1 ? [...values.slice(1), values[0] as string] : [],
    tone: tones,
    tone2: tones.length > 1 ? [...tones.slice(1), tones[0] as string] : [],
    word: rng.shuffle(cleanList(ctx.vocabularyUse, avoid)),
    // The primary audience's own pains and goals come first: templates pair them with {audience}.
    pain: cleanList(audienceFirst(audiences, primaryAudience, (a) => a.pains, rng), avoid).map(lowerItem),
    benefit: cleanList(audienceFirst(audiences, primaryAudience, (a) => a.goals, rng), avoid).map(lowerItem),
  };
  const w = createWriter(lang, ctx.address, rng, avoid, fixed, rotating);
  fixed['cta'] = w.say(ctaKey(goal), 'phrase');
  const hashtagSources = [
    ...rng.shuffle(ctx.keywords),
    keyphrase,
    topic,
    ...rng.shuffle(ctx.vocabularyUse),
    ...(offer ? [offer.name] : []),
    ...(ctx.sector ? [ctx.sector] : []),
    ...(ctx.city ? [ctx.city] : []),
    ctx.name,
  ];
  return { w, facts: { ctx, offer, offers, proofs, hashtagSources } };
}

// ---------------------------------------------------------------------------
// Shared pieces

function hashtags(w: Writer, facts: Facts, count: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const source of facts.hashtagSources) {
    if (out.length >= count) break;
    const words = source.split(/[^\p{L}\p{N}]+/u).filter((x) => x && !/^(le|la|les|l|un|une|des|du|de|d|the|a|an)$/i.test(x));
    if (words.length === 0 || words.length > 4) continue;
    const tag = words.length === 1 ? capitalise(words[0] as string) : words.map((x) => capitalise(x.toLowerCase())).join('');
    const key = fold(tag);
    if (tag.length < 3 || tag.length > 30 || seen.has(key) || w.avoid.testLoose(tag)) continue;
    seen.add(key);
    out.push(`#${tag}`);
  }
  return out;
}

function offerLine(offer: BrandOffer): string {
  const price = offer.price ? ` (${offer.price})` : '';
  const desc = offer.description ? ` — ${endSentence(capitalise(offer.description))}` : '';
  return `- **${offer.name}**${price}${desc}`;
}

function proofQuote(w: Writer, proof: BrandProof): string {
  const claim = endSentence(capitalise(proof.claim));
  return proof.source ? `> ${claim}\n>\n> — Source${w.lang === 'fr' ? ' ' : ''}: ${proof.source}` : `> ${claim}`;
}

function proofSentence(w: Writer, proof: BrandProof): string {
  const claim = endSentence(capitalise(proof.claim)).replace(/[.!]$/, '');
  if (!proof.source) return `${claim}.`;
  return w.lang === 'fr' ? `${claim} (source : ${proof.source}).` : `${claim} (source: ${proof.source}).`;
}

function websiteLine(w: Writer): string {
  return w.has('website') ? w.say('cta.website') : '';
}

function join(parts: Array<string | false | undefined | null>, sep = ' '): string {
  return parts.filter((p): p is string => Boolean(p && p.trim())).join(sep);
}

/** Drops optional blocks from the end until the text fits, then cuts at a sentence boundary. */
function fitBlocks(blocks: Array<{ text: string; optional?: boolean }>, limit: number, measure: (s: string) => number, sep = '\n\n'): string {
  const kept = blocks.filter((b) => b.text.trim());
  const render = (): string => kept.map((b) => b.text).join(sep);
  for (let i = kept.length - 1; i >= 0 && measure(render()) > limit; i--) {
    if (kept[i]?.optional) kept.splice(i, 1);
  }
  let out = render();
  while (measure(out) > limit) {
    const cut = Math.max(out.lastIndexOf('. ', out.length - 2), out.lastIndexOf('\n'));
    out = cut > 0 ? out.slice(0, cut + 1).trimEnd() : out.slice(0, Math.max(0, out.length - 10)).trimEnd();
  }
  return out;
}

function channelLabel(channel: Channel, lang: Language): string {
  const labels: Record<Channel, [string, string]> = {
    BLOG: ['Blog', 'Blog'],
    LANDING_PAGE: ['Landing page', 'Page d\'atterrissage'],
    LINKEDIN: ['LinkedIn', 'LinkedIn'],
    FACEBOOK: ['Facebook', 'Facebook'],
    INSTAGRAM: ['Instagram', 'Instagram'],
    X: ['X', 'X'],
    GOOGLE_BUSINESS: ['Google Business Profile', 'Fiche Google'],
    NEWSLETTER: ['Newsletter', 'Newsletter'],
    EMAIL: ['Email', 'E-mail'],
    SMS: ['SMS', 'SMS'],
  };
  return labels[channel][lang === 'fr' ? 1 : 0];
}

function socialTitle(w: Writer, channel: Channel): string {
  const topic = capitalise(w.slot('topic') ?? '');
  return `${channelLabel(channel, w.lang)}${w.lang === 'fr' ? ' : ' : ': '}${topic}`;
}

// ---------------------------------------------------------------------------
// Channels

interface Section {
  heading: string;
  paragraphs: string[][];
  bullets: string[];
  /** bullets that came from the DNA (offers): never trimmed */
  fixedBullets?: boolean;
  quote?: string;
  after?: string[];
}

function renderSections(intro: string[], sections: Section[]): string {
  const parts: string[] = [join(intro)];
  for (const s of sections) {
    parts.push(`## ${s.heading}`);
    // The first paragraph introduces the list; later ones follow it.
    const [first, ...rest] = s.paragraphs;
    if (first?.length) parts.push(join(first));
    if (s.bullets.length) parts.push(s.bullets.join('\n'));
    for (const p of rest) if (p.length) parts.push(join(p));
    if (s.quote) parts.push(s.quote);
    if (s.after?.length) parts.push(join(s.after));
  }
  return parts.filter((p) => p.trim()).join('\n\n');
}

function blog(w: Writer, facts: Facts): { title: string; body: string } {
  const { rng } = w;
  const title = w.say('title.blog', 'heading');
  const intro = [w.say('intro.answer'), w.say('intro.brand')];

  const why: Section = { heading: w.say('h.why', 'heading'), paragraphs: [w.sayMany('why', 3)], bullets: [] };
  const question: Section = {
    heading: asQuestion(w, w.say('h.question', 'heading')),
    paragraphs: [[w.say('answer'), w.say('answer.lead')]],
    bullets: w.sayMany('tip', 3).map((t) => `- ${t}`),
  };
  const approach: Section = { heading: w.say('h.approach', 'heading'), paragraphs: [w.sayMany('approach', 3)], bullets: [] };
  const sections: Section[] = [why, question, approach];

  if (facts.offers.length > 0 || facts.offer) {
    const listed = [facts.offer, ...facts.offers.filter((o) => o.name !== facts.offer?.name)].filter((o): o is BrandOffer => Boolean(o)).slice(0, 3);
    sections.push({ heading: w.say('h.offer', 'heading'), paragraphs: [[w.say('offer')]], bullets: listed.map((o) => offerLine(o)), fixedBullets: true });
  }

  const proof = facts.proofs[0];
  const proofSection: Section = { heading: w.say('h.proof', 'heading'), paragraphs: [], bullets: [] };
  if (proof) {
    proofSection.quote = proofQuote(w, proof);
    proofSection.after = [w.say('proof')];
    const second = facts.proofs[1];
    if (second) proofSection.after.push(proofSentence(w, second));
  } else {
    proofSection.paragraphs.push([w.say('proof.none')]);
  }
  sections.push(proofSection);

  const cta: Section = { heading: w.say('h.cta', 'heading'), paragraphs: [[w.say('cta.close'), websiteLine(w)]], bullets: [] };
  sections.push(cta);

  // Grow to a target length picked by the seed, inside the blog range.
  const target = BLOG_WORDS.min + 30 + rng.int(Math.floor((BLOG_WORDS.max - BLOG_WORDS.min) / 2));
  const words = (): number => wordCount(`${title}\n${renderSections(intro, sections)}`);
  /** appends a sentence to a section, opening a new paragraph (after any list) every four sentences */
  const append = (section: Section, sentence: string): boolean => {
    if (!sentence || section.paragraphs.flat().includes(sentence) || section.bullets.includes(`- ${sentence}`)) return false;
    const last = section.paragraphs.length > 1 ? section.paragraphs[section.paragraphs.length - 1]! : undefined;
    if (last && last.length < 4) last.push(sentence);
    else section.paragraphs.push([sentence]);
    return true;
  };
  const growers: Array<() => boolean> = [
    () => { if (question.bullets.length >= 6) return false; const t = w.say('tip'); if (!t || question.bullets.includes(`- ${t}`)) return false; question.bullets.push(`- ${t}`); return true; },
    () => { const first = why.paragraphs[0]!; const s = w.say('why'); if (first.length < 5 && s && !first.includes(s)) { first.push(s); return true; } return append(why, s); },
    () => append(approach, w.say('approach')),
    () => append(question, w.say('answer')),
    () => append(why, w.say('tip')),
  ];
  let stalled = 0;
  for (let i = 0; words() < target && stalled < growers.length * 3; i++) {
    stalled = growers[i % growers.length]!() ? 0 : stalled + 1;
  }
  // Shrink when long DNA texts overshoot: drop added sentences, then extra bullets.
  while (words() > BLOG_WORDS.max) {
    const paragraph = sections.flatMap((s) => s.paragraphs).filter((p) => p.length > 1).sort((a, b) => join(b).length - join(a).length)[0];
    if (paragraph) { paragraph.pop(); continue; }
    const list = sections.filter((s) => !s.fixedBullets && s.bullets.length > 3)[0];
    if (list) { list.bullets.pop(); continue; }
    const fixed = sections.filter((s) => s.fixedBullets && s.bullets.length > 1)[0];
    if (fixed) { fixed.bullets.pop(); continue; }
    if (proofSection.after && proofSection.after.length > 1) { proofSection.after.pop(); continue; }
    break;
  }
  return { title, body: renderSections(intro, sections) };
}

function landingPage(w: Writer, facts: Facts): { title: string; body: string } {
  const title = w.say('landing.headline', 'heading');
  const cta = capitalise(w.slot('cta') ?? '');
  const site = w.has('website') ? ` — ${w.slot('website')}` : '';
  // The answer-first sentence carries the keyphrase high on the page.
  const parts: string[] = [join([w.say('landing.sub'), w.say('intro.answer')]), `**${cta}**${site}`];

  const benefits = [
    ...w.sayMany('benefit', 3).map(endHeading),
    ...(w.has('benefit') ? [capitalise(w.slot('benefit') as string)] : []),
    ...(w.has('value') ? [capitalise(w.slot('value') as string)] : []),
  ];
  parts.push(`## ${w.say('h.benefits', 'heading')}`, [...new Set(benefits)].map((b) => `- ${b}`).join('\n'));

  if (facts.offers.length > 0 || facts.offer) {
    const listed = [facts.offer, ...facts.offers.filter((o) => o.name !== facts.offer?.name)].filter((o): o is BrandOffer => Boolean(o)).slice(0, 4);
    parts.push(`## ${w.say('h.offer', 'heading')}`, w.say('offer'), listed.map((o) => offerLine(o)).join('\n'));
  }

  const steps = [w.say('how.1'), w.say('how.2'), w.say('how.3')].filter(Boolean);
  parts.push(`## ${w.say('h.how', 'heading')}`, steps.map((s, i) => `${i + 1}. ${s}`).join('\n'));

  parts.push(`## ${w.say('h.proof', 'heading')}`);
  const [proof, second] = facts.proofs;
  if (proof) parts.push(proofQuote(w, proof), second ? proofSentence(w, second) : '');
  else parts.push(w.say('proof.none'));

  parts.push(`## ${w.say('h.faq', 'heading')}`);
  const qa = (q: BankKey, a: BankKey): void => {
    const question = w.say(q, 'heading');
    const answer = w.say(a);
    if (question && answer) parts.push(`### ${asQuestion(w, question)}`, answer);
  };
  if (w.has('offer') && w.has('price')) qa('faq.price', 'faq.price.a');
  if (w.has('offer') && w.has('audience')) qa('faq.who', 'faq.who.a');
  qa('faq.start', 'faq.start.a');

  parts.push(`## ${w.say('h.cta', 'heading')}`, join([w.say('cta.close'), websiteLine(w)]));
  return { title, body: parts.filter((p) => p.trim()).join('\n\n') };
}

/** A heading that ends with a question mark, French spacing included. */
function asQuestion(w: Writer, heading: string): string {
  return `${endHeading(heading).replace(/\s*\?+$/, '')}${w.lang === 'fr' ? ' ?' : '?'}`;
}

function linkedin(w: Writer, facts: Facts): { title: string; body: string } {
  const tips = w.sayMany('tip', 3).map((t) => `→ ${t}`);
  const proof = facts.proofs[0];
  const tags = hashtags(w, facts, 3 + w.rng.int(3));
  const blocks = [
    { text: w.say('social.hook') },
    { text: join(w.sayMany('social.insight', 2)) },
    { text: w.has('offer') ? w.say('social.offer') : '' },
    { text: `${w.say('answer.lead')}\n${tips.join('\n')}`, optional: true },
    { text: proof ? proofSentence(w, proof) : '', optional: true },
    { text: w.say('social.question'), optional: true },
    { text: join([w.say('social.close'), websiteLine(w)]) },
  ];
  const body = fitBlocks([...blocks, { text: tags.join(' '), optional: true }], CHANNEL_LIMITS.LINKEDIN, (s) => s.length);
  return { title: socialTitle(w, 'LINKEDIN'), body };
}

function facebook(w: Writer, facts: Facts): { title: string; body: string } {
  const proof = facts.proofs[0];
  const blocks = [
    { text: w.say('social.hook') },
    { text: join([w.say('social.insight'), w.has('offer') ? w.say('social.offer') : '']) },
    { text: proof && w.rng.chance(0.6) ? proofSentence(w, proof) : '', optional: true },
    { text: w.say('social.question'), optional: true },
    { text: join([w.say('social.close'), websiteLine(w)]) },
    { text: hashtags(w, facts, 1 + w.rng.int(2)).join(' '), optional: true },
  ];
  return { title: socialTitle(w, 'FACEBOOK'), body: fitBlocks(blocks, CHANNEL_LIMITS.FACEBOOK, (s) => s.length) };
}

function instagram(w: Writer, facts: Facts): { title: string; body: string } {
  const tags = hashtags(w, facts, 6 + w.rng.int(7));
  const blocks = [
    { text: w.say('ig.hook') },
    { text: w.say('social.insight') },
    { text: w.sayMany('tip', 2).map((t) => `• ${t}`).join('\n'), optional: true },
    { text: w.has('offer') ? w.say('social.offer') : '', optional: true },
    { text: join([w.say('ig.close')]) },
    { text: tags.join(' '), optional: true },
  ];
  return { title: socialTitle(w, 'INSTAGRAM'), body: fitBlocks(blocks, CHANNEL_LIMITS.INSTAGRAM, (s) => [...s].length) };
}

function googleBusiness(w: Writer, facts: Facts): { title: string; body: string } {
  const offer = facts.offer;
  const blocks = [
    { text: w.say('gbp.open') },
    { text: join([w.has('offer') ? w.say('offer') : w.say('social.insight'), offer?.description ? endSentence(capitalise(offer.description)) : '']) },
    { text: w.has('city') ? w.say('gbp.local') : '', optional: true },
    { text: join([w.say('cta.close'), websiteLine(w)]) },
  ];
  return { title: socialTitle(w, 'GOOGLE_BUSINESS'), body: fitBlocks(blocks, CHANNEL_LIMITS.GOOGLE_BUSINESS, (s) => s.length) };
}

function xPost(w: Writer, facts: Facts): { title: string; body: string } {
  const core = w.say('x.core');
  const cta = endSentence(capitalise(w.slot('cta') ?? ''));
  const tags = hashtags(w, facts, 1 + w.rng.int(2));
  const candidates = [
    join([core, cta, w.slot('website'), tags.join(' ')]),
    join([core, cta, tags.join(' ')]),
    join([core, cta, tags[0]]),
    join([core, cta]),
    core,
  ];
  const body = candidates.find((c) => xLength(c) <= CHANNEL_LIMITS.X) ?? fitBlocks([{ text: core }], CHANNEL_LIMITS.X, xLength);
  return { title: socialTitle(w, 'X'), body };
}

function newsletter(w: Writer, facts: Facts): { title: string; body: string } {
  const title = w.say('news.subject', 'heading');
  const proof = facts.proofs[0];
  const parts = [
    `*${w.say('news.preheader')}*`,
    w.say('greeting', 'phrase'),
    `## ${w.say('h.news.edito', 'heading')}`,
    join([w.say('intro.answer'), ...w.sayMany('why', 2)]),
  ];
  if (w.has('offer')) {
    parts.push(`## ${w.say('h.news.offer', 'heading')}`, w.say('offer'));
    const offer = facts.offer;
    if (offer) parts.push(offerLine(offer));
  }
  parts.push(`## ${w.say('h.news.tips', 'heading')}`, w.sayMany('tip', 3).map((t) => `- ${t}`).join('\n'));
  if (proof) parts.push(`## ${w.say('h.news.proof', 'heading')}`, proofQuote(w, proof));
  parts.push(`## ${w.say('h.cta', 'heading')}`, join([w.say('cta.close'), websiteLine(w)]));
  parts.push(`${w.say('signoff', 'phrase')}\n${w.say('team', 'phrase')}`);
  return { title, body: parts.filter((p) => p.trim()).join('\n\n') };
}

function email(w: Writer, facts: Facts): { title: string; body: string } {
  const title = w.say('email.subject', 'heading');
  const proof = facts.proofs[0];
  const parts = [
    w.say('greeting', 'phrase'),
    join([w.say('email.open'), w.say('answer')]),
    join([w.has('offer') ? w.say('offer') : w.say('social.insight'), facts.offer?.description ? endSentence(capitalise(facts.offer.description)) : '', proof ? proofSentence(w, proof) : '']),
    join([w.say('cta.close'), websiteLine(w)]),
    `${w.say('signoff', 'phrase')}\n${w.say('team', 'phrase')}`,
  ];
  return { title, body: parts.filter((p) => p.trim()).join('\n\n') };
}

function sms(w: Writer, facts: Facts): { title: string; body: string } {
  const limit = CHANNEL_LIMITS.SMS;
  const brand = toGsm7(facts.ctx.name).slice(0, 24);
  const optOut = toGsm7(w.say('sms.optout', 'phrase'));
  const cta = toGsm7(endSentence(capitalise(w.slot('cta') ?? '')));
  const website = w.has('website') ? toGsm7(w.slot('website') as string) : '';
  const cores = [w.say('sms.core'), w.say('sms.core'), w.say('sms.core')].filter(Boolean).map(toGsm7);
  const compose = (core: string, withCta: boolean, withSite: boolean): string =>
    join([`${brand}:`, core, withCta ? cta : '', withSite ? website : '', optOut]);
  let body = '';
  for (const core of cores) {
    for (const [withCta, withSite] of [[true, true], [true, false], [false, false]] as const) {
      if (withSite && !website) continue;
      const candidate = compose(core, withCta, withSite);
      if (gsm7Length(candidate) <= limit) { body = candidate; break; }
    }
    if (body) break;
  }
  if (!body) {
    // Long brand or offer names: cut the message word by word, keep the opt-out.
    const words = (cores[0] ?? '').split(' ');
    while (words.length > 1 && gsm7Length(compose(`${words.join(' ')}...`, false, false)) > limit) words.pop();
    body = compose(`${words.join(' ')}...`, false, false);
    while (gsm7Length(body) > limit) body = join([`${brand.slice(0, Math.max(1, brand.length - (gsm7Length(body) - limit)))}:`, optOut]);
  }
  if (w.avoid.test(body)) body = toGsm7(w.avoid.strip(body));
  return { title: socialTitle(w, 'SMS'), body };
}

const WRITERS: Record<Channel, (w: Writer, facts: Facts) => { title: string; body: string }> = {
  BLOG: blog,
  LANDING_PAGE: landingPage,
  LINKEDIN: linkedin,
  FACEBOOK: facebook,
  INSTAGRAM: instagram,
  X: xPost,
  GOOGLE_BUSINESS: googleBusiness,
  NEWSLETTER: newsletter,
  EMAIL: email,
  SMS: sms,
};

/** Writes one piece of content for a channel, offline and deterministically. */
export function generateOffline(input: OfflineInput): OfflineGeneration {
  const channel = parseChannel(input.channel);
  const dna = (input.dna ?? {}) as Record<string, unknown>;
  const dnaLocale = typeof dna['locale'] === 'string' ? dna['locale'] : undefined;
  const lang = languageOf(input.locale || dnaLocale);
  const rng = createRng(`${input.seed}\u0000${channel}\u0000${lang}`);
  const { w, facts } = buildWriter(input, lang, rng);
  const out = WRITERS[channel](w, facts);
  // Last line of defence: nothing from the avoid list leaves the model.
  const title = w.clean(out.title).trim();
  const body = w.clean(out.body).trim();
  const prompt = JSON.stringify({ dna: input.dna, brief: input.brief, channel, locale: lang });
  return {
    title,
    body,
    meta: { model: OFFLINE_MODEL_CODE, offline: true, inputTokens: estimateTokens(prompt), outputTokens: estimateTokens(title + body) },
  };
}
