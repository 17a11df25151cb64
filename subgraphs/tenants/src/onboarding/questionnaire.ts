// T8: the guided questionnaire. Answers are validated field by field (limits
// follow the brand DNA schema, so an accepted answer always fits the DNA),
// prices typed as the owner writes them ("12,50", "1 200") become minor
// units, and the whole set maps onto a partial DNA document.
import { AppError } from '@ensemble/tenancy/errors';
import { ADDRESSES, CHANNELS } from '../brand/brand-dna.schema.ts';

export type OfferKind = 'product' | 'service';
export type Address = (typeof ADDRESSES)[number];

export interface OfferAnswer {
  kind: OfferKind;
  name: string;
  /** as typed, e.g. "12,50" */
  price: string;
  priceMinor: number;
  currency: string;
  unit?: string;
  description?: string;
}

export interface AudienceAnswer {
  persona: string;
  description?: string;
  needs: string[];
}

export interface CompetitorAnswer {
  name: string;
  website?: string;
  notes?: string;
}

export interface ToneAnswer {
  voice: string[];
  address?: Address;
  do: string[];
  dont: string[];
}

/** Validated answers; empty fields are absent (strings) or empty (lists). */
export interface OnboardingAnswers {
  name?: string;
  tagline?: string;
  mission?: string;
  website?: string;
  location?: string;
  values: string[];
  offers: OfferAnswer[];
  audiences: AudienceAnswer[];
  tone: ToneAnswer;
  wordsToUse: string[];
  wordsToAvoid: string[];
  proofPoints: string[];
  competitors: CompetitorAnswer[];
  channels: string[];
  keywords: string[];
  /** the language of the brand's copy (defaults to the workspace's) */
  locale: string;
}

/** Question keys, in questionnaire order: one onboarding_source row of kind 'answer' each. */
export const QUESTION_KEYS = [
  'name', 'tagline', 'mission', 'website', 'location', 'values', 'offers', 'audiences', 'tone',
  'wordsToUse', 'wordsToAvoid', 'proofPoints', 'competitors', 'channels', 'keywords', 'locale',
] as const;
export type QuestionKey = (typeof QUESTION_KEYS)[number];

export function emptyAnswers(locale: string): OnboardingAnswers {
  return {
    values: [], offers: [], audiences: [], tone: { voice: [], do: [], dont: [] }, wordsToUse: [], wordsToAvoid: [],
    proofPoints: [], competitors: [], channels: [], keywords: [], locale,
  };
}

interface FieldError {
  field: string;
  message: string;
}

class Checker {
  readonly errors: FieldError[] = [];

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  text(value: unknown, field: string, max: number): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.fail(field, 'must be text');
      return undefined;
    }
    const clean = value.replace(/\s+/g, ' ').trim();
    if (!clean) return undefined;
    if (clean.length > max) {
      this.fail(field, `must be at most ${max} characters`);
      return undefined;
    }
    return clean;
  }

  /** Like text, but keeps line breaks (mission, descriptions). */
  paragraph(value: unknown, field: string, max: number): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.fail(field, 'must be text');
      return undefined;
    }
    const clean = value.replace(/[ \t\f\v]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
    if (!clean) return undefined;
    if (clean.length > max) {
      this.fail(field, `must be at most ${max} characters`);
      return undefined;
    }
    return clean;
  }

  list(value: unknown, field: string, maxItems: number, maxLength: number): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.fail(field, 'must be a list');
      return [];
    }
    const out: string[] = [];
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const clean = this.text(item, `${field}.${i}`, maxLength);
      if (clean && !seen.has(clean.toLowerCase())) {
        seen.add(clean.toLowerCase());
        out.push(clean);
      }
    });
    if (out.length > maxItems) this.fail(field, `can list at most ${maxItems} items`);
    return out.slice(0, maxItems);
  }

  website(value: unknown, field: string): string | undefined {
    const clean = this.text(value, field, 500);
    if (!clean) return undefined;
    const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(clean) ? clean : `https://${clean}`;
    try {
      const url = new URL(withScheme);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.') && !/\s/.test(withScheme)) return url.href;
    } catch {
      // reported below
    }
    this.fail(field, 'must be a web address such as https://example.com');
    return undefined;
  }
}

/** Digits after the decimal point of a currency (2 for EUR and MAD, 0 for JPY). */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN_CURRENCIES.has(code);
}

/**
 * A price as people write it, to a decimal number: "12,50" and "12.50" are
 * 12.5; "1 200", "1.200" and "1,200" are 1200 (three digits after the only
 * separator mean thousands); with both "," and ".", the last one is the
 * decimal point. Null when it is not a price.
 */
export function parseAmount(raw: string): number | null {
  const text = raw.replace(/[\s\u00a0\u202f']/g, '');
  if (!/^\d[\d.,]*$/.test(text)) return null;
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  let normal: string;
  if (lastComma >= 0 && lastDot >= 0) {
    const decimal = lastComma > lastDot ? ',' : '.';
    const thousands = decimal === ',' ? '.' : ',';
    normal = text.split(thousands).join('').replace(decimal, '.');
  } else if (lastComma >= 0 || lastDot >= 0) {
    const sep = lastComma >= 0 ? ',' : '.';
    const parts = text.split(sep);
    const tail = parts[parts.length - 1]!;
    normal = parts.length === 2 && tail.length !== 3 ? `${parts[0]}.${tail}` : parts.join('');
    if (parts.length > 2 && parts.slice(1).some((p) => p.length !== 3)) return null;
  } else {
    normal = text;
  }
  if (!/^\d+(\.\d+)?$/.test(normal)) return null;
  const value = Number(normal);
  return Number.isFinite(value) ? value : null;
}

/** Minor units of an amount in a currency, or null when it has more decimals than the currency allows. */
export function toMinor(amount: number, currency: string): number | null {
  const digits = currencyDigits(currency);
  const minor = Math.round(amount * 10 ** digits);
  if (Math.abs(minor - amount * 10 ** digits) > 1e-6) return null;
  return minor;
}

/** "12.50" for 1250 EUR: how a minor amount is shown back in the form. */
export function formatMinor(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const OFFER_KINDS = ['product', 'service'];

/**
 * Checks and cleans the questionnaire. `defaults` gives the workspace's
 * locale and currency. Throws BAD_USER_INPUT naming the first bad field
 * (all of them in extensions.fields); nothing is kept from a refused set.
 */
export function validateAnswers(input: unknown, defaults: { locale: string; currency: string }): OnboardingAnswers {
  const c = new Checker();
  const raw = isRecord(input) ? input : {};
  if (!isRecord(input)) c.fail('answers', 'must be an object');

  const locale = c.text(raw.locale, 'locale', 10) ?? defaults.locale;
  if (!/^[a-z]{2}(-[A-Z]{2})?$/.test(locale)) c.fail('locale', 'must be a locale such as fr or en-GB');
  const french = locale.startsWith('fr');

  const answers: OnboardingAnswers = {
    ...emptyAnswers(locale),
    name: c.text(raw.name, 'name', 200),
    tagline: c.text(raw.tagline, 'tagline', 300),
    mission: c.paragraph(raw.mission, 'mission', 2000),
    website: c.website(raw.website, 'website'),
    location: c.text(raw.location, 'location', 300),
    values: c.list(raw.values, 'values', 30, 300),
    wordsToUse: c.list(raw.wordsToUse, 'wordsToUse', 200, 100),
    wordsToAvoid: c.list(raw.wordsToAvoid, 'wordsToAvoid', 200, 100),
    proofPoints: c.list(raw.proofPoints, 'proofPoints', 50, 500),
    keywords: c.list(raw.keywords, 'keywords', 100, 150),
  };

  const offers = Array.isArray(raw.offers) ? raw.offers : raw.offers == null ? [] : (c.fail('offers', 'must be a list'), []);
  if (offers.length > 200) c.fail('offers', 'can list at most 200 offers');
  offers.slice(0, 200).forEach((offer: unknown, i: number) => {
    const at = `offers.${i}`;
    if (!isRecord(offer)) return c.fail(at, 'must be an object');
    const name = c.text(offer.name, `${at}.name`, 200);
    if (!name) return c.fail(`${at}.name`, 'is required');
    const kind = typeof offer.kind === 'string' ? offer.kind.toLowerCase() : 'product';
    if (!OFFER_KINDS.includes(kind)) return c.fail(`${at}.kind`, 'must be product or service');
    const currency = (c.text(offer.currency, `${at}.currency`, 3) ?? defaults.currency).toUpperCase();
    if (!isCurrency(currency)) return c.fail(`${at}.currency`, 'must be an ISO 4217 code such as EUR or MAD');
    const price = c.text(offer.price, `${at}.price`, 30);
    if (!price) return c.fail(`${at}.price`, 'is required (a price such as 12.50)');
    const amount = parseAmount(price);
    const minor = amount === null ? null : toMinor(amount, currency);
    if (minor === null) return c.fail(`${at}.price`, `"${price}" is not a price in ${currency}`);
    if (minor > 1_000_000_000_000) return c.fail(`${at}.price`, 'is too large');
    const unit = c.text(offer.unit, `${at}.unit`, 50);
    const description = c.paragraph(offer.description, `${at}.description`, 1000);
    answers.offers.push({ kind: kind as OfferKind, name, price, priceMinor: minor, currency, ...(unit ? { unit } : {}), ...(description ? { description } : {}) });
  });

  const audiences = Array.isArray(raw.audiences) ? raw.audiences : raw.audiences == null ? [] : (c.fail('audiences', 'must be a list'), []);
  if (audiences.length > 30) c.fail('audiences', 'can list at most 30 audiences');
  audiences.slice(0, 30).forEach((audience: unknown, i: number) => {
    const at = `audiences.${i}`;
    if (!isRecord(audience)) return c.fail(at, 'must be an object');
    const persona = c.text(audience.persona, `${at}.persona`, 200);
    if (!persona) return c.fail(`${at}.persona`, 'is required');
    const description = c.paragraph(audience.description, `${at}.description`, 1000);
    answers.audiences.push({ persona, ...(description ? { description } : {}), needs: c.list(audience.needs, `${at}.needs`, 30, 300) });
  });

  const tone = isRecord(raw.tone) ? raw.tone : raw.tone == null ? {} : (c.fail('tone', 'must be an object'), {});
  const address = typeof tone.address === 'string' && tone.address ? tone.address.toLowerCase() : undefined;
  if (address !== undefined) {
    if (!(ADDRESSES as readonly string[]).includes(address)) c.fail('tone.address', `must be one of: ${ADDRESSES.join(', ')}`);
    else if (french && address === 'you') c.fail('tone.address', 'a French brand addresses the reader as tu or vous');
  }
  answers.tone = {
    voice: c.list(tone.voice, 'tone.voice', 20, 100),
    ...(address && (ADDRESSES as readonly string[]).includes(address) && !(french && address === 'you') ? { address: address as Address } : {}),
    do: c.list(tone.do, 'tone.do', 30, 300),
    dont: c.list(tone.dont, 'tone.dont', 30, 300),
  };

  const competitors = Array.isArray(raw.competitors) ? raw.competitors : raw.competitors == null ? [] : (c.fail('competitors', 'must be a list'), []);
  if (competitors.length > 50) c.fail('competitors', 'can list at most 50 competitors');
  competitors.slice(0, 50).forEach((competitor: unknown, i: number) => {
    const at = `competitors.${i}`;
    if (!isRecord(competitor)) return c.fail(at, 'must be an object');
    const name = c.text(competitor.name, `${at}.name`, 200);
    if (!name) return c.fail(`${at}.name`, 'is required');
    const website = c.website(competitor.website, `${at}.website`);
    const notes = c.paragraph(competitor.notes, `${at}.notes`, 1000);
    answers.competitors.push({ name, ...(website ? { website } : {}), ...(notes ? { notes } : {}) });
  });

  const channels = c.list(raw.channels, 'channels', CHANNELS.length, 30).map((ch) => ch.toLowerCase());
  channels.forEach((channel, i) => {
    if (!(CHANNELS as readonly string[]).includes(channel)) c.fail(`channels.${i}`, `must be one of: ${CHANNELS.join(', ')}`);
  });
  answers.channels = channels.filter((ch) => (CHANNELS as readonly string[]).includes(ch));

  if (c.errors.length > 0) {
    const [first] = c.errors as [FieldError, ...FieldError[]];
    const more = c.errors.length > 1 ? ` (and ${c.errors.length - 1} more)` : '';
    throw new AppError('BAD_USER_INPUT', `${first.field} ${first.message}${more}`, { field: first.field, fields: c.errors });
  }
  return answers;
}

/** Readable text of one answer (stored with it; extraction reads it like any other text). */
export function answerText(key: QuestionKey, answers: OnboardingAnswers): string | null {
  switch (key) {
    case 'offers':
      return answers.offers.length ? answers.offers.map((o) => `${o.name}: ${o.price} ${o.currency}${o.unit ? ` ${o.unit}` : ''}${o.description ? ` (${o.description})` : ''}`).join('\n') : null;
    case 'audiences':
      return answers.audiences.length ? answers.audiences.map((a) => [a.persona, a.description, ...a.needs].filter(Boolean).join(' — ')).join('\n') : null;
    case 'competitors':
      return answers.competitors.length ? answers.competitors.map((x) => [x.name, x.website, x.notes].filter(Boolean).join(' — ')).join('\n') : null;
    case 'tone': {
      const t = answers.tone;
      const parts = [t.address ? `address: ${t.address}` : '', ...t.voice, ...t.do, ...t.dont].filter(Boolean);
      return parts.length ? parts.join('\n') : null;
    }
    default: {
      const value = answers[key];
      if (Array.isArray(value)) return value.length ? value.join('\n') : null;
      return typeof value === 'string' && value ? value : null;
    }
  }
}

/** The value stored for one question (null: not answered). */
export function answerValue(key: QuestionKey, answers: OnboardingAnswers): unknown {
  const value = answers[key];
  if (key === 'tone') {
    const t = answers.tone;
    return t.voice.length || t.do.length || t.dont.length || t.address ? t : null;
  }
  if (Array.isArray(value)) return value.length ? value : null;
  return value ?? null;
}

/** Rebuilds the answers from stored rows (question key → value); unknown keys are ignored. */
export function answersFromRows(rows: Array<{ questionKey: string | null; value: unknown }>, locale: string): OnboardingAnswers {
  const answers = emptyAnswers(locale);
  const target = answers as unknown as Record<string, unknown>;
  for (const row of rows) {
    if (!row.questionKey || !(QUESTION_KEYS as readonly string[]).includes(row.questionKey) || row.value == null) continue;
    target[row.questionKey] = row.questionKey === 'tone' ? { voice: [], do: [], dont: [], ...(row.value as object) } : row.value;
  }
  return answers;
}

/** A partial DNA document with exactly what the owner answered, and the path of every field it sets. */
export function answersToDna(answers: OnboardingAnswers): Record<string, unknown> {
  const dna: Record<string, unknown> = {};
  const identity: Record<string, unknown> = {};
  if (answers.name) identity.name = answers.name;
  if (answers.tagline) identity.tagline = answers.tagline;
  if (answers.location) identity.location = answers.location;
  if (answers.website) identity.website = answers.website;
  if (Object.keys(identity).length) dna.identity = identity;
  if (answers.mission) dna.mission = answers.mission;
  if (answers.values.length) dna.values = [...answers.values];
  const priced = (o: OfferAnswer) => ({ name: o.name, ...(o.description ? { description: o.description } : {}), price_minor: o.priceMinor, currency: o.currency, ...(o.unit ? { unit: o.unit } : {}) });
  const products = answers.offers.filter((o) => o.kind === 'product').map(priced);
  const services = answers.offers.filter((o) => o.kind === 'service').map(priced);
  if (products.length || services.length) dna.offer = { ...(products.length ? { products } : {}), ...(services.length ? { services } : {}) };
  if (answers.audiences.length) {
    dna.audiences = answers.audiences.map((a) => ({ persona: a.persona, ...(a.description ? { description: a.description } : {}), ...(a.needs.length ? { needs: [...a.needs] } : {}) }));
  }
  const tone: Record<string, unknown> = {};
  if (answers.tone.voice.length) tone.voice = [...answers.tone.voice];
  if (answers.tone.address) tone.address = answers.tone.address;
  if (answers.tone.do.length) tone.do = [...answers.tone.do];
  if (answers.tone.dont.length) tone.dont = [...answers.tone.dont];
  if (Object.keys(tone).length) dna.tone = tone;
  const vocabulary: Record<string, unknown> = {};
  if (answers.wordsToUse.length) vocabulary.use = [...answers.wordsToUse];
  if (answers.wordsToAvoid.length) vocabulary.avoid = [...answers.wordsToAvoid];
  if (Object.keys(vocabulary).length) dna.vocabulary = vocabulary;
  if (answers.proofPoints.length) dna.proof_points = [...answers.proofPoints];
  if (answers.competitors.length) dna.competitors = answers.competitors.map((x) => ({ ...x }));
  if (answers.keywords.length) dna.keywords = [...answers.keywords];
  if (answers.channels.length) dna.channels = [...answers.channels];
  return dna;
}
