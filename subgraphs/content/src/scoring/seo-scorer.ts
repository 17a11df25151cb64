// SEO/GEO scorer (SPEC C3, live in C2): checks a draft for search engines
// (keyphrase placement, structure, links, length), readability (Flesch for
// English, Kandel & Moles for French) and answer engines (GEO: answer first,
// question headings, sourced statistics, citations, quotations, definitions,
// freshness), penalising keyword stuffing. Every check says why, with numbers,
// and what to do (messages in English; examples follow the text's language).
// The weights below are the single table C4 will learn per client.
import { badInput } from '@ensemble/tenancy/errors';
import { CHANNEL_CONSTRAINTS, SMS_MAX_PARTS, channelLength, codePointLength, smsLength, xWeightedLength, type LengthUnit } from './seo-channel-limits.ts';
import { hashString } from './seo-lexicon.ts';
import {
  K_HEADING, K_LIST, analyseBlock, analysisContext, blockKey, keyphraseCoverage, parseBlocks, plainText, prepareKeyphrase,
  type AnalysisContext, type BlockStats, type Keyphrase, type Lang, type RawBlock,
} from './seo-text-analysis.ts';

// --- weights ---------------------------------------------------------------------

export type CheckGroup = 'seo' | 'readability' | 'geo';

/**
 * Points of each check (its maxScore), the weight of each group in the total,
 * and the keyword-stuffing penalty (points taken off the 0-100 total). A check
 * that does not apply to a channel is omitted and its points do not count.
 */
export const DEFAULT_WEIGHTS = {
  checks: {
    'keyphrase-missing': 12,
    'keyphrase-title': 8,
    'keyphrase-intro': 7,
    'keyphrase-headings': 4,
    'keyphrase-slug': 4,
    'keyphrase-meta': 4,
    'keyphrase-density': 6,
    'keyphrase-distribution': 4,
    h1: 5,
    'heading-structure': 4,
    'title-length': 5,
    'subject-length': 5,
    'meta-description-length': 5,
    'internal-links': 4,
    'outbound-links': 3,
    'image-alt': 4,
    'text-length': 8,
    hashtags: 3,
    links: 3,
    'reading-ease': 8,
    'sentence-length': 6,
    'paragraph-length': 4,
    'passive-voice': 5,
    'answer-first': 8,
    'question-headings': 5,
    'statistics-sources': 6,
    citations: 6,
    quotations: 4,
    definitions: 5,
    freshness: 4,
  },
  groups: { seo: 45, readability: 20, geo: 35 },
  stuffingPenalty: { oneSignal: 12, bothSignals: 20 },
} as const;

export type CheckId = keyof typeof DEFAULT_WEIGHTS.checks | 'keyword-stuffing';

export interface WeightOverrides {
  checks?: Partial<Record<keyof typeof DEFAULT_WEIGHTS.checks, number>>;
  groups?: Partial<Record<CheckGroup, number>>;
  stuffingPenalty?: Partial<{ oneSignal: number; bothSignals: number }>;
}

const CHECK_GROUP: Record<CheckId, CheckGroup> = {
  'keyphrase-missing': 'seo', 'keyphrase-title': 'seo', 'keyphrase-intro': 'seo', 'keyphrase-headings': 'seo',
  'keyphrase-slug': 'seo', 'keyphrase-meta': 'seo', 'keyphrase-density': 'seo', 'keyphrase-distribution': 'seo', h1: 'seo',
  'heading-structure': 'seo', 'title-length': 'seo', 'subject-length': 'seo', 'meta-description-length': 'seo',
  'internal-links': 'seo', 'outbound-links': 'seo', 'image-alt': 'seo', 'text-length': 'seo', hashtags: 'seo', links: 'seo',
  'reading-ease': 'readability', 'sentence-length': 'readability', 'paragraph-length': 'readability',
  'passive-voice': 'readability', 'answer-first': 'geo', 'question-headings': 'geo', 'statistics-sources': 'geo',
  citations: 'geo', quotations: 'geo', definitions: 'geo', freshness: 'geo', 'keyword-stuffing': 'geo',
};

// --- channels ----------------------------------------------------------------------

export const CHANNELS = ['BLOG', 'LANDING_PAGE', 'LINKEDIN', 'FACEBOOK', 'INSTAGRAM', 'X', 'GOOGLE_BUSINESS', 'NEWSLETTER', 'EMAIL', 'SMS'] as const;
export type Channel = (typeof CHANNELS)[number];

type LengthRule =
  | { kind: 'minWords'; good: number; improve: number }
  | { kind: 'rangeWords'; floor: number; min: number; max: number; hardMax: number }
  | { kind: 'chars'; max: number; recommended: number | null }
  | { kind: 'x' }
  | { kind: 'sms' };

interface ChannelProfile {
  readonly name: string;
  /** Published as a web page: <title>, slug, meta description, H1, links, images. */
  readonly web: boolean;
  readonly keyphraseRequired: boolean;
  readonly headings: boolean;
  /** The title is an e-mail subject line. */
  readonly subject: boolean;
  readonly readability: 'full' | 'short' | 'none';
  readonly geo: 'full' | 'light' | 'none';
  readonly length: LengthRule;
}

/** The channel's hard character limit: one table (seo-channel-limits.ts) for the scorer, the studio and the model. */
function hardMax(channel: Channel): number {
  const rule = CHANNEL_CONSTRAINTS[channel]?.length;
  if (!rule || rule.unit !== 'characters') throw new Error(`${channel} has no character limit`);
  return rule.max;
}

const PROFILES: Record<Channel, ChannelProfile> = {
  BLOG: { name: 'blog post', web: true, keyphraseRequired: true, headings: true, subject: false, readability: 'full', geo: 'full', length: { kind: 'minWords', good: 300, improve: 200 } },
  LANDING_PAGE: { name: 'landing page', web: true, keyphraseRequired: true, headings: true, subject: false, readability: 'full', geo: 'full', length: { kind: 'minWords', good: 250, improve: 150 } },
  NEWSLETTER: { name: 'newsletter', web: false, keyphraseRequired: false, headings: true, subject: true, readability: 'full', geo: 'light', length: { kind: 'minWords', good: 150, improve: 75 } },
  EMAIL: { name: 'e-mail', web: false, keyphraseRequired: false, headings: false, subject: true, readability: 'full', geo: 'none', length: { kind: 'rangeWords', floor: 20, min: 50, max: 300, hardMax: 600 } },
  LINKEDIN: { name: 'LinkedIn post', web: false, keyphraseRequired: false, headings: false, subject: false, readability: 'full', geo: 'light', length: { kind: 'chars', max: hardMax('LINKEDIN'), recommended: null } },
  FACEBOOK: { name: 'Facebook post', web: false, keyphraseRequired: false, headings: false, subject: false, readability: 'full', geo: 'none', length: { kind: 'chars', max: hardMax('FACEBOOK'), recommended: 1000 } },
  INSTAGRAM: { name: 'Instagram caption', web: false, keyphraseRequired: false, headings: false, subject: false, readability: 'short', geo: 'none', length: { kind: 'chars', max: hardMax('INSTAGRAM'), recommended: null } },
  X: { name: 'X post', web: false, keyphraseRequired: false, headings: false, subject: false, readability: 'short', geo: 'none', length: { kind: 'x' } },
  GOOGLE_BUSINESS: { name: 'Google Business post', web: false, keyphraseRequired: false, headings: false, subject: false, readability: 'short', geo: 'light', length: { kind: 'chars', max: hardMax('GOOGLE_BUSINESS'), recommended: null } },
  SMS: { name: 'SMS', web: false, keyphraseRequired: false, headings: false, subject: false, readability: 'none', geo: 'none', length: { kind: 'sms' } },
};

/** Reading-ease formulas are unstable on very short texts. */
const READING_EASE_MIN_WORDS = 50;
const DENSITY_MIN_WORDS = 100;
const DISTRIBUTION_MIN_WORDS = 200;
const STUFFING_MIN_SENTENCES = 5;
const MAX_BODY_CHARS = 500_000;

const SOCIAL_HOSTS = ['facebook.com', 'instagram.com', 'x.com', 'twitter.com', 'linkedin.com', 'tiktok.com', 'pinterest.com', 'bit.ly', 't.co', 'lnkd.in', 'ow.ly', 'buff.ly'];

// --- public types --------------------------------------------------------------------

export interface ScoreInput {
  channel: string;
  title: string;
  /** Markdown: '#'/'##' headings, paragraphs, [links](url), ![alt](src). */
  body: string;
  keyphrase?: string | null;
  slug?: string | null;
  metaDescription?: string | null;
  /** 'en' | 'fr', optionally with a region ('fr-CA'); null means 'en'. */
  locale: string | null;
  /** Host of the site the page is published on, to tell internal from outbound links. */
  siteHost?: string | null;
}

export interface ScoreCheck {
  id: string;
  group: CheckGroup;
  label: string;
  score: number;
  maxScore: number;
  status: 'GOOD' | 'IMPROVE' | 'PROBLEM';
  explanation: string;
  suggestion: string | null;
}

export interface ScoreMetrics {
  words: number;
  sentences: number;
  paragraphs: number;
  headings: number;
  keyphraseOccurrences: number;
  keyphraseDensity: number;
  readingEase: number | null;
  passiveShare: number;
}

export interface ScoreResult {
  /** 0-100 */
  total: number;
  seo: number;
  readability: number;
  geo: number;
  checks: ScoreCheck[];
  /** How total was combined from the groups. */
  explanation: string;
  metrics: ScoreMetrics;
  /** What the channel's hard constraints measure (seo-channel-limits.ts), for counters and for refusing to save. */
  usage: ChannelUsage;
}

export interface ChannelUsage {
  length: { used: number; max: number; unit: LengthUnit } | null;
  hashtags: { used: number; max: number | null };
  links: { used: number; allowed: boolean };
}

export type ConstraintId = 'length' | 'hashtags' | 'links';

export interface ConstraintViolation {
  constraint: ConstraintId;
  message: string;
}

/** What the channel's hard constraints measure, counted exactly as the score counts it (no score computed). */
export function channelUsage(input: ScoreInput): ChannelUsage {
  const v = normaliseInput(input);
  const constraint = CHANNEL_CONSTRAINTS[v.channel] as (typeof CHANNEL_CONSTRAINTS)[string];
  let hashtags = 0;
  let links = 0;
  if (constraint.length !== null || constraint.maxHashtags !== null || !constraint.linksAllowed) {
    const ctx = analysisContext(v.lang, null);
    for (const block of parseBlocks(v.body)) {
      const stats = analyseBlock(block, ctx);
      hashtags += stats.hashtags;
      links += stats.links.length;
    }
  }
  return {
    length: constraint.length ? { used: channelLength(v.channel, v.body), max: constraint.length.max, unit: constraint.length.unit } : null,
    hashtags: { used: hashtags, max: constraint.maxHashtags },
    links: { used: links, allowed: constraint.linksAllowed },
  };
}

/** The hard constraints the usage breaks, each with a message naming it. */
export function constraintViolations(channel: string, usage: ChannelUsage): ConstraintViolation[] {
  const out: ConstraintViolation[] = [];
  const name = PROFILES[channel as Channel]?.name ?? channel;
  if (usage.length && usage.length.used > usage.length.max) {
    out.push({ constraint: 'length', message: `A ${name} is limited to ${usage.length.max} ${usage.length.unit}; this one has ${usage.length.used}.` });
  }
  if (usage.hashtags.max !== null && usage.hashtags.used > usage.hashtags.max) {
    out.push({ constraint: 'hashtags', message: `A ${name} allows at most ${usage.hashtags.max} hashtags; this one has ${usage.hashtags.used}.` });
  }
  if (!usage.links.allowed && usage.links.used > 0) {
    out.push({ constraint: 'links', message: `A ${name} cannot carry links in its text (${usage.links.used} found).` });
  }
  return out;
}

export interface ScoreOptions {
  weights?: WeightOverrides;
  /** Reference date for the freshness check (default: now). */
  now?: Date;
}

// --- input ------------------------------------------------------------------------

interface NormalisedInput {
  channel: Channel;
  lang: Lang;
  locale: string;
  title: string;
  body: string;
  keyphrase: string | null;
  slug: string | null;
  metaDescription: string | null;
  siteHost: string | null;
}

const LOCALE = /^(en|fr)(?:[-_]([a-z]{2}|\d{3}))?$/i;

function normaliseInput(input: ScoreInput): NormalisedInput {
  if (input === null || typeof input !== 'object') throw badInput('Score input is required');
  if (!(CHANNELS as readonly string[]).includes(input.channel)) throw badInput(`Unknown channel "${String(input.channel)}"`, 'channel');
  if (typeof input.title !== 'string') throw badInput('Title must be a string', 'title');
  if (typeof input.body !== 'string') throw badInput('Body must be a string', 'body');
  if (input.body.length > MAX_BODY_CHARS) throw badInput(`Text must be at most ${MAX_BODY_CHARS} characters`, 'body');
  if (input.title.length > 1000) throw badInput('Title must be at most 1000 characters', 'title');
  const locale = input.locale ?? 'en';
  const m = typeof locale === 'string' ? LOCALE.exec(locale.trim()) : null;
  if (!m) throw badInput('Scoring supports English and French locales ("en", "fr", "fr-CA")', 'locale');
  const lang = (m[1] as string).toLowerCase() as Lang;
  const region = m[2] ? `-${m[2].toUpperCase()}` : '';
  const opt = (v: string | null | undefined, field: string, max: number): string | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string') throw badInput(`${field} must be a string`, field);
    const t = v.trim();
    if (t.length > max) throw badInput(`${field} must be at most ${max} characters`, field);
    return t || null;
  };
  const siteHost = opt(input.siteHost, 'siteHost', 253);
  return {
    channel: input.channel as Channel,
    lang,
    locale: `${lang}${region}`,
    title: input.title.trim(),
    body: input.body,
    keyphrase: opt(input.keyphrase, 'keyphrase', 200),
    slug: opt(input.slug, 'slug', 500),
    metaDescription: opt(input.metaDescription, 'metaDescription', 2000),
    siteHost: siteHost ? normaliseHost(siteHost) : null,
  };
}

function normaliseHost(h: string): string {
  let host = h.toLowerCase();
  const scheme = host.indexOf('://');
  if (scheme >= 0) host = host.slice(scheme + 3);
  const slash = host.search(/[/:?#]/);
  if (slash >= 0) host = host.slice(0, slash);
  return host.startsWith('www.') ? host.slice(4) : host;
}

interface ResolvedWeights {
  checks: Record<string, number>;
  groups: Record<CheckGroup, number>;
  stuffing: { oneSignal: number; bothSignals: number };
}

function resolveWeights(o: WeightOverrides | undefined): ResolvedWeights {
  const checks: Record<string, number> = { ...DEFAULT_WEIGHTS.checks };
  const groups: Record<CheckGroup, number> = { ...DEFAULT_WEIGHTS.groups };
  const stuffing: { oneSignal: number; bothSignals: number } = { ...DEFAULT_WEIGHTS.stuffingPenalty };
  const valid = (v: unknown, what: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1000) throw badInput(`Weight of ${what} must be a number between 0 and 1000`, 'weights');
    return v;
  };
  if (o?.checks) {
    for (const [k, v] of Object.entries(o.checks)) {
      if (!(k in checks)) throw badInput(`Unknown check "${k}"`, 'weights');
      checks[k] = valid(v, k);
    }
  }
  if (o?.groups) {
    for (const [k, v] of Object.entries(o.groups)) {
      if (!(k in groups)) throw badInput(`Unknown group "${k}"`, 'weights');
      groups[k as CheckGroup] = valid(v, k);
    }
  }
  if (o?.stuffingPenalty?.oneSignal !== undefined) stuffing.oneSignal = valid(o.stuffingPenalty.oneSignal, 'stuffing penalty');
  if (o?.stuffingPenalty?.bothSignals !== undefined) stuffing.bothSignals = valid(o.stuffingPenalty.bothSignals, 'stuffing penalty');
  return { checks, groups, stuffing };
}

// --- scoring --------------------------------------------------------------------

export function scoreContent(input: ScoreInput, options: ScoreOptions = {}): ScoreResult {
  return runScore(input, options, null);
}

export interface IncrementalScorer {
  /** Same result as scoreContent; only blocks whose text changed are re-analysed. */
  score(input: ScoreInput, options?: ScoreOptions): ScoreResult;
  /** Counters for tests and monitoring. */
  readonly stats: { blocksAnalysed: number; cacheHits: number; cacheSize: number };
  clear(): void;
}

interface CacheEntry {
  readonly text: string;
  readonly kind: number;
  readonly ctx: string;
  readonly stats: BlockStats;
}

/** Block analyses keyed by an FNV-1a hash of (context, block text), least recently used evicted first. */
class BlockCache {
  private readonly entries = new Map<number, CacheEntry>();
  private readonly maxEntries: number;
  private lastKp: { raw: string; lang: Lang; kp: Keyphrase | null } | null = null;
  analysed = 0;
  hits = 0;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  keyphrase(raw: string | null, lang: Lang): Keyphrase | null {
    if (raw === null) return null;
    const last = this.lastKp;
    if (last && last.raw === raw && last.lang === lang) return last.kp;
    const kp = prepareKeyphrase(raw, lang);
    this.lastKp = { raw, lang, kp };
    return kp;
  }

  analyse(block: RawBlock, ctx: AnalysisContext, ctxKey: string, seed: number): BlockStats {
    const key = blockKey(block.text, seed);
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      if (hit.text === block.text && hit.ctx === ctxKey && hit.kind === block.kind) {
        this.hits++;
        this.entries.set(key, hit);
        return hit.stats;
      }
    }
    this.analysed++;
    const stats = analyseBlock(block, ctx);
    this.entries.set(key, { text: block.text, kind: block.kind, ctx: ctxKey, stats });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as number);
    return stats;
  }

  clear(): void {
    this.entries.clear();
    this.lastKp = null;
    this.analysed = 0;
    this.hits = 0;
  }
}

export function createIncrementalScorer(opts: { maxEntries?: number } = {}): IncrementalScorer {
  const max = opts.maxEntries ?? 4096;
  if (!Number.isInteger(max) || max < 1) throw badInput('maxEntries must be a positive integer', 'maxEntries');
  const cache = new BlockCache(max);
  return {
    score: (input, options = {}) => runScore(input, options, cache),
    get stats() {
      return { blocksAnalysed: cache.analysed, cacheHits: cache.hits, cacheSize: cache.size };
    },
    clear: () => cache.clear(),
  };
}

function runScore(input: ScoreInput, options: ScoreOptions, cache: BlockCache | null): ScoreResult {
  const v = normaliseInput(input);
  const weights = resolveWeights(options.weights);
  const now = options.now ?? new Date();
  const kp = cache ? cache.keyphrase(v.keyphrase, v.lang) : v.keyphrase ? prepareKeyphrase(v.keyphrase, v.lang) : null;
  const ctx = analysisContext(v.lang, kp);
  const raw = parseBlocks(v.body);
  let stats: BlockStats[];
  if (cache) {
    const ctxKey = `${v.lang}\u0000${kp ? kp.canonical : ''}`;
    const seed = hashString(ctxKey);
    stats = raw.map((b) => cache.analyse(b, ctx, ctxKey, seed));
  } else {
    stats = raw.map((b) => analyseBlock(b, ctx));
  }
  return evaluate(v, ctx, raw, stats, weights, now);
}

// --- aggregation and checks --------------------------------------------------------

interface Draft {
  id: CheckId;
  label: string;
  fraction: number;
  status: ScoreCheck['status'];
  explanation: string;
  suggestion: string | null;
  penalty?: number;
}

interface HeadingInfo {
  level: number;
  block: number;
  hasKp: boolean;
  question: boolean;
  answered: boolean;
}

interface Doc {
  words: number;
  textWords: number;
  sentences: number;
  syllables: number;
  longSentences: number;
  veryLongSentences: number;
  maxSentenceWords: number;
  passiveSentences: number;
  kpOccurrences: number;
  kpTextSentences: number;
  kpPositions: number[];
  definitions: number;
  kpDefinitions: number;
  statSentences: number;
  statsSourced: number;
  quotes: number;
  quotesAttributed: number;
  years: number;
  maxYear: number;
  links: string[];
  images: number;
  imagesWithAlt: number;
  imagesAltKp: number;
  hashtags: number;
  headings: HeadingInfo[];
  paragraphs: number[]; // words per paragraph/quote block
  intro: number; // index of the first block with words, or -1
  lead: number[]; // per first two sentences: bits 1 keyphrase, 2 definition
}

function summarise(stats: BlockStats[]): Doc {
  const d: Doc = {
    words: 0, textWords: 0, sentences: 0, syllables: 0, longSentences: 0, veryLongSentences: 0, maxSentenceWords: 0,
    passiveSentences: 0, kpOccurrences: 0, kpTextSentences: 0, kpPositions: [], definitions: 0, kpDefinitions: 0,
    statSentences: 0, statsSourced: 0, quotes: 0, quotesAttributed: 0, years: 0, maxYear: 0, links: [], images: 0,
    imagesWithAlt: 0, imagesAltKp: 0, hashtags: 0, headings: [], paragraphs: [], intro: -1, lead: [],
  };
  let currentHeading: HeadingInfo | null = null;
  for (let i = 0; i < stats.length; i++) {
    const s = stats[i] as BlockStats;
    for (const off of s.kpSentenceOffsets) d.kpPositions.push(d.words + off);
    d.words += s.words;
    d.kpOccurrences += s.kpOccurrences;
    d.hashtags += s.hashtags;
    d.images += s.images;
    d.imagesWithAlt += s.imagesWithAlt;
    d.imagesAltKp += s.imagesAltKp;
    for (const l of s.links) d.links.push(l);
    if (s.years > 0) {
      d.years += s.years;
      if (s.maxYear > d.maxYear) d.maxYear = s.maxYear;
    }
    if (s.kind === K_HEADING) {
      currentHeading = { level: s.level, block: i, hasKp: s.kpAllTokens, question: s.question, answered: false };
      d.headings.push(currentHeading);
      continue;
    }
    if (currentHeading && s.sentences > 0) currentHeading.answered = true;
    d.textWords += s.words;
    d.sentences += s.sentences;
    d.syllables += s.syllables;
    d.longSentences += s.longSentences;
    d.veryLongSentences += s.veryLongSentences;
    if (s.maxSentenceWords > d.maxSentenceWords) d.maxSentenceWords = s.maxSentenceWords;
    d.passiveSentences += s.passiveSentences;
    d.kpTextSentences += s.kpSentences;
    d.definitions += s.definitions;
    d.kpDefinitions += s.kpDefinitions;
    d.statSentences += s.statSentences;
    d.statsSourced += s.statsSourced;
    d.quotes += s.quotes;
    d.quotesAttributed += s.quotesAttributed;
    if (s.kind !== K_LIST && s.words > 0) d.paragraphs.push(s.words);
    if (d.intro < 0 && s.words > 0) d.intro = i;
    for (let k = 0; k < s.sentences && d.lead.length < 2; k++) d.lead.push(k < 2 ? (s.lead >> (k * 2)) & 3 : 0);
  }
  return d;
}

const fmt = (n: number, digits = 1): string => String(Number(n.toFixed(digits)));
const pct = (part: number, whole: number): number => (whole === 0 ? 0 : (100 * part) / whole);
const plural = (n: number, one: string, many: string = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function good(id: CheckId, label: string, explanation: string): Draft {
  return { id, label, fraction: 1, status: 'GOOD', explanation, suggestion: null };
}
function improve(id: CheckId, label: string, fraction: number, explanation: string, suggestion: string): Draft {
  return { id, label, fraction, status: 'IMPROVE', explanation, suggestion };
}
function problem(id: CheckId, label: string, explanation: string, suggestion: string, fraction = 0): Draft {
  return { id, label, fraction, status: 'PROBLEM', explanation, suggestion };
}

interface LinkCounts {
  internal: number;
  outbound: number;
  citations: number;
}

function classifyLinks(links: string[], siteHost: string | null): LinkCounts {
  const c: LinkCounts = { internal: 0, outbound: 0, citations: 0 };
  for (const raw of links) {
    const url = raw.trim();
    const lower = url.toLowerCase();
    if (lower.startsWith('mailto:') || lower.startsWith('tel:') || lower.startsWith('sms:') || lower.startsWith('javascript:')) continue;
    let host: string | null = null;
    if (lower.startsWith('http://') || lower.startsWith('https://') || lower.startsWith('//')) host = normaliseHost(lower.startsWith('//') ? lower.slice(2) : lower);
    else if (lower.startsWith('www.')) host = normaliseHost(lower);
    if (host === null) {
      c.internal++; // relative: /pricing, #faq, ../guide
      continue;
    }
    if (siteHost && (host === siteHost || host.endsWith(`.${siteHost}`))) {
      c.internal++;
      continue;
    }
    c.outbound++;
    if (!SOCIAL_HOSTS.some((s) => host === s || host.endsWith(`.${s}`))) c.citations++;
  }
  return c;
}

function slugify(title: string): string {
  return title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function headingLabel(raw: RawBlock[], index: number): string {
  const t = plainText(raw[index] as RawBlock);
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}

function evaluate(v: NormalisedInput, ctx: AnalysisContext, raw: RawBlock[], stats: BlockStats[], w: ResolvedWeights, now: Date): ScoreResult {
  const p = PROFILES[v.channel];
  const d = summarise(stats);
  const kp = ctx.kp;
  const checks: Draft[] = [];
  const fr = ctx.fr;
  const kpQ = kp ? `"${kp.raw}"` : '';
  const kpCount = kp ? kp.tokens.length : 0;
  const density = pct(d.kpOccurrences, d.words);
  const readingEase = d.sentences > 0 && d.textWords > 0
    ? fr
      ? 206.84 - 1.02 * (d.textWords / d.sentences) - 0.6 * ((100 * d.syllables) / d.textWords)
      : 206.835 - 1.015 * (d.textWords / d.sentences) - 84.6 * (d.syllables / d.textWords)
    : null;
  const bodyH1 = d.headings.filter((h) => h.level === 1).length;
  const subheadings = d.headings.filter((h) => h.level === 2 || h.level === 3);

  // ---- SEO: keyphrase
  if (p.keyphraseRequired && !kp) {
    checks.push(problem('keyphrase-missing', 'Focus keyphrase',
      'No focus keyphrase is set, so the keyphrase checks (title, introduction, headings, slug, meta description, density, distribution) cannot run.',
      'Set the 2–4 word search phrase this page should rank for.'));
  }
  if (kp && p.web) {
    const label = 'Keyphrase in title';
    const found = keyphraseCoverage(v.title, 0, v.title.length, ctx, false);
    if (found === kpCount) {
      const first = keyphraseCoverage(v.title, 0, Math.min(v.title.length, Math.max(kp.raw.length + 10, Math.ceil(v.title.length / 2))), ctx, false) === kpCount;
      checks.push(good('keyphrase-title', label, `The title contains the keyphrase ${kpQ}${first ? ' near its beginning' : ''}.`));
    } else if (found > 0) {
      checks.push(improve('keyphrase-title', label, 0.5, `The title contains ${found} of the ${kpCount} keyphrase words of ${kpQ}.`, `Use the whole keyphrase ${kpQ} in the title, ideally at its beginning.`));
    } else {
      checks.push(problem('keyphrase-title', label, `The title does not contain the keyphrase ${kpQ}.`, `Rewrite the title so it includes ${kpQ}, ideally at its beginning.`));
    }
  }
  if (kp && p.length.kind !== 'sms') {
    const label = 'Keyphrase in introduction';
    const intro = d.intro >= 0 ? (stats[d.intro] as BlockStats) : null;
    if (!intro) checks.push(problem('keyphrase-intro', label, 'The text has no introduction paragraph yet.', `Open with a paragraph that uses ${kpQ}.`));
    else if (intro.kpSentences > 0) checks.push(good('keyphrase-intro', label, `The first paragraph uses the keyphrase ${kpQ} within one sentence.`));
    else if (intro.kpAllTokens) checks.push(improve('keyphrase-intro', label, 0.5, `All words of ${kpQ} appear in the first paragraph, but not in the same sentence.`, `Use ${kpQ} together in one sentence of the first paragraph.`));
    else checks.push(problem('keyphrase-intro', label, `The first paragraph (${plural(intro.words, 'word')}) does not use the keyphrase ${kpQ}.`, `Mention ${kpQ} in the first one or two sentences.`));
  }
  if (kp && p.headings && subheadings.length > 0) {
    const label = 'Keyphrase in subheadings';
    const withKp = subheadings.filter((h) => h.hasKp).length;
    const share = pct(withKp, subheadings.length);
    const expl = `${withKp} of ${plural(subheadings.length, 'H2/H3 subheading')} (${fmt(share, 0)} %) contain ${kpQ}.`;
    if (withKp === 0) checks.push(problem('keyphrase-headings', label, expl, `Use ${kpQ} (or its words) in at least one H2 or H3 subheading.`));
    else if (subheadings.length <= 2 || (share >= 30 && share <= 75)) checks.push(good('keyphrase-headings', label, `${expl} Target: 30–75 %.`));
    else if (share < 30) checks.push(improve('keyphrase-headings', label, 0.5, `${expl} Target: 30–75 %.`, `Add ${kpQ} to ${Math.ceil(subheadings.length * 0.3) - withKp} more subheading(s).`));
    else checks.push(improve('keyphrase-headings', label, 0.5, `${expl} More than 75 % reads as over-optimised.`, `Rephrase ${withKp - Math.floor(subheadings.length * 0.75)} subheading(s) without the keyphrase.`));
  }
  if (kp && p.web) {
    const label = 'Keyphrase in slug';
    const slug = v.slug ?? slugify(v.title);
    const derived = v.slug === null;
    const found = keyphraseCoverage(slug, 0, slug.length, ctx, true);
    const slugTokens = kp.slugTokens.length;
    const which = derived ? `The slug derived from the title ("${slug}")` : `The slug "${slug}"`;
    if (found === slugTokens) checks.push(good('keyphrase-slug', label, `${which} contains the keyphrase.`));
    else if (found > 0) checks.push(improve('keyphrase-slug', label, 0.5, `${which} contains ${found} of ${slugTokens} keyphrase words.`, `Use a slug such as "${slugify(kp.raw)}".`));
    else checks.push(problem('keyphrase-slug', label, `${which} does not contain the keyphrase ${kpQ}.`, `Use a short slug such as "${slugify(kp.raw)}".`));
  }
  if (kp && p.web) {
    const label = 'Keyphrase in meta description';
    const meta = v.metaDescription;
    if (!meta) checks.push(problem('keyphrase-meta', label, 'No meta description is set, so search engines pick a snippet themselves.', `Write a meta description that uses ${kpQ}.`));
    else {
      const found = keyphraseCoverage(meta, 0, meta.length, ctx, false);
      if (found === kpCount) checks.push(good('keyphrase-meta', label, `The meta description contains ${kpQ}.`));
      else if (found > 0) checks.push(improve('keyphrase-meta', label, 0.5, `The meta description contains ${found} of ${kpCount} keyphrase words.`, `Use the whole keyphrase ${kpQ} in the meta description.`));
      else checks.push(problem('keyphrase-meta', label, `The meta description does not contain ${kpQ}.`, `Rewrite the meta description to include ${kpQ}.`));
    }
  }
  if (kp && d.words >= DENSITY_MIN_WORDS && p.length.kind !== 'sms') {
    const label = 'Keyphrase density';
    const expl = `${kpQ} appears ${plural(d.kpOccurrences, 'time')} in ${d.words} words: density ${fmt(density, 2)} %. Target: 0.5–3 %.`;
    const minOcc = Math.ceil(0.005 * d.words);
    const maxOcc = Math.floor(0.03 * d.words);
    if (d.kpOccurrences === 0) checks.push(problem('keyphrase-density', label, expl, `Use ${kpQ} about ${minOcc}–${Math.max(minOcc, Math.round(0.015 * d.words))} times in the text.`));
    else if (density < 0.5) checks.push(improve('keyphrase-density', label, 0.5, expl, `Use ${kpQ} ${minOcc - d.kpOccurrences} more time(s).`));
    else if (density <= 3) checks.push(good('keyphrase-density', label, expl));
    else if (density <= 4) checks.push(improve('keyphrase-density', label, 0.5, expl, `Replace ${d.kpOccurrences - maxOcc} occurrence(s) of ${kpQ} with synonyms or pronouns.`));
    else checks.push(problem('keyphrase-density', label, expl, `Replace ${d.kpOccurrences - maxOcc} occurrence(s) of ${kpQ} with synonyms or pronouns.`));
  }
  if (kp && (p.web || p.headings) && d.words >= DISTRIBUTION_MIN_WORDS) {
    const label = 'Keyphrase distribution';
    if (d.kpPositions.length === 0) {
      checks.push(problem('keyphrase-distribution', label, `${kpQ} does not appear in the text, so it is not spread through it.`, `Use ${kpQ} in the introduction, the middle and the conclusion.`));
    } else {
      let maxGap = 0;
      let gapStart = 0;
      let prev = 0;
      for (const pos of [...d.kpPositions, d.words]) {
        if (pos - prev > maxGap) {
          maxGap = pos - prev;
          gapStart = prev;
        }
        prev = pos;
      }
      const share = maxGap / d.words;
      const expl = `The longest stretch without ${kpQ} runs ${maxGap} words (${fmt(share * 100, 0)} % of the text), from word ${gapStart + 1} to ${gapStart + maxGap}.`;
      if (share <= 0.5) checks.push(good('keyphrase-distribution', label, expl));
      else if (share <= 0.7) checks.push(improve('keyphrase-distribution', label, 0.5, expl, `Use ${kpQ} once around word ${gapStart + Math.round(maxGap / 2)}.`));
      else checks.push(problem('keyphrase-distribution', label, expl, `Spread ${kpQ} more evenly: add it around word ${gapStart + Math.round(maxGap / 2)}.`));
    }
  }

  // ---- SEO: structure
  if (p.web) {
    const label = 'Single H1';
    if (bodyH1 === 0 && v.title) checks.push(good('h1', label, 'The body has no "# " heading, so the title is rendered as the page\'s only H1.'));
    else if (bodyH1 === 0) checks.push(problem('h1', label, 'There is no title and no "# " heading: the page has no H1.', 'Write a title; it becomes the H1.'));
    else if (bodyH1 === 1) checks.push(good('h1', label, 'The body has exactly one "# " heading, which is the page\'s H1 (the title is then only used as the <title> tag).'));
    else checks.push(problem('h1', label, `The body has ${bodyH1} "# " (H1) headings; a page should have exactly one H1.`, 'Turn the extra "# " headings into "## " subheadings.'));
  }
  if (p.headings) {
    const label = 'Heading structure';
    const skips: string[] = [];
    let prevLevel = 1;
    for (const h of d.headings) {
      if (h.level > prevLevel + 1) skips.push(`H${prevLevel} → H${h.level} at "${headingLabel(raw, h.block)}"`);
      prevLevel = h.level;
    }
    // longest run of text without a subheading
    let section = 0;
    let longest = 0;
    for (const s of stats) {
      if (s.kind === K_HEADING) section = 0;
      else {
        section += s.words;
        if (section > longest) longest = section;
      }
    }
    if (skips.length > 0) checks.push(problem('heading-structure', label, `Heading levels are skipped: ${skips.slice(0, 3).join('; ')}.`, 'Use levels in order (H2 under the H1, H3 under an H2) without jumping a level.'));
    else if (d.textWords > 300 && subheadings.length === 0) checks.push(improve('heading-structure', label, 0.5, `The text has ${d.textWords} words and no H2/H3 subheadings.`, 'Split the text into sections with "## " subheadings every 200–300 words.'));
    else if (longest > 300) checks.push(improve('heading-structure', label, 0.5, `Heading levels are in order, but one section runs ${longest} words without a subheading.`, 'Add a subheading so no section exceeds about 300 words.'));
    else checks.push(good('heading-structure', label, d.headings.length > 0 ? `${plural(d.headings.length, 'heading')}, levels in order, no section over 300 words.` : 'Short text; no subheadings needed.'));
  }
  if (p.web) {
    const label = 'Title length';
    const len = codePointLength(v.title);
    const expl = `The title has ${len} characters. Target: 30–60 (search results cut longer titles).`;
    if (len === 0) checks.push(problem('title-length', label, 'The title is empty.', 'Write a 30–60 character title that includes the keyphrase.'));
    else if (len < 30) checks.push(improve('title-length', label, 0.5, expl, `Add ${30 - len} or more characters, e.g. a benefit or the audience.`));
    else if (len <= 60) checks.push(good('title-length', label, expl));
    else if (len <= 70) checks.push(improve('title-length', label, 0.5, expl, `Remove ${len - 60} characters.`));
    else checks.push(problem('title-length', label, expl, `Remove ${len - 60} characters.`));
  }
  if (p.subject) {
    const label = 'Subject line length';
    const len = codePointLength(v.title);
    const expl = `The subject line has ${len} characters. Target: 10–60 (mobile inboxes cut around 40–60).`;
    if (len === 0) checks.push(problem('subject-length', label, 'The subject line is empty.', 'Write a subject line of 30–60 characters.'));
    else if (len < 10) checks.push(improve('subject-length', label, 0.5, expl, 'Say what the reader gets in a few more words.'));
    else if (len <= 60) checks.push(good('subject-length', label, expl));
    else if (len <= 100) checks.push(improve('subject-length', label, 0.5, expl, `Remove ${len - 60} characters; put the key words first.`));
    else checks.push(problem('subject-length', label, expl, `Remove ${len - 60} characters; put the key words first.`));
  }
  if (p.web) {
    const label = 'Meta description length';
    const meta = v.metaDescription;
    const len = meta ? codePointLength(meta) : 0;
    const expl = `The meta description has ${len} characters. Target: 120–156.`;
    if (!meta) checks.push(problem('meta-description-length', label, 'No meta description is set.', 'Write a 120–156 character summary that invites the click.'));
    else if (len < 120) checks.push(improve('meta-description-length', label, 0.5, expl, `Add about ${120 - len} characters.`));
    else if (len <= 156) checks.push(good('meta-description-length', label, expl));
    else checks.push(improve('meta-description-length', label, 0.5, expl, `Remove ${len - 156} characters so it is not cut in search results.`));
  }
  const links = classifyLinks(d.links, v.siteHost);
  if (p.web) {
    const hostNote = v.siteHost ? `links to ${v.siteHost} and relative links count as internal` : 'no site host given: only relative links count as internal';
    if (links.internal > 0) checks.push(good('internal-links', 'Internal links', `${plural(links.internal, 'internal link')} (${hostNote}).`));
    else checks.push(problem('internal-links', 'Internal links', `No internal links (${hostNote}).`, 'Link to one or two related pages of your site.'));
    if (links.outbound > 0) checks.push(good('outbound-links', 'Outbound links', `${plural(links.outbound, 'outbound link')}.`));
    else checks.push(improve('outbound-links', 'Outbound links', 0, 'No outbound links.', 'Link to an authoritative source that supports a claim.'));
    const label = 'Image alt text';
    if (d.images === 0) checks.push(improve('image-alt', label, 0.3, 'The text has no image.', `Add a relevant image with an alt text${kp ? ` that mentions ${kpQ}` : ''}.`));
    else if (d.imagesWithAlt === 0) checks.push(problem('image-alt', label, `None of the ${plural(d.images, 'image')} has an alt text.`, 'Describe each image in its alt text: ![description](image.jpg).'));
    else if (d.imagesWithAlt < d.images) checks.push(improve('image-alt', label, 0.5, `${d.images - d.imagesWithAlt} of ${plural(d.images, 'image')} lack an alt text.`, 'Describe every image in its alt text.'));
    else if (kp && d.imagesAltKp === 0) checks.push(improve('image-alt', label, 0.7, `Every image has an alt text (${d.images}), but none mentions ${kpQ}.`, `Mention ${kpQ} in the alt text of one image where it fits.`));
    else checks.push(good('image-alt', label, `Every image has an alt text (${d.images})${kp ? `; ${d.imagesAltKp} mention ${kpQ}` : ''}.`));
  }

  // ---- SEO: length and the channel's hard constraints
  checks.push(lengthCheck(p, v, d));
  const constraint = CHANNEL_CONSTRAINTS[v.channel] as (typeof CHANNEL_CONSTRAINTS)[string];
  const maxTags = constraint.maxHashtags;
  if (maxTags !== null) {
    if (d.hashtags <= maxTags) checks.push(good('hashtags', 'Hashtags', `${plural(d.hashtags, 'hashtag')}; the ${p.name} allows ${maxTags}.`));
    else checks.push(problem('hashtags', 'Hashtags', `${d.hashtags} hashtags; the ${p.name} is rejected with more than ${maxTags}.`, `Remove ${d.hashtags - maxTags} hashtags; 3–10 well-chosen ones work best.`));
  }
  if (!constraint.linksAllowed) {
    if (d.links.length === 0) checks.push(good('links', 'Links', `No link in the text, as the ${p.name} requires.`));
    else checks.push(problem('links', 'Links', `${plural(d.links.length, 'link')} in the text; the ${p.name} does not allow links there.`, 'Remove the link; point to "link in bio" instead.'));
  }

  // ---- readability
  if (p.readability !== 'none') {
    if (readingEase !== null && d.textWords >= READING_EASE_MIN_WORDS) {
      const label = fr ? 'Kandel–Moles reading ease' : 'Flesch reading ease';
      const wps = d.textWords / d.sentences;
      const spw = d.syllables / d.textWords;
      const expl = `${label}: ${fmt(readingEase)} (${fmt(wps)} words per sentence, ${fmt(spw, 2)} syllables per word). 60 or more reads easily.`;
      const suggestion = `Shorten sentences to about ${fr ? 17 : 15} words on average and prefer shorter, common words.`;
      if (readingEase >= 60) checks.push(good('reading-ease', label, expl));
      else if (readingEase >= 50) checks.push(improve('reading-ease', label, 0.5, `${expl} The text is fairly difficult.`, suggestion));
      else checks.push(problem('reading-ease', label, `${expl} The text is difficult.`, suggestion));
    }
    if (d.sentences > 0) {
      const label = 'Sentence length';
      const limit = ctx.longLimit;
      const share = pct(d.longSentences, d.sentences);
      const expl = `${d.longSentences} of ${plural(d.sentences, 'sentence')} (${fmt(share, 0)} %) have more than ${limit} words; the longest has ${d.maxSentenceWords}. Target: at most 25 %.`;
      if (share > 30) checks.push(problem('sentence-length', label, expl, `Split the longest sentences; keep most under ${limit} words.`));
      else if (share > 25) checks.push(improve('sentence-length', label, 0.5, expl, `Split ${d.longSentences - Math.floor(d.sentences * 0.25)} long sentence(s).`));
      else if (d.veryLongSentences > 0) checks.push(improve('sentence-length', label, 0.7, `${expl} ${plural(d.veryLongSentences, 'sentence')} of 40 words or more.`, 'Split every sentence of 40 words or more into two or three.'));
      else checks.push(good('sentence-length', label, expl));
    }
    if (p.readability === 'full' && d.paragraphs.length > 0) {
      const label = 'Paragraph length';
      let over150 = 0;
      let over200 = 0;
      let longest = 0;
      for (const words of d.paragraphs) {
        if (words > 150) over150++;
        if (words > 200) over200++;
        if (words > longest) longest = words;
      }
      const expl = `${over150} of ${plural(d.paragraphs.length, 'paragraph')} exceed 150 words; the longest has ${longest}.`;
      if (over200 > 0) checks.push(problem('paragraph-length', label, expl, 'Break paragraphs over 150 words into shorter ones (one idea each).'));
      else if (over150 > 0) checks.push(improve('paragraph-length', label, 0.5, expl, 'Break paragraphs over 150 words into shorter ones (one idea each).'));
      else checks.push(good('paragraph-length', label, expl));
    }
    if (d.sentences > 0) {
      const label = 'Passive voice';
      const share = pct(d.passiveSentences, d.sentences);
      const expl = `${d.passiveSentences} of ${plural(d.sentences, 'sentence')} (${fmt(share, 0)} %) use the passive voice (${fr ? 'être + participe passé' : 'be + past participle'}). Target: at most 10 %.`;
      const suggestion = fr ? 'Put the actor first: « L\'équipe a publié le rapport » rather than « Le rapport a été publié ».' : 'Put the actor first: "The team published the report" rather than "The report was published".';
      if (share <= 10) checks.push(good('passive-voice', label, expl));
      else if (share <= 15) checks.push(improve('passive-voice', label, 0.5, expl, suggestion));
      else checks.push(problem('passive-voice', label, expl, suggestion));
    }
  }

  // ---- GEO
  if (p.geo !== 'none') {
    {
      const label = 'Answer first';
      const lead = d.lead;
      const hasKp = lead.some((b) => (b & 1) !== 0);
      const hasDef = lead.some((b) => (b & 2) !== 0);
      const n = lead.length;
      if (n === 0) checks.push(problem('answer-first', label, 'There is no text yet.', 'Open with one or two sentences that answer the reader\'s question directly.'));
      else if (hasKp || hasDef) checks.push(good('answer-first', label, `The first ${plural(n, 'sentence')} ${hasDef ? 'give a direct definition' : `answer on ${kpQ}`}${hasDef && hasKp ? ` and use ${kpQ}` : ''}, which answer engines can quote.`));
      else checks.push(problem('answer-first', label, `The first ${plural(n, 'sentence')} neither ${kp ? `use ${kpQ} nor ` : ''}state a direct definition or answer.`, kp ? `Start with a direct answer such as "${capitalise(kp.raw)} ${fr ? 'est' : 'is'} …".` : `Start with a direct answer such as "X ${fr ? 'est' : 'is'} …".`));
    }
    if (p.geo === 'full') {
      const label = 'Question headings';
      const sub = d.headings.filter((h) => h.level >= 2);
      const questions = sub.filter((h) => h.question);
      const answered = questions.filter((h) => h.answered).length;
      const expl = `${questions.length} of ${plural(sub.length, 'subheading')} are questions; ${answered} answered by the text under them.`;
      const suggestion = fr ? 'Phrase subheadings as the questions readers ask (« Comment … ? », « Pourquoi … ? ») and answer right below each.' : 'Phrase subheadings as the questions readers ask ("How …?", "What is …?") and answer right below each.';
      if (answered >= 2 || (answered >= 1 && answered / sub.length >= 0.3)) checks.push(good('question-headings', label, expl));
      else if (questions.length > 0) checks.push(improve('question-headings', label, 0.5, expl, suggestion));
      else checks.push(problem('question-headings', label, sub.length === 0 ? 'The text has no subheadings, so none is phrased as a question.' : expl, suggestion));
    }
    {
      const label = 'Statistics with sources';
      const expl = `${plural(d.statSentences, 'sentence')} with figures (percentages, amounts, decimals); ${d.statsSourced} cite a source ("${fr ? 'selon' : 'according to'}", a study or a link) in or next to the sentence.`;
      const suggestion = fr ? 'Give each figure its source: « Selon Statistique Canada (2024), 38 % … » with a link.' : 'Give each figure its source: "According to Statistics Canada (2024), 38 % …" with a link.';
      if (d.statSentences === 0) checks.push(problem('statistics-sources', label, 'The text contains no statistic.', fr ? 'Add a precise figure with its source: « Selon [source], 42 % … ».' : 'Add a precise figure with its source: "According to [source], 42 % …".'));
      else if (d.statsSourced === 0) checks.push(improve('statistics-sources', label, 0.4, expl, suggestion));
      else if (d.statsSourced * 2 < d.statSentences) checks.push(improve('statistics-sources', label, 0.75, expl, suggestion));
      else checks.push(good('statistics-sources', label, expl));
    }
    if (p.geo === 'full') {
      const label = 'Citations';
      const expl = `${plural(links.citations, 'outbound link')} to sources (social networks and link shorteners excluded).`;
      if (links.citations >= 2) checks.push(good('citations', label, expl));
      else if (links.citations === 1) checks.push(improve('citations', label, 0.5, expl, 'Cite at least one more authoritative source with a link.'));
      else checks.push(problem('citations', label, expl, 'Link to two or more authoritative sources (studies, official data, documentation).'));
    }
    if (p.geo === 'full') {
      const label = 'Quotations';
      const expl = `${plural(d.quotes, 'quotation')} of three words or more; ${d.quotesAttributed} attributed (a speech verb or "— Name").`;
      if (d.quotesAttributed > 0) checks.push(good('quotations', label, expl));
      else if (d.quotes > 0) checks.push(improve('quotations', label, 0.5, expl, fr ? 'Attribute the quotation: « … », explique Marie Tremblay, directrice de …' : 'Attribute the quotation: "…", says Jane Doe, head of …'));
      else checks.push(improve('quotations', label, 0, 'The text quotes nobody.', fr ? 'Add a quotation from an expert, with name and role (« … », souligne …).' : 'Add a quotation from an expert, with name and role.'));
    }
    {
      const label = 'Definitions';
      const expl = `${plural(d.definitions, 'definitional sentence')} ("X ${fr ? 'est un' : 'is a'} …")${kp ? `; ${d.kpDefinitions} about ${kpQ}` : ''}.`;
      if (d.definitions > 0) checks.push(good('definitions', label, expl));
      else checks.push(improve('definitions', label, 0, 'The text defines nothing in the "X is a …" form answer engines quote.', kp ? `Add a one-sentence definition: "${capitalise(kp.raw)} ${fr ? 'est' : 'is'} …".` : `Define your main term in one sentence: "X ${fr ? 'est' : 'is'} …".`));
    }
    {
      const label = 'Freshness date';
      const year = now.getUTCFullYear();
      if (d.years === 0) checks.push(improve('freshness', label, 0, 'The text mentions no year or date.', `Date your facts, e.g. "${fr ? 'En' : 'In'} ${year}, …" or "${fr ? 'mis à jour en' : 'updated'} ${year}".`));
      else if (d.maxYear >= year - 2) checks.push(good('freshness', label, `The text mentions ${plural(d.years, 'year/date', 'years/dates')}; the most recent is ${d.maxYear}.`));
      else checks.push(improve('freshness', label, 0.5, `The most recent year mentioned is ${d.maxYear}, ${year - d.maxYear} years ago.`, `Update the figures and mention ${year}.`));
    }
  }
  if (kp && p.length.kind !== 'sms' && d.words > 0) {
    const label = 'Keyword stuffing';
    const densitySignal = d.words >= DENSITY_MIN_WORDS && density > 4;
    const sentenceShare = pct(d.kpTextSentences, d.sentences);
    const sentenceSignal = d.sentences >= STUFFING_MIN_SENTENCES && sentenceShare > 50;
    const facts = `density ${fmt(density, 2)} %${d.words < DENSITY_MIN_WORDS ? ` (not judged under ${DENSITY_MIN_WORDS} words)` : ''}, ${kpQ} in ${d.kpTextSentences} of ${plural(d.sentences, 'sentence')} (${fmt(sentenceShare, 0)} %${d.sentences < STUFFING_MIN_SENTENCES ? `, not judged under ${STUFFING_MIN_SENTENCES} sentences` : ''})`;
    if (densitySignal || sentenceSignal) {
      const penalty = densitySignal && sentenceSignal ? w.stuffing.bothSignals : w.stuffing.oneSignal;
      const reasons = [densitySignal ? 'density above 4 %' : '', sentenceSignal ? 'keyphrase in more than half of the sentences' : ''].filter(Boolean).join(' and ');
      checks.push({ ...problem('keyword-stuffing', label, `Keyword stuffing: ${reasons} (${facts}). This lowers the total by ${penalty} points.`, `Replace repetitions of ${kpQ} with synonyms, pronouns or related terms until it appears in fewer than half of the sentences and density is under 3 %.`), penalty });
    } else {
      checks.push({ ...good('keyword-stuffing', label, `No stuffing: ${facts}.`), penalty: 0 });
    }
  }

  // ---- combine
  const out: ScoreCheck[] = [];
  const sums: Record<CheckGroup, { got: number; max: number }> = { seo: { got: 0, max: 0 }, readability: { got: 0, max: 0 }, geo: { got: 0, max: 0 } };
  let penalty = 0;
  for (const c of checks) {
    const group = CHECK_GROUP[c.id];
    if (c.penalty !== undefined) {
      penalty += c.penalty;
      out.push({ id: c.id, group, label: c.label, score: c.penalty === 0 ? 0 : -c.penalty, maxScore: 0, status: c.status, explanation: c.explanation, suggestion: c.suggestion });
      continue;
    }
    const max = w.checks[c.id] ?? 0;
    sums[group].got += c.fraction * max;
    sums[group].max += max;
    out.push({ id: c.id, group, label: c.label, score: Math.round(c.fraction * max), maxScore: max, status: c.status, explanation: c.explanation, suggestion: c.suggestion });
  }
  const groupScore = (g: CheckGroup): number | null => (sums[g].max > 0 ? (100 * sums[g].got) / sums[g].max : null);
  const parts: string[] = [];
  let weighted = 0;
  let weightSum = 0;
  for (const g of ['seo', 'readability', 'geo'] as const) {
    const s = groupScore(g);
    if (s === null || w.groups[g] === 0) continue;
    weighted += w.groups[g] * s;
    weightSum += w.groups[g];
    parts.push(`${g === 'seo' ? 'SEO' : g === 'geo' ? 'GEO' : 'readability'} ${Math.round(s)} × ${w.groups[g]}`);
  }
  const base = weightSum > 0 ? weighted / weightSum : 0;
  const total = clamp(Math.round(base - penalty));
  const seo = Math.round(groupScore('seo') ?? 0);
  const readability = Math.round(groupScore('readability') ?? 0);
  const geoRaw = groupScore('geo');
  const geo = geoRaw === null ? 0 : clamp(Math.round(geoRaw - penalty));
  const missing = (['seo', 'readability', 'geo'] as const).filter((g) => groupScore(g) === null);
  const explanation =
    `Total ${total} = (${parts.join(' + ')}) / ${weightSum}${penalty > 0 ? ` − ${penalty} keyword-stuffing penalty` : ''}.` +
    (missing.length > 0 ? ` No ${missing.map((g) => (g === 'seo' ? 'SEO' : g === 'geo' ? 'GEO' : g)).join(' or ')} check applies to the ${p.name} channel.` : '');

  return {
    total,
    seo,
    readability,
    geo,
    checks: out,
    explanation,
    metrics: {
      words: d.words,
      sentences: d.sentences,
      paragraphs: d.paragraphs.length,
      headings: d.headings.length,
      keyphraseOccurrences: d.kpOccurrences,
      keyphraseDensity: Number(density.toFixed(2)),
      readingEase: readingEase === null ? null : Number(readingEase.toFixed(1)),
      passiveShare: Number(pct(d.passiveSentences, d.sentences).toFixed(1)),
    },
    usage: {
      length: constraint.length ? { used: channelLength(v.channel, v.body), max: constraint.length.max, unit: constraint.length.unit } : null,
      hashtags: { used: d.hashtags, max: constraint.maxHashtags },
      links: { used: d.links.length, allowed: constraint.linksAllowed },
    },
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function clamp(n: number): number {
  return n < 0 ? 0 : n > 100 ? 100 : n;
}

function lengthCheck(p: ChannelProfile, v: NormalisedInput, d: Doc): Draft {
  const rule = p.length;
  const id = 'text-length';
  const label = 'Text length';
  const body = v.body.trim();
  switch (rule.kind) {
    case 'minWords': {
      const expl = `The ${p.name} has ${d.words} words. Target: at least ${rule.good}.`;
      if (d.words >= rule.good) return good(id, label, expl);
      if (d.words >= rule.improve) return improve(id, label, 0.5, expl, `Add about ${rule.good - d.words} words: an example, a figure with its source, or an FAQ.`);
      return problem(id, label, expl, `Add about ${rule.good - d.words} words; search engines rarely rank thin pages.`);
    }
    case 'rangeWords': {
      const expl = `The ${p.name} has ${d.words} words. Target: ${rule.min}–${rule.max}.`;
      if (d.words < rule.floor) return problem(id, label, expl, `Add at least ${rule.min - d.words} words so the message stands on its own.`);
      if (d.words < rule.min) return improve(id, label, 0.5, expl, `Add about ${rule.min - d.words} words.`);
      if (d.words <= rule.max) return good(id, label, expl);
      if (d.words <= rule.hardMax) return improve(id, label, 0.5, expl, `Cut about ${d.words - rule.max} words; keep one message and one call to action.`);
      return problem(id, label, expl, `Cut about ${d.words - rule.max} words; keep one message and one call to action.`);
    }
    case 'chars': {
      const len = codePointLength(body);
      const expl = `The ${p.name} has ${len} characters. Limit: ${rule.max}${rule.recommended ? ` (best under ${rule.recommended})` : ''}.`;
      if (len === 0) return problem(id, label, `The ${p.name} is empty.`, 'Write the post.');
      if (len > rule.max) return problem(id, label, expl, `Remove ${len - rule.max} characters; it will not publish as is.`);
      if (rule.recommended && len > rule.recommended) return improve(id, label, 0.5, expl, `Cut about ${len - rule.recommended} characters; long posts are folded behind "See more".`);
      return good(id, label, expl);
    }
    case 'x': {
      const len = xWeightedLength(body);
      const max = CHANNEL_CONSTRAINTS.X?.length?.max ?? 280;
      const expl = `The post counts ${len} of ${max} characters (links count 23, emoji and CJK count 2).`;
      if (len === 0) return problem(id, label, 'The post is empty.', 'Write the post.');
      if (len > max) return problem(id, label, expl, `Remove ${len - max} characters.`);
      return good(id, label, expl);
    }
    case 'sms': {
      const s = smsLength(body);
      if (s.segments === 0) return problem(id, label, 'The SMS is empty.', 'Write the message.');
      const enc = s.encoding === 'GSM-7'
        ? `${s.units} GSM-7 characters (one SMS holds 160)`
        : `${s.units} characters in UCS-2, because "${s.nonGsmChar}" is outside the GSM-7 alphabet (one SMS then holds only 70)`;
      const expl = `The message uses ${enc}: ${plural(s.segments, 'SMS part')}.`;
      const fix = s.encoding === 'UCS-2'
        ? `Replace "${s.nonGsmChar}" and other non-GSM characters (e.g. ç → c, emoji) to get 160 characters per SMS, or shorten to 70.`
        : `Remove ${s.units - 160} characters to fit one SMS.`;
      if (s.segments === 1) return good(id, label, expl);
      if (s.segments <= SMS_MAX_PARTS) return improve(id, label, 0.5, `${expl} Each part is billed.`, fix);
      return problem(id, label, `${expl} Each part is billed.`, fix);
    }
  }
}

// --- JSON-LD ------------------------------------------------------------------------

export interface JsonLdMeta {
  url: string;
  datePublished: string | Date;
  authorName: string;
  publisherName: string;
  dateModified?: string | Date;
}

export type JsonLd = Record<string, unknown>;

/** schema.org Article for the page, plus FAQPage when question headings are followed by answers. */
export function buildJsonLd(input: ScoreInput, meta: JsonLdMeta): JsonLd {
  const v = normaliseInput(input);
  let url: URL;
  try {
    url = new URL(meta.url);
  } catch {
    throw badInput('url must be an absolute http(s) URL', 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput('url must be an absolute http(s) URL', 'url');
  const published = isoDate(meta.datePublished, 'datePublished');
  const modified = meta.dateModified === undefined ? published : isoDate(meta.dateModified, 'dateModified');
  const author = requiredName(meta.authorName, 'authorName');
  const publisher = requiredName(meta.publisherName, 'publisherName');
  if (!v.title) throw badInput('A title is required for the headline', 'title');

  const ctx = analysisContext(v.lang, v.keyphrase ? prepareKeyphrase(v.keyphrase, v.lang) : null);
  const raw = parseBlocks(v.body);
  const stats = raw.map((b) => analyseBlock(b, ctx));
  const words = stats.reduce((n, s) => n + s.words, 0);
  const firstText = raw.findIndex((b, i) => b.kind !== K_HEADING && (stats[i] as BlockStats).words > 0);
  const description = v.metaDescription ?? (firstText >= 0 ? truncate(plainText(raw[firstText] as RawBlock), 160) : null);
  const imageSrc = stats.find((s) => s.firstImageSrc)?.firstImageSrc ?? null;
  let image: string | null = null;
  if (imageSrc) {
    try {
      image = new URL(imageSrc, url).href;
    } catch {
      image = null;
    }
  }
  const article: JsonLd = {
    '@type': 'Article',
    headline: truncate(v.title, 110),
    ...(description ? { description } : {}),
    inLanguage: v.locale,
    url: url.href,
    mainEntityOfPage: { '@type': 'WebPage', '@id': url.href },
    datePublished: published,
    dateModified: modified,
    author: { '@type': 'Person', name: author },
    publisher: { '@type': 'Organization', name: publisher },
    wordCount: words,
    ...(v.keyphrase ? { keywords: v.keyphrase } : {}),
    ...(image ? { image } : {}),
  };
  const faq: JsonLd[] = [];
  for (let i = 0; i < raw.length; i++) {
    const s = stats[i] as BlockStats;
    if (s.kind !== K_HEADING || !s.question) continue;
    const answer: string[] = [];
    for (let j = i + 1; j < raw.length && (stats[j] as BlockStats).kind !== K_HEADING; j++) {
      const t = plainText(raw[j] as RawBlock);
      if (t) answer.push(t);
    }
    if (answer.length === 0) continue;
    faq.push({ '@type': 'Question', name: plainText(raw[i] as RawBlock), acceptedAnswer: { '@type': 'Answer', text: answer.join('\n') } });
  }
  const graph: JsonLd[] = [article];
  if (faq.length > 0) graph.push({ '@type': 'FAQPage', inLanguage: v.locale, mainEntity: faq });
  return { '@context': 'https://schema.org', '@graph': graph };
}

function isoDate(d: string | Date, field: string): string {
  const date = d instanceof Date ? d : typeof d === 'string' ? new Date(d) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw badInput(`${field} must be a valid date`, field);
  return date.toISOString();
}

function requiredName(s: string, field: string): string {
  const t = typeof s === 'string' ? s.trim() : '';
  if (!t || t.length > 200) throw badInput(`${field} must be 1–200 characters`, field);
  return t;
}

function truncate(s: string, max: number): string {
  if (codePointLength(s) <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
